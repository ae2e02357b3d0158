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

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 2e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter MOMENTUM_DECAY = Hyperparameter.atLeast("momentum_decay", 4e-3, 0);
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MOMENTUM_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** NAdam's descriptor: {@code exp_avg}, {@code exp_avg_sq} and the scalar {@code mu_product}, 1 before the first step. */
    public static final Rule RULE = Rule.builder("NAdam", DEFAULTS, NAdam::new)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .scalar("mu_product", 1)
            .build();

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, momentum_decay 4e-3. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /** An optimizer over {@code parameters}, all in its first group, with {@code hyperparameters} from {@link #defaults()}. */
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
