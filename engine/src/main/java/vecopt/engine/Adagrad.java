package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdagradCoefficients;

/**
 * Adagrad with a decaying learning rate, coupled weight decay and maximization, as
 * {@code torch.optim.Adagrad}:
 * <pre>
 * d   = g + weight_decay * p                      (g negated first when maximize)
 * clr = lr / (1 + (step - 1) * lr_decay)
 * sum = sum + d * d
 * p   = p - clr * d / (sqrt(sum) + eps)
 * </pre>
 * State: {@code sum}, starting at {@code initial_accumulator_value}. PyTorch creates it in the
 * constructor; here it is created on the parameter's first step, with the group's value then.
 */
public final class Adagrad extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code lr_decay}: learning-rate decay per step. */
    public static final Hyperparameter LR_DECAY = Hyperparameter.atLeast("lr_decay", 0, 0);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code initial_accumulator_value}: initial value of the sum of squared gradients. */
    public static final Hyperparameter INITIAL_ACCUMULATOR_VALUE =
            Hyperparameter.atLeast("initial_accumulator_value", 0, 0);
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-10, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, LR_DECAY, WEIGHT_DECAY, INITIAL_ACCUMULATOR_VALUE, EPS, MAXIMIZE), h -> { });

    /** Adagrad's descriptor: {@code sum}, starting at {@code initial_accumulator_value}. */
    public static final Rule RULE = Rule.builder("Adagrad", DEFAULTS, Adagrad::new)
            .preferredVectorBits(512)
            .add(new Rule.Buffer("sum", Rule.Buffer.LIKE_PARAMETER, Rule.Buffer.ALWAYS, h -> h.get(INITIAL_ACCUMULATOR_VALUE)))
            .compressibleNonNegative("sum")
            .build();

    /**
     * PyTorch's defaults: lr 1e-2, no lr decay, no weight decay, sum starting at 0, eps 1e-10.
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
    public Adagrad(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] sum = state.buffer("sum");
        AdagradCoefficients c = AdagradCoefficients.forStep(h, step, context);
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> kernels().adagrad(pa, pOff, ga, gOff, sum, from, n, c));
    }
}
