package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.SgdCoefficients;
import vecopt.engine.kernels.StateRounding;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, coupled weight
 * decay and maximization, as {@code torch.optim.SGD}:
 * <pre>
 * d = g + weight_decay * p                        (g negated first when maximize)
 * b = d on the first step, else momentum * b + (1 - dampening) * d
 * u = d + momentum * b if nesterov, else b        (u = d without momentum)
 * p = p - lr * u
 * </pre>
 * State: {@code momentum_buffer} when momentum is non-zero: float32, or bfloat16 or block-wise 8-bit
 * with {@link #setStateFormat}. A step with momentum moves 20 bytes per element with float32 state, 16
 * with bfloat16 and 14 (plus a scale per block) with 8-bit.
 */
public final class Sgd extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code momentum}: momentum factor. */
    public static final Hyperparameter MOMENTUM = Hyperparameter.atLeast("momentum", 0, 0);
    /** {@code dampening}: dampening of the gradient added to the momentum buffer. */
    public static final Hyperparameter DAMPENING = Hyperparameter.inClosed("dampening", 0, 0, 1);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code nesterov}: whether to use Nesterov momentum. */
    public static final Hyperparameter NESTEROV = Hyperparameter.flag("nesterov", false);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, MOMENTUM, DAMPENING, WEIGHT_DECAY, NESTEROV, MAXIMIZE), Sgd::checkCombination);

    /** SGD's descriptor: {@code momentum_buffer} only with momentum. */
    public static final Rule RULE = Rule.builder("SGD", DEFAULTS, Sgd::new)
            .preferredVectorBits(512)
            // -0 fill: on the buffer's first step, 0 * b + d keeps the sign of a zero d, as torch's clone(d) does
            .add(new Rule.Buffer("momentum_buffer", Rule.Buffer.LIKE_PARAMETER, h -> h.get(MOMENTUM) != 0, h -> -0.0))
            .compressible("momentum_buffer")
            .build();

    /**
     * PyTorch's defaults: lr 1e-3, no momentum, no dampening, no weight decay.
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
    public Sgd(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /** The fused kernels over a compressed momentum buffer; without momentum, the plain step (the buffer unused). */
    @Override
    protected StepPlan planCompressed(Parameter p, ParameterState state, Hyperparameters h, long step,
                                      StepContext context) {
        CompressedBuffer compressed = h.get(MOMENTUM) != 0 ? state.compressedBuffer("momentum_buffer") : null;
        if (compressed == null) {
            return plan(p, state, h, step, context);
        }
        SgdCoefficients c = SgdCoefficients.forStep(h, state.isFresh("momentum_buffer"), context);
        return compressedKernelCall(p, compressed, stateFormat(), step, c);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        // a buffer left from steps with momentum is kept but unused while momentum is 0, as in PyTorch
        boolean momentum = h.get(MOMENTUM) != 0;
        float[] b = momentum ? state.buffer("momentum_buffer") : null;
        SgdCoefficients c = SgdCoefficients.forStep(h, b != null && state.isFresh("momentum_buffer"), context);
        if (b == null) {
            return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().sgd(pa, pOff, ga, gOff, n, c));
        }
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().sgdMomentum(pa, pOff, ga, gOff, b, from, n, c));
    }

    /** The SGD kernel call over a compressed momentum buffer ({@link StateFormat}). */
    private static StepPlan compressedKernelCall(Parameter p, CompressedBuffer b, StateFormat format, long step,
                                                 SgdCoefficients c) {
        CompressedStateKernels kernels = CompressedStateKernels.get();
        return switch (b) {
            case CompressedBuffer.BFloat16Buffer bf -> {
                StateRounding rounding = format.stochastic()
                        ? StateRounding.stochastic(format.seed(), GradientNoise.stream(p.name()), step)
                        : StateRounding.NEAREST_EVEN;
                yield StepPlan.of((pa, pOff, ga, gOff, from, n) ->
                        kernels.sgdMomentumBf16(pa, pOff, ga, gOff, bf.bits(), from, n, c, rounding));
            }
            case CompressedBuffer.BlockwiseBuffer q -> StepPlan.of(StepPlan.Pass.blocked(q.blockSize(),
                    (pa, pOff, ga, gOff, from, n) -> kernels.sgdMomentum8bit(pa, pOff, ga, gOff, q.codes(), q.absmax(),
                            from, n, q.blockSize(), c)));
        };
    }

    private static void checkCombination(Hyperparameters h) {
        if (h.flag(NESTEROV) && (h.get(MOMENTUM) <= 0 || h.get(DAMPENING) != 0)) {
            throw new IllegalArgumentException("nesterov requires momentum > 0 and dampening = 0, got momentum="
                    + Hyperparameter.format(h.get(MOMENTUM)) + ", dampening=" + Hyperparameter.format(h.get(DAMPENING)));
        }
    }
}
