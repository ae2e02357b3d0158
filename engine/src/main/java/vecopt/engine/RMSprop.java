package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.RMSpropCoefficients;

/**
 * RMSprop with optional centering, momentum, coupled weight decay and maximization, as
 * {@code torch.optim.RMSprop}:
 * <pre>
 * d          = g + weight_decay * p                          (g negated first when maximize)
 * square_avg = alpha * square_avg + (1 - alpha) * d * d
 * grad_avg   = alpha * grad_avg + (1 - alpha) * d            (centered)
 * w          = square_avg - grad_avg^2 if centered, else square_avg
 * avg        = sqrt(w) + eps, or sqrt(w + eps) with eps_inside_sqrt
 * buf        = momentum * buf + d / avg;  p = p - lr * buf  (momentum > 0)
 * p          = p - lr * d / avg                              (otherwise)
 * </pre>
 * State: {@code square_avg}; {@code momentum_buffer} when momentum is positive; {@code grad_avg}
 * when centered; all starting at 0.
 *
 * <p>{@code eps_inside_sqrt} is not a PyTorch option: it selects the form of Hinton's lecture
 * notes, several textbooks, TensorFlow's {@code RMSprop} and optax's {@code scale_by_rms}, which
 * put eps under the root. It defaults to false, PyTorch's form.
 */
public final class RMSprop extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code alpha}: smoothing constant of the running average of squared gradients. */
    public static final Hyperparameter ALPHA = Hyperparameter.atLeast("alpha", 0.99, 0);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code momentum}: momentum factor. */
    public static final Hyperparameter MOMENTUM = Hyperparameter.atLeast("momentum", 0, 0);
    /** {@code centered}: whether to divide by the estimated variance instead of the second moment. */
    public static final Hyperparameter CENTERED = Hyperparameter.flag("centered", false);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);
    /** {@code eps_inside_sqrt}: whether eps goes inside the square root (not in PyTorch). */
    public static final Hyperparameter EPS_INSIDE_SQRT = Hyperparameter.flag("eps_inside_sqrt", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, ALPHA, EPS, WEIGHT_DECAY, MOMENTUM, CENTERED, MAXIMIZE, EPS_INSIDE_SQRT), h -> { });

    /** RMSprop's descriptor: {@code square_avg}, {@code momentum_buffer} with momentum, {@code grad_avg} when centered. */
    public static final Rule RULE = Rule.builder("RMSprop", DEFAULTS, RMSprop::new)
            .preferredVectorBits(512)
            .buffer("square_avg")
            .bufferWhen("momentum_buffer", h -> h.get(MOMENTUM) > 0)
            .bufferWhen("grad_avg", h -> h.flag(CENTERED))
            .compressibleNonNegative("square_avg").compressible("momentum_buffer", "grad_avg")
            .build();

    /**
     * PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8 outside the root, not centered, no momentum.
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
    public RMSprop(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] squareAvg = state.buffer("square_avg");
        float[] momentumBuffer = h.get(MOMENTUM) > 0 ? state.buffer("momentum_buffer") : null;
        float[] gradAvg = h.flag(CENTERED) ? state.buffer("grad_avg") : null;
        RMSpropCoefficients c = RMSpropCoefficients.forStep(h, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().rmsprop(pa, pOff, ga, gOff,
                squareAvg, from, gradAvg, from, momentumBuffer, from, n, c));
    }
}
