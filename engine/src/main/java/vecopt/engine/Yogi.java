package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.YogiCoefficients;

/**
 * Yogi (Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization", Algorithm 2): Adam whose
 * second moment moves additively, by at most {@code (1 - beta2) g^2} a step, towards {@code g^2}, so
 * the effective learning rate cannot grow abruptly. PyTorch has no Yogi; this follows optax's
 * {@code yogi} / {@code scale_by_yogi}, names and defaults included:
 * <pre>
 * m = beta1 * m + (1 - beta1) * g                (g negated first when maximize)
 * v = v - (1 - beta2) * sign(v - g^2) * g^2
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Where implementations differ: the paper's Algorithm 2 starts both moments at 0 and has no bias
 * correction; optax (since 2022) starts both {@code m} and {@code v} at
 * {@code initial_accumulator_value} and divides both by their bias corrections, and that is what is
 * done here, so a trajectory equals optax's. optax's {@code eps_root} (0 in {@code yogi}) is not
 * offered, nor is weight decay (optax's {@code yogi} has none). {@code sign(0) = 0}: a {@code v}
 * equal to {@code g^2} stays. The sign is that of the exact {@code v - g^2} (one rounding), and a
 * {@code v} above {@code g^2} becomes {@code (v - g^2) + beta2 g^2}, the same value without the
 * cancellation of {@code v - (1 - beta2) g^2} when beta2 is near 0 (see {@code OptimizerKernels#yogi}).
 *
 * <p>Defaults: lr 1e-2 (the paper's recommendation; optax has no default lr), betas (0.9, 0.999),
 * eps 1e-3, initial_accumulator_value 1e-6, as optax.
 *
 * <p>State: {@code exp_avg}, {@code exp_avg_sq}, both starting at {@code initial_accumulator_value};
 * 28 bytes per element, as Adam.
 */
public final class Yogi extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-3, 0);
    /** {@code initial_accumulator_value}: initial value of both moments. */
    public static final Hyperparameter INITIAL_ACCUMULATOR_VALUE =
            Hyperparameter.atLeast("initial_accumulator_value", 1e-6, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, INITIAL_ACCUMULATOR_VALUE, MAXIMIZE), h -> { });

    /** Yogi's descriptor: {@code exp_avg} and {@code exp_avg_sq}, both starting at {@code initial_accumulator_value}. */
    public static final Rule RULE = Rule.builder("Yogi", DEFAULTS, Yogi::new)
            .preferredVectorBits(512)
            .add(new Rule.Buffer("exp_avg", Rule.Buffer.LIKE_PARAMETER, Rule.Buffer.ALWAYS,
                    h -> h.get(INITIAL_ACCUMULATOR_VALUE)))
            .add(new Rule.Buffer("exp_avg_sq", Rule.Buffer.LIKE_PARAMETER, Rule.Buffer.ALWAYS,
                    h -> h.get(INITIAL_ACCUMULATOR_VALUE)))
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq")
            .build();

    /**
     * optax's defaults: betas (0.9, 0.999), eps 1e-3, initial_accumulator_value 1e-6; lr 1e-2 as the paper.
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
    public Yogi(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        YogiCoefficients c = YogiCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().yogi(pa, pOff, ga, gOff,
                m, from, v, from, n, c));
    }
}
