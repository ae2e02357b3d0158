package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.LionCoefficients;
import vecopt.engine.kernels.StateRounding;

/**
 * Lion (EvoLved Sign Momentum, Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms",
 * Algorithm 2). PyTorch has no Lion; the names, defaults and order of operations follow optax's
 * {@code lion} ({@code scale_by_lion} then {@code add_decayed_weights} then the learning rate):
 * <pre>
 * c = beta1 * m + (1 - beta1) * g                (g negated first when maximize)
 * p = p * (1 - lr * weight_decay) - lr * sign(c)
 * m = beta2 * m + (1 - beta2) * g
 * </pre>
 * The paper's and optax's {@code p - lr * (sign(c) + weight_decay * p)} is computed as the decoupled
 * decay first, {@code p * (1 - lr * weight_decay)}, then one fused multiply-add of {@code -lr * sign(c)}
 * (as AdamW and the authors' PyTorch code, which decay in place before the update): without weight
 * decay the factor is exactly 1 and a step rounds once. The decay uses the parameter before this
 * step, as in the paper. {@code sign(+0) = sign(-0) = +0}, so a zero interpolation leaves the
 * parameter to its decay alone, and {@code sign(NaN) = NaN}, so a NaN gradient propagates as in
 * every other rule.
 *
 * <p>Defaults: lr 1e-4 and betas (0.9, 0.99), as the paper, optax and the authors' code. weight_decay
 * defaults to 0, as in the authors' PyTorch implementation ({@code lion_pytorch.py} in
 * google/automl) and as every {@code torch.optim} rule but AdamW, so that a rule built with its defaults
 * never shrinks parameters unasked; optax's {@code lion} defaults to 1e-3 (the paper advises a
 * weight decay 3-10 times AdamW's, with an lr 3-10 times smaller): pass it explicitly to match optax.
 *
 * <p>State: {@code exp_avg}. The step reads p, g and m and writes p and m: 20 bytes per element, as
 * SGD with momentum; 16 with {@code exp_avg} stored as bfloat16 and about 14 as 8-bit ({@link #setStateFormat}).
 */
public final class Lion extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-4, 0);
    /** {@code beta1}: interpolation factor between momentum and gradient in the update. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the momentum. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.99, 0, 1);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** Lion's descriptor: {@code exp_avg}. */
    public static final Rule RULE = Rule.builder("Lion", DEFAULTS, Lion::new)
            .preferredVectorBits(512)
            .buffer("exp_avg")
            .compressible("exp_avg")
            .build();

    /**
     * The paper's and optax's lr 1e-4 and betas (0.9, 0.99); no weight decay (optax: 1e-3).
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
    public Lion(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /** The fused kernels over a compressed momentum. */
    @Override
    protected StepPlan planCompressed(Parameter p, ParameterState state, Hyperparameters h, long step,
                                      StepContext context) {
        return compressedKernelCall(p, state.compressedBuffer("exp_avg"), stateFormat(), step,
                LionCoefficients.forStep(h, step, context));
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        LionCoefficients c = LionCoefficients.forStep(h, step, context);
        float[] m = state.buffer("exp_avg");
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().lion(pa, pOff, ga, gOff, m, from, n, c));
    }

    /** The Lion kernel call over a compressed momentum ({@link StateFormat}). */
    private static StepPlan compressedKernelCall(Parameter p, CompressedBuffer m, StateFormat format, long step,
                                                 LionCoefficients c) {
        CompressedStateKernels kernels = CompressedStateKernels.get();
        return switch (m) {
            case CompressedBuffer.BFloat16Buffer bf -> {
                StateRounding rounding = format.stochastic()
                        ? StateRounding.stochastic(format.seed(), GradientNoise.stream(p.name()), step)
                        : StateRounding.NEAREST_EVEN;
                yield StepPlan.of((pa, pOff, ga, gOff, from, n) ->
                        kernels.lionBf16(pa, pOff, ga, gOff, bf.bits(), from, n, c, rounding));
            }
            case CompressedBuffer.BlockwiseBuffer q -> StepPlan.of(StepPlan.Pass.blocked(q.blockSize(),
                    (pa, pOff, ga, gOff, from, n) -> kernels.lion8bit(pa, pOff, ga, gOff, q.codes(), q.absmax(),
                            from, n, q.blockSize(), c)));
        };
    }
}
