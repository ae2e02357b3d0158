package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdEMAMixCoefficients;

/**
 * AdEMAMix (Pagliardini, Ablin and Grangier 2024, "The AdEMAMix Optimizer: Better, Faster, Older"):
 * AdamW whose numerator mixes the bias-corrected fast EMA of the gradient with a slow EMA, which is
 * not bias-corrected so that it fills slowly. PyTorch has no AdEMAMix; this follows optax's
 * {@code contrib.ademamix} / {@code scale_by_ademamix} (equations, defaults, decay scaled by lr) and
 * the paper's schedulers for {@code alpha} and {@code beta3}:
 * <pre>
 * d  = g                                    (-g when maximize)
 * m1 = beta1 * m1 + (1 - beta1) * d          (exp_avg_fast)
 * m2 = beta3_t * m2 + (1 - beta3_t) * d      (exp_avg_slow, no bias correction)
 * v  = beta2 * v + (1 - beta2) * d^2         (exp_avg_sq)
 * u  = (m1 / (1 - beta1^t) + alpha_t * m2) / (sqrt(v / (1 - beta2^t)) + eps)
 * p  = p - lr * (u + weight_decay * p)       (decoupled decay scaled by lr, optax's add_decayed_weights)
 * </pre>
 * The schedulers (the paper's, section 3 and Appendix): with {@code s = min((t - 1) / t_alpha, 1)},
 * {@code alpha_t = s * alpha}; with {@code s = min((t - 1) / t_beta3, 1)},
 * {@code beta3_t = min(exp(ln(beta1) ln(beta3) / ((1 - s) ln(beta3) + s ln(beta1))), beta3)}, which
 * starts at {@code beta1} and ends at {@code beta3} (computed as the equivalent
 * {@code 1 / ln(beta3_t) = (1 - s) / ln(beta1) + s / ln(beta3)}, which stays defined for a beta of 0).
 * A warm-up length of 0 (the default) means none (optax's constant {@code alpha} and {@code b3}, the
 * paper's {@code None}): {@code alpha_t = alpha} and {@code beta3_t = beta3} from the first step.
 * Lengths are in steps and may be any finite value {@code >= 0}.
 *
 * <p>Where implementations differ: the schedulers are evaluated at the count before the step,
 * {@code t - 1} (optax's {@code alpha(count_m2)}, {@code b3(count_m2)} with a schedule such as
 * {@code linear_schedule(0, alpha, t_alpha)}), so the first step has {@code alpha_t = 0} and
 * {@code beta3_t = beta1}; the authors' PyTorch code evaluates them at {@code t}, one step later.
 * The decay is {@code p * (1 - lr * weight_decay)} before the update, which is optax's
 * {@code -lr * (u + weight_decay * p)} (and the authors' {@code p.mul_(1 - lr * wd)}). optax's
 * {@code eps_root}, {@code mu_dtype} and decay {@code mask} are not offered.
 *
 * <p>Defaults: lr 1e-3 (the authors'; optax has no default lr), betas (0.9, 0.999), beta3 0.9999,
 * alpha 5 (optax's {@code ademamix}; its {@code scale_by_ademamix} has 6), eps 1e-8, weight_decay 0,
 * t_alpha 0 and t_beta3 0 (no warm-up), maximize false.
 *
 * <p>State: {@code exp_avg_fast}, {@code exp_avg_slow}, {@code exp_avg_sq} (the authors' names);
 * 36 bytes per element.
 */
public final class AdEMAMix extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code beta1}: decay rate of the fast running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code beta3}: decay rate of the slow running average of gradients. */
    public static final Hyperparameter BETA3 = Hyperparameter.inHalfOpen("beta3", 0.9999, 0, 1);
    /** {@code alpha}: weight of the slow average in the update. */
    public static final Hyperparameter ALPHA = Hyperparameter.atLeast("alpha", 5.0, 0);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code t_alpha}: warm-up steps of alpha (0 for none). */
    public static final Hyperparameter T_ALPHA = Hyperparameter.atLeast("t_alpha", 0, 0);
    /** {@code t_beta3}: warm-up steps of beta3 (0 for none). */
    public static final Hyperparameter T_BETA3 = Hyperparameter.atLeast("t_beta3", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, BETA3, ALPHA, EPS, WEIGHT_DECAY, T_ALPHA, T_BETA3, MAXIMIZE), h -> { });

    /** AdEMAMix's descriptor: {@code exp_avg_fast}, {@code exp_avg_slow} and {@code exp_avg_sq}. */
    public static final Rule RULE = Rule.builder("AdEMAMix", DEFAULTS, AdEMAMix::new)
            .preferredVectorBits(512)
            .buffer("exp_avg_fast").buffer("exp_avg_slow").buffer("exp_avg_sq")
            .compressible("exp_avg_fast", "exp_avg_slow").compressibleNonNegative("exp_avg_sq")
            .build();

    /**
     * optax's defaults (alpha 5 as {@code ademamix}), lr 1e-3 as the authors', no warm-up.
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
    public AdEMAMix(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m1 = state.buffer("exp_avg_fast");
        float[] m2 = state.buffer("exp_avg_slow");
        float[] v = state.buffer("exp_avg_sq");
        AdEMAMixCoefficients c = AdEMAMixCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().ademamix(pa, pOff, ga, gOff,
                m1, from, m2, from, v, from, n, c));
    }
}
