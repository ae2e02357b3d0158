package vecopt.engine;

import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.AdamWScheduleFreeCoefficients;
import vecopt.engine.kernels.ScheduleFreeAveraging;

/**
 * Schedule-free AdamW (Defazio et al. 2024, "The Road Less Scheduled", Algorithm 1), as the authors'
 * package's {@code schedulefree.AdamWScheduleFree}: {@link SGDScheduleFree} on the gradient normalised
 * by Adam's bias-corrected second moment, with {@code beta1} as the interpolation weight of y. The
 * parameters hold y; {@link #eval()} and {@link #train()} switch them to x and back (see
 * {@link ScheduleFreeOptimizer}).
 * <pre>
 * v       = beta2 * v + (1 - beta2) * g^2         (g negated first when maximize)
 * u       = g / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * y      (decay at y, as the package)
 * c       = c_{t+1}, lr_t                         (ScheduleFreeAveraging: warm-up, weights lr_max^weight_lr_power t^r)
 * y       = y + c (z - y) + lr_t (beta1 (1 - c) - 1) u
 * z       = z - lr_t u                            (z starts as the parameter: z_1 = x_1 = y_1)
 * </pre>
 * The bias correction is inside the root as in the package since version 1.3 (earlier versions scaled
 * lr by {@code sqrt(1 - beta2^t)}, which also entered {@code lr_max}); the root is taken as in
 * {@link Adam}, with one fma by {@code 1 / sqrt(1 - beta2^t)}.
 *
 * <p>Defaults are the package's: lr 0.0025, betas (0.9, 0.999), eps 1e-8, weight_decay 0,
 * warmup_steps 0, r 0, weight_lr_power 2; and maximize false, which the package has not. {@code beta1}
 * must be in (0, 1) (eval divides by it), {@code beta2} in [0, 1). The package's newer
 * {@code inner_momentum} (an EMA of the gradient, 0 by default) is not offered; {@code foreach} is
 * accepted and ignored by {@link Optimizers#fromTorch}.
 *
 * <p>State: {@code z}, {@code exp_avg_sq}, the scalars {@code weight_sum} and {@code lr_max}, and
 * {@value ScheduleFreeOptimizer#Y} while in eval mode: 8 bytes of state per element, 12 in eval mode
 * (AdamW keeps 8). A step moves 28 bytes per element (reads p, g, z, v; writes p, z, v), as AdamW.
 */
public final class AdamWScheduleFree extends ScheduleFreeOptimizer {

    /** {@code lr}: the peak learning rate, reached after the warm-up; {@code >= 0}. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 0.0025, 0);
    /** {@code beta1}: the interpolation weight of x in y, in (0, 1). */
    public static final Hyperparameter BETA1 = Hyperparameter.inOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients, in [0, 1). */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator for numerical stability; {@code >= 0}. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    /** {@code weight_decay}: weight decay coefficient, applied at y; {@code >= 0}. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code warmup_steps}: steps over which the learning rate rises linearly to {@code lr}; {@code >= 0}, 0 for none. */
    public static final Hyperparameter WARMUP_STEPS = Hyperparameter.atLeast("warmup_steps", 0, 0);
    /** {@code r}: the power of the step number in the averaging weight {@code t^r}; {@code >= 0}. */
    public static final Hyperparameter R = Hyperparameter.atLeast("r", 0, 0);
    /** {@code weight_lr_power}: the power of {@code lr_max} in the averaging weight; {@code >= 0}. */
    public static final Hyperparameter WEIGHT_LR_POWER = Hyperparameter.atLeast("weight_lr_power", 2, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, WARMUP_STEPS, R, WEIGHT_LR_POWER, MAXIMIZE), h -> { });

    /** Its descriptor: {@code z}, {@code exp_avg_sq}, {@code y} in eval mode, the scalars {@code weight_sum} and {@code lr_max}. */
    public static final Rule RULE = Rule.builder("AdamWScheduleFree", DEFAULTS, AdamWScheduleFree::new)
            .preferredVectorBits(512)
            .buffer("z").buffer("exp_avg_sq").add(KEPT_Y)
            .compressibleNonNegative("exp_avg_sq") // z is the iterate, not a moment: float32, as the weights
            .scalar("weight_sum", 0).scalar("lr_max", ScheduleFreeAveraging.INITIAL_LR_MAX)
            .refusesMixedPrecision(ScheduleFreeOptimizer.MIXED_PRECISION_REFUSAL)
            .build();

    /**
     * The package's defaults: lr 0.0025, betas (0.9, 0.999), eps 1e-8, no decay, no warm-up, r 0, weight_lr_power 2.
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
    public AdamWScheduleFree(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters, BETA1);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] z = state.buffer("z");
        float[] v = state.buffer("exp_avg_sq");
        ScheduleFreeAveraging a = averaging(RULE, state, h, step);
        AdamWScheduleFreeCoefficients c = AdamWScheduleFreeCoefficients.forStep(h, a, step, context);
        return new StepPlan((pa, pOff, ga, gOff, from, n) -> kernels().adamWScheduleFree(pa, pOff, ga, gOff,
                z, from, v, from, n, c), Map.of("weight_sum", a.weightSum(), "lr_max", a.lrMax()));
    }
}
