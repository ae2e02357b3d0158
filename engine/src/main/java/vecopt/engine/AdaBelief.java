package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdaBeliefCoefficients;

/**
 * AdaBelief (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients", Algorithm 2): Adam whose second moment is the running variance of the gradient around
 * its prediction, the first moment. PyTorch has no AdaBelief; this follows the paper and the authors'
 * PyTorch package {@code adabelief-pytorch} (0.2) with {@code rectify=False}:
 * <pre>
 * p = p * (1 - lr * weight_decay)                (decoupled, the package's weight_decouple=True)
 * m = beta1 * m + (1 - beta1) * g                (g negated first when maximize)
 * s = beta2 * s + (1 - beta2) * (g - m)^2 + eps  (eps kept in the state, as the paper and the package)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(s) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * The prediction error uses the updated {@code m}, as the paper, the package and optax's
 * {@code scale_by_belief} do; it is computed as {@code beta1 * (g - m_previous)}, the same value
 * without the cancellation of {@code g - m} when beta1 is small. Where implementations differ: eps is both inside the second moment and
 * in the denominator with one value (the package; optax has separate {@code eps_root} and
 * {@code eps}, both 1e-16 by default, so the defaults agree); weight decay is decoupled, scaled by lr
 * (the package's default {@code weight_decouple=True, fixed_decay=False}; its coupled L2 form and
 * optax's separate {@code add_decayed_weights} are not offered). Not offered either: the package's
 * {@code rectify} (a RAdam-style rectification, on by default there; here the update is the paper's
 * Algorithm 2, as optax's) and {@code amsgrad}, which would need a third buffer and its own kernel.
 *
 * <p>Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-16 (the package's and optax's default; the package
 * recommends 1e-8 for CNNs where SGD does well), no weight decay.
 *
 * <p>State: {@code exp_avg}, {@code exp_avg_var}; 28 bytes per element, as Adam.
 */
public final class AdaBelief extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the average squared deviation from the gradient average. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator and to the second moment. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-16, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** AdaBelief's descriptor: {@code exp_avg} and {@code exp_avg_var}. */
    public static final Rule RULE = Rule.builder("AdaBelief", DEFAULTS, AdaBelief::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_var")
            .compressible("exp_avg").compressibleNonNegative("exp_avg_var")
            .build();

    /**
     * The authors' package's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-16, no weight decay.
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
    public AdaBelief(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] s = state.buffer("exp_avg_var");
        AdaBeliefCoefficients c = AdaBeliefCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().adabelief(pa, pOff, ga, gOff,
                m, from, s, from, n, c));
    }
}
