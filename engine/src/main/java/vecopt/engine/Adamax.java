package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdamaxCoefficients;

/**
 * Adamax, the infinity-norm variant of Adam, as {@code torch.optim.Adamax}:
 * <pre>
 * d = g + weight_decay * p                       (g negated first when maximize)
 * m = beta1 * m + (1 - beta1) * d
 * u = max(beta2 * u, |d| + eps)
 * p = p - lr / (1 - beta1^t) * m / u
 * </pre>
 * State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 2e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the infinity norm of the gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** Adamax's descriptor: {@code exp_avg} and {@code exp_inf}. */
    public static final Rule RULE = Rule.builder("Adamax", DEFAULTS, Adamax::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_inf")
            .compressible("exp_avg").compressibleNonNegative("exp_inf")
            .build();

    /**
     * PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
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
    public Adamax(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] u = state.buffer("exp_inf");
        AdamaxCoefficients c = AdamaxCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().adamax(pa, pOff, ga, gOff,
                m, from, u, from, n, c));
    }
}
