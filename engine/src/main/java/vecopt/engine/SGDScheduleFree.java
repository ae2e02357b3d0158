package vecopt.engine;

import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.SGDScheduleFreeCoefficients;
import vecopt.engine.kernels.ScheduleFreeAveraging;

/**
 * Schedule-free SGD (Defazio et al. 2024, "The Road Less Scheduled"), as the authors' package's
 * {@code schedulefree.SGDScheduleFree}: SGD whose gradients are taken at an interpolation y of its
 * iterate z and their running average x, which needs no learning-rate schedule. The parameters hold
 * y; {@link #eval()} and {@link #train()} switch them to x and back (see {@link ScheduleFreeOptimizer}).
 * <pre>
 * d       = g + weight_decay * y                 (g negated first when maximize; decay at y, as the package)
 * c       = c_{t+1}, lr_t                        (ScheduleFreeAveraging: warm-up, weights lr_max^weight_lr_power t^r)
 * y       = y + c (z - y) + lr_t (momentum (1 - c) - 1) d
 * z       = z - lr_t d                           (z starts as the parameter: z_1 = x_1 = y_1)
 * </pre>
 * which is the paper's {@code z_{t+1} = z_t - lr_t d}, {@code x_{t+1} = (1 - c) x_t + c z_{t+1}},
 * {@code y_{t+1} = (1 - momentum) z_{t+1} + momentum x_{t+1}} without storing x, as the package computes it.
 *
 * <p>Defaults are the package's: lr 1.0, momentum 0.9 (in (0, 1), refused at either end as the
 * package does; eval divides by it), weight_decay 0, warmup_steps 0, r 0, weight_lr_power 2; and
 * maximize false, which the package has not (vecopt's rules all have it). The package's
 * {@code foreach} is accepted and ignored by {@link Optimizers#fromTorch}.
 *
 * <p>State: {@code z}, the scalars {@code weight_sum} (0 before the first step) and {@code lr_max}
 * (-1, the package's start), and {@value ScheduleFreeOptimizer#Y} while in eval mode: 4 bytes of state
 * per element, 8 in eval mode. A step moves 20 bytes per element (reads p, g, z; writes p, z), as SGD
 * with momentum.
 */
public final class SGDScheduleFree extends ScheduleFreeOptimizer {

    /** {@code lr}: the peak learning rate, reached after the warm-up; {@code >= 0}. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1.0, 0);
    /** {@code momentum}: the interpolation weight of x in y, in (0, 1). */
    public static final Hyperparameter MOMENTUM = Hyperparameter.inOpen("momentum", 0.9, 0, 1);
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
            List.of(LR, MOMENTUM, WEIGHT_DECAY, WARMUP_STEPS, R, WEIGHT_LR_POWER, MAXIMIZE), h -> { });

    /** Its descriptor: {@code z}, {@code y} in eval mode, and the scalars {@code weight_sum} and {@code lr_max}. */
    public static final Rule RULE = Rule.builder("SGDScheduleFree", DEFAULTS, SGDScheduleFree::new)
            .preferredVectorBits(512)
            .buffer("z").add(KEPT_Y)
            .keepsFloat32State("its only state is the iterate z (and y), not a moment: train() and eval() move the"
                    + " weights from it, and storing it rounded would round the model itself")
            .scalar("weight_sum", 0).scalar("lr_max", ScheduleFreeAveraging.INITIAL_LR_MAX)
            .refusesMixedPrecision(ScheduleFreeOptimizer.MIXED_PRECISION_REFUSAL)
            .build();

    /**
     * The package's defaults: lr 1.0, momentum 0.9, no decay, no warm-up, r 0, weight_lr_power 2.
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
    public SGDScheduleFree(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters, MOMENTUM);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] z = state.buffer("z");
        ScheduleFreeAveraging a = averaging(RULE, state, h, step);
        SGDScheduleFreeCoefficients c = SGDScheduleFreeCoefficients.forStep(h, a, step, context);
        return new StepPlan((pa, pOff, ga, gOff, from, n) -> kernels().sgdScheduleFree(pa, pOff, ga, gOff,
                z, from, n, c), Map.of("weight_sum", a.weightSum(), "lr_max", a.lrMax()));
    }
}
