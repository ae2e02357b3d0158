package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdadeltaCoefficients;

/**
 * Adadelta with coupled weight decay and maximization, as {@code torch.optim.Adadelta}:
 * <pre>
 * d          = g + weight_decay * p                   (g negated first when maximize)
 * square_avg = rho * square_avg + (1 - rho) * d * d
 * delta      = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * d
 * acc_delta  = rho * acc_delta + (1 - rho) * delta * delta
 * p          = p - lr * delta
 * </pre>
 * State: {@code square_avg} and {@code acc_delta}, starting at 0. The kernel takes one root of the
 * quotient instead of a quotient of roots; the two agree within float32 rounding.
 */
public final class Adadelta extends Optimizer {

    /** {@code lr}: factor of the update (1 leaves Adadelta unscaled). */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1.0, 0);
    /** {@code rho}: decay rate of the running averages of squared gradients and updates. */
    public static final Hyperparameter RHO = Hyperparameter.inClosed("rho", 0.9, 0, 1);
    /** {@code eps}: added inside both square roots for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-6, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, RHO, EPS, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** Adadelta's descriptor: {@code square_avg} and {@code acc_delta}. */
    public static final Rule RULE = Rule.builder("Adadelta", DEFAULTS, Adadelta::new)
            .preferredVectorBits(512)
            .buffer("square_avg").buffer("acc_delta")
            .compressibleNonNegative("square_avg", "acc_delta")
            .build();

    /**
     * PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6, no weight decay.
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
    public Adadelta(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] squareAvg = state.buffer("square_avg");
        float[] accDelta = state.buffer("acc_delta");
        AdadeltaCoefficients c = AdadeltaCoefficients.forStep(h, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().adadelta(pa, pOff, ga, gOff,
                squareAvg, from, accDelta, from, n, c));
    }
}
