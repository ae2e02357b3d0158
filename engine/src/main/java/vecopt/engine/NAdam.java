package vecopt.engine;

import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.NAdamCoefficients;

/**
 * NAdam, Adam with Nesterov momentum and a momentum schedule, as {@code torch.optim.NAdam}:
 * <pre>
 * mu_t  = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
 * mu_product_t = mu_product_{t-1} * mu_t          (mu_product_0 = 1)
 * d     = g + weight_decay * p                   (g negated first when maximize; d = g when decoupled)
 * p     = p * (1 - lr * weight_decay)            (only when decoupled_weight_decay)
 * m     = beta1 * m + (1 - beta1) * d
 * v     = beta2 * v + (1 - beta2) * d^2
 * denom = sqrt(v / (1 - beta2^t)) + eps
 * p     = p - lr * (1 - mu_t) / (1 - mu_product_t) * d / denom
 *           - lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1}) * m / denom
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, and the scalar {@code mu_product} (a double here).
 */
public final class NAdam extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 2e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code momentum_decay}: decay of the momentum schedule. */
    public static final Hyperparameter MOMENTUM_DECAY = Hyperparameter.atLeast("momentum_decay", 4e-3, 0);
    /**
     * {@code decoupled_weight_decay}: whether weight decay shrinks the weights directly (AdamW) instead of adding to the gradient.
     */
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MOMENTUM_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** NAdam's descriptor: {@code exp_avg}, {@code exp_avg_sq} and the scalar {@code mu_product}, 1 before the first step. */
    public static final Rule RULE = Rule.builder("NAdam", DEFAULTS, NAdam::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq")
            .scalar("mu_product", 1)
            .build();

    /**
     * PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, momentum_decay 4e-3.
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
    public NAdam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        double muProduct = NAdamCoefficients.muProduct(h, state.scalar("mu_product"), step);
        NAdamCoefficients c = NAdamCoefficients.forStep(h, muProduct, step, context);
        return new StepPlan((pa, pOff, ga, gOff, from, n) -> kernels().nadam(pa, pOff, ga, gOff,
                m, from, v, from, n, c), Map.of("mu_product", muProduct));
    }

}
