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

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** RAdam's descriptor: {@code exp_avg} and {@code exp_avg_sq}. */
    public static final Rule RULE = Rule.builder("RAdam", DEFAULTS, RAdam::new)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .build();

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /** An optimizer over {@code parameters}, all in its first group, with {@code hyperparameters} from {@link #defaults()}. */
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
