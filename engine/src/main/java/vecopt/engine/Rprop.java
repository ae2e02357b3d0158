package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.RpropCoefficients;

/**
 * Resilient backpropagation, as {@code torch.optim.Rprop}: each element has its own step size,
 * grown while the gradient keeps its sign and shrunk when it flips; only the gradient's sign moves
 * the parameter.
 * <pre>
 * d         = g                                  (g negated first when maximize)
 * step_size = clamp(step_size * (etaplus if d * prev &gt; 0, etaminus if &lt; 0, else 1),
 *                   step_size_min, step_size_max)
 * d         = 0 where d * prev &lt; 0                (a sign change skips this step's move)
 * p         = p - sign(d) * step_size
 * prev      = d
 * </pre>
 * State: {@code prev}, starting at 0, and {@code step_size}, starting at {@code lr}. As in PyTorch,
 * {@code lr} is read only when a parameter's state is created: changing it later changes nothing.
 * PyTorch's pairs {@code etas} and {@code step_sizes} are {@code etaminus}, {@code etaplus} and
 * {@code step_size_min}, {@code step_size_max} here ({@link Optimizers#fromTorch} takes the pairs).
 * Validated as PyTorch does: {@code lr >= 0}, {@code 0 < etaminus < 1 < etaplus}; the step sizes are
 * not checked (a minimum above the maximum clamps every step size to the maximum, as ATen's clamp does).
 */
public final class Rprop extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code etaminus}: step-size factor where the gradient changed sign. */
    public static final Hyperparameter ETAMINUS = Hyperparameter.above("etaminus", 0.5, 0);
    /** {@code etaplus}: step-size factor where the gradient kept its sign. */
    public static final Hyperparameter ETAPLUS = Hyperparameter.above("etaplus", 1.2, 1);
    /** {@code step_size_min}: smallest per-element step size. */
    public static final Hyperparameter STEP_SIZE_MIN = Hyperparameter.atLeast("step_size_min", 1e-6, -Float.MAX_VALUE);
    /** {@code step_size_max}: largest per-element step size. */
    public static final Hyperparameter STEP_SIZE_MAX = Hyperparameter.atLeast("step_size_max", 50, -Float.MAX_VALUE);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, ETAMINUS, ETAPLUS, STEP_SIZE_MIN, STEP_SIZE_MAX, MAXIMIZE), h -> {
                if (!(h.get(ETAMINUS) < 1)) {
                    throw new IllegalArgumentException("etaminus must be in (0, 1), got "
                            + Hyperparameter.format(h.get(ETAMINUS)));
                }
            });

    /** Rprop's descriptor: {@code prev}, starting at 0, and {@code step_size}, starting at {@code lr}. */
    public static final Rule RULE = Rule.builder("Rprop", DEFAULTS, Rprop::new)
            .preferredVectorBits(512)
            .buffer("prev")
            .add(new Rule.Buffer("step_size", Rule.Buffer.LIKE_PARAMETER, Rule.Buffer.ALWAYS, h -> h.get(LR)))
            .keepsFloat32State("its state is the previous gradient, read only through its sign, and per-element"
                    + " step sizes that are the update itself: 8-bit codes would round small gradients to zero,"
                    + " turning a sign change into none, and rounded step sizes would round every update")
            .build();

    /**
     * PyTorch's defaults: lr 1e-2, etas (0.5, 1.2), step_sizes (1e-6, 50).
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
    public Rprop(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] prev = state.buffer("prev");
        float[] stepSize = state.buffer("step_size");
        RpropCoefficients c = RpropCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().rprop(pa, pOff, ga, gOff,
                prev, from, stepSize, from, n, c));
    }
}
