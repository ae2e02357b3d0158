package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdadeltaCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Adadelta with coupled weight decay and maximization, as {@code torch.optim.Adadelta}:
 * <pre>
 * d          = g + weight_decay * p                   (g negated first when maximize)
 * square_avg = rho * square_avg + (1 - rho) * d * d
 * delta      = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * d
 * acc_delta  = rho * acc_delta + (1 - rho) * delta * delta
 * p          = p - lr * delta
 * </pre>
 * State: {@code square_avg} and {@code acc_delta}, starting at 0. The kernel takes one root of the
 * quotient instead of a quotient of roots; the two agree within float32 rounding.
 */
public final class Adadelta extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1.0, 0);
    public static final Hyperparameter RHO = Hyperparameter.inClosed("rho", 0.9, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-6, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, RHO, EPS, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** PyTorch's defaults: lr 1.0, rho 0.9, eps 1e-6, no weight decay. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public Adadelta(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public Adadelta(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("Adadelta", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double rho = h.get(RHO);
        float[] squareAvg = buffer(state, "square_avg", p, 0f);
        float[] accDelta = buffer(state, "acc_delta", p, 0f);
        AdadeltaCoefficients c = new AdadeltaCoefficients((float) -h.get(LR), gradScale(h.flag(MAXIMIZE)),
                (float) h.get(WEIGHT_DECAY), (float) rho, (float) (1 - rho), (float) h.get(EPS), gradClip());
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().adadelta(pa, pOff, ga, gOff,
                squareAvg, from, accDelta, from, n, c));
    }
}
