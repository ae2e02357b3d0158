package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.ADOPTCoefficients;

/**
 * ADOPT (Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any beta2 with the Optimal
 * Rate", Algorithm 2): Adam whose gradient is normalised by the PREVIOUS second moment, before the
 * momentum, so the normaliser is independent of the current gradient. PyTorch has no ADOPT; this
 * follows optax's {@code adopt} / {@code scale_by_adopt} (names, defaults, clipping schedule) and the
 * authors' PyTorch code ({@code iShohei220/adopt}) for what optax lacks:
 * <pre>
 * step 1:  v = g^2                               (no parameter update, m stays 0)
 * step t:  p = p * (1 - lr * weight_decay)        (decoupled, the authors' decouple=True)
 *          x = g / max(sqrt(v), eps)             (the previous v; g negated first when maximize)
 *          x = clip(x, -(t-1)^0.25, (t-1)^0.25)  (when use_clipping)
 *          m = beta1 * m + (1 - beta1) * x
 *          p = p - lr * m
 *          v = beta2 * v + (1 - beta2) * g^2
 * </pre>
 * Where implementations differ: the clip value at step {@code t} (1-based) is {@code (t-1)^0.25},
 * optax's {@code clip_value_fn(count)} with the count before the step, which equals the authors'
 * {@code clip_lambda(step - 1)}. On the first step optax runs the whole update with {@code b1 = 1},
 * {@code b2 = 0} (an update of exactly 0); here, as in the paper and the authors' code, the first step
 * writes only {@code v} (the same values for finite gradients; a NaN gradient then leaves {@code m}
 * as it was instead of making it NaN, and {@code p} keeps the sign of a zero). No bias correction
 * (none is needed: the update does not divide by the current moment). Weight decay is decoupled and
 * scaled by lr, the authors' {@code decouple=True} (optax's {@code adopt} has none; its
 * {@code add_decayed_weights} chained before would be the same), and it is not applied on the first
 * step, as the authors' code skips it too. optax's {@code nesterov} and {@code clip_value_fn} are not
 * offered.
 *
 * <p>Defaults: lr 1e-3 (the authors'; optax has no default lr), betas (0.9, 0.9999), eps 1e-6,
 * weight_decay 0, use_clipping true, as optax.
 *
 * <p>State: {@code exp_avg}, {@code exp_avg_sq}; 28 bytes per element, as Adam (8 on the first step).
 */
public final class ADOPT extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.9999, 0, 1);
    /** {@code eps}: lower bound of the square root of the second moment. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-6, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code use_clipping}: whether to clip the normalized gradient at (t-1)^0.25, as optax does. */
    public static final Hyperparameter USE_CLIPPING = Hyperparameter.flag("use_clipping", true);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, USE_CLIPPING, MAXIMIZE), h -> { });

    /** ADOPT's descriptor: {@code exp_avg} and {@code exp_avg_sq}. */
    public static final Rule RULE = Rule.builder("ADOPT", DEFAULTS, ADOPT::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq")
            .build();

    /**
     * optax's defaults: betas (0.9, 0.9999), eps 1e-6, clipping on; lr 1e-3 as the authors; no weight decay.
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
    public ADOPT(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        ADOPTCoefficients c = ADOPTCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().adopt(pa, pOff, ga, gOff,
                m, from, v, from, n, c));
    }
}
