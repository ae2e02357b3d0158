package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdagradCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

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

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    public static final Hyperparameter LR_DECAY = Hyperparameter.atLeast("lr_decay", 0, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter INITIAL_ACCUMULATOR_VALUE =
            Hyperparameter.atLeast("initial_accumulator_value", 0, 0);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-10, 0);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, LR_DECAY, WEIGHT_DECAY, INITIAL_ACCUMULATOR_VALUE, EPS, MAXIMIZE), h -> { });

    /** PyTorch's defaults: lr 1e-2, no lr decay, no weight decay, sum starting at 0, eps 1e-10. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public Adagrad(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public Adagrad(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("Adagrad", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double clr = h.get(LR) / (1 + (step - 1) * h.get(LR_DECAY));
        float[] sum = buffer(state, "sum", p, (float) h.get(INITIAL_ACCUMULATOR_VALUE));
        AdagradCoefficients c = new AdagradCoefficients((float) -clr, gradScale(h.flag(MAXIMIZE)),
                (float) h.get(WEIGHT_DECAY), (float) h.get(EPS), gradClip());
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().adagrad(pa, pOff, ga, gOff, sum, from, n, c));
    }
}
