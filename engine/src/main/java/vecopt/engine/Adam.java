package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.StateRounding;

/**
 * Adam, as {@code torch.optim.Adam}, with optional AMSGrad, L2 or decoupled weight decay and
 * maximization:
 * <pre>
 * d     = g + weight_decay * p                   (g negated first when maximize; d = g when decoupled)
 * p     = p * (1 - lr * weight_decay)            (only when decoupled_weight_decay)
 * m     = beta1 * m + (1 - beta1) * d
 * v     = beta2 * v + (1 - beta2) * d^2
 * vMax  = max(vMax, v)                           (amsgrad; v below stands for vMax)
 * p     = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with amsgrad.
 */
public final class Adam extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code amsgrad}: whether to divide by the largest second moment so far (AMSGrad). */
    public static final Hyperparameter AMSGRAD = Hyperparameter.flag("amsgrad", false);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);
    /**
     * {@code decoupled_weight_decay}: whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient.
     */
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD, MAXIMIZE, DECOUPLED_WEIGHT_DECAY), h -> { });

    /** Adam's descriptor: {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with AMSGrad. */
    public static final Rule RULE = Rule.builder("Adam", DEFAULTS, Adam::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .bufferWhen("max_exp_avg_sq", h -> h.flag(AMSGRAD))
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq", "max_exp_avg_sq")
            .build();

    /** Weight decay is decoupled when {@code decoupled_weight_decay} says so. */
    private static final AdamCoefficients.WeightDecay DECOUPLED = AdamCoefficients.WeightDecay.BY_FLAG;

    /**
     * PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /**
     * An optimizer over {@code parameters}, all in its first group, with {@code hyperparameters} from {@link #defaults()}.
     *
     * @param parameters the parameters of the first group
     * @param hyperparameters the first group's hyperparameters: {@link #defaults()} with changes
     */
    public Adam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        AdamCoefficients c = AdamCoefficients.forStep(h, DECOUPLED, step, context);
        StepPlan fused = fusedMixedCall(p, state, weightRounding(), h.flag(AMSGRAD), step, c);
        if (fused != null) {
            return fused;
        }
        return kernelCall(kernels(), state, h.flag(AMSGRAD), c);
    }

    /** The fused kernels over compressed moments; null with AMSGrad, whose running maximum takes the block path. */
    @Override
    protected StepPlan planCompressed(Parameter p, ParameterState state, Hyperparameters h, long step,
                                      StepContext context) {
        if (h.flag(AMSGRAD)) {
            return null;
        }
        return compressedKernelCall(p, state, stateFormat(), step, AdamCoefficients.forStep(h, DECOUPLED, step, context));
    }

    /**
     * The fused mixed-precision kernel ({@link CompressedStateKernels#adamMixedBf16}) for a parameter
     * with bfloat16 weights over a heap {@code short[]}, a float32 gradient or a bfloat16 one over a
     * heap {@code short[]}, float32 moments and no AMSGrad; null for every other parameter, which the
     * optimizer steps through the master copy with the float32 kernel ({@link MixedPass}). Same bits
     * either way; the fused pass is faster out of cache (16Mi elements, 1 thread: the generic path took
     * 1.24x its time, docs/storage.md). Adam's and AdamW's.
     */
    static StepPlan fusedMixedCall(Parameter p, ParameterState state, WeightRounding weightRounding, boolean amsgrad,
                                   long step, AdamCoefficients c) {
        if (!p.isMixed() || amsgrad || state.compressedBuffer("exp_avg") != null) {
            return null;
        }
        Parameter.LowPrecision lp = p.lowPrecision();
        short[] w = lp.weightBits();
        boolean lowGradient = p.hasLowPrecisionGrad();
        short[] g = lowGradient ? lp.gradBits() : null;
        if (lp.isFloat16() || w == null || (lowGradient && g == null)) {
            return null;
        }
        CompressedStateKernels kernels = CompressedStateKernels.get();
        float[] master = state.buffer(Optimizer.MASTER);
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        StateRounding rounding = weightRounding.at(p, step);
        int wOff = lp.weightOffset();
        if (lowGradient) {
            int gOff = lp.gradOffset();
            return StepPlan.of(StepPlan.Pass.writingWeights((pa, pOff, ga, gaOff, from, n) ->
                    kernels.adamMixedBf16(w, wOff + from, g, gOff + from, master, m, v, from, n, c, rounding)));
        }
        float[] ga = p.grad().array();
        int gaOff = p.grad().offset();
        return StepPlan.of(StepPlan.Pass.writingWeights((pa, pOff, unused, unusedOff, from, n) ->
                kernels.adamMixedBf16(w, wOff + from, ga, gaOff + from, master, m, v, from, n, c, rounding)));
    }

    /** The fused Adam kernel call over compressed moments ({@link StateFormat}), without AMSGrad; Adam's and AdamW's. */
    static StepPlan compressedKernelCall(Parameter p, ParameterState state, StateFormat format, long step,
                                         AdamCoefficients c) {
        CompressedStateKernels kernels = CompressedStateKernels.get();
        CompressedBuffer m = state.compressedBuffer("exp_avg");
        CompressedBuffer v = state.compressedBuffer("exp_avg_sq");
        if (m instanceof CompressedBuffer.BFloat16Buffer mb && v instanceof CompressedBuffer.BFloat16Buffer vb) {
            StateRounding rounding = format.stochastic()
                    ? StateRounding.stochastic(format.seed(), GradientNoise.stream(p.name()), step)
                    : StateRounding.NEAREST_EVEN;
            return StepPlan.of((pa, pOff, ga, gOff, from, n) ->
                    kernels.adamBf16(pa, pOff, ga, gOff, mb.bits(), vb.bits(), from, n, c, rounding));
        }
        if (m instanceof CompressedBuffer.BlockwiseBuffer mq && v instanceof CompressedBuffer.BlockwiseBuffer vq) {
            int block = mq.blockSize();
            return StepPlan.of(StepPlan.Pass.blocked(block, (pa, pOff, ga, gOff, from, n) -> kernels.adam8bit(
                    pa, pOff, ga, gOff, mq.codes(), mq.absmax(), vq.codes(), vq.absmax(), from, n, block, c)));
        }
        throw new IllegalStateException("parameter " + p.name() + " has exp_avg " + m + " and exp_avg_sq " + v
                + " stored differently");
    }

    /** The Adam kernel call over a parameter's state, the AMSGrad one with {@code amsgrad}; Adam's and AdamW's. */
    static StepPlan kernelCall(OptimizerKernels kernels, ParameterState state, boolean amsgrad, AdamCoefficients c) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        if (amsgrad) {
            float[] vMax = state.buffer("max_exp_avg_sq");
            return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels.adamAmsgrad(pa, pOff, ga, gOff,
                    m, from, v, from, vMax, from, n, c));
        }
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels.adam(pa, pOff, ga, gOff, m, from, v, from, n, c));
    }
}
