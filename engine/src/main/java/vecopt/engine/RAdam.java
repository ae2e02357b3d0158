package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.RAdamCoefficients;

/**
 * Rectified Adam, as {@code torch.optim.RAdam}. The adaptive step is taken only once the length of
 * the approximated simple moving average exceeds 5, and is then rectified by {@code r_t}; before
 * that the step is plain momentum SGD:
 * <pre>
 * d       = g + weight_decay * p                 (g negated first when maximize; d = g when decoupled)
 * p       = p * (1 - lr * weight_decay)          (only when decoupled_weight_decay)
 * m       = beta1 * m + (1 - beta1) * d
 * v       = beta2 * v + (1 - beta2) * d^2
 * rho_inf = 2 / (1 - beta2) - 1
 * rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
 * if rho_t > 5:
 *     r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
 *     p   = p - lr / (1 - beta1^t) * m * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)
 * else:
 *     p   = p - lr / (1 - beta1^t) * m
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} (updated on every step, adapted or not).
 */
public final class RAdam extends Optimizer {

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
    /**
     * {@code decoupled_weight_decay}: whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient.
     */
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** RAdam's descriptor: {@code exp_avg} and {@code exp_avg_sq}. */
    public static final Rule RULE = Rule.builder("RAdam", DEFAULTS, RAdam::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq")
            .build();

    /**
     * PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
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
    public RAdam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        RAdamCoefficients c = RAdamCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().radam(pa, pOff, ga, gOff,
                m, from, v, from, n, c));
    }
}
