package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdamaxCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Adamax, the infinity-norm variant of Adam, as {@code torch.optim.Adamax}:
 * <pre>
 * d = g + weight_decay * p                       (g negated first when maximize)
 * m = beta1 * m + (1 - beta1) * d
 * u = max(beta2 * u, |d| + eps)
 * p = p - lr / (1 - beta1^t) * m / u
 * </pre>
 * State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 2e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public Adamax(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public Adamax(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("Adamax", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double lr = h.get(LR);
        double beta1 = h.get(BETA1);
        AdamaxCoefficients c = new AdamaxCoefficients(
                gradScale(h.flag(MAXIMIZE)),
                (float) h.get(WEIGHT_DECAY),
                (float) beta1,
                (float) (1 - beta1),
                (float) h.get(BETA2),
                (float) h.get(EPS),
                (float) (-lr / (1 - Math.pow(beta1, step))),
                gradClip());
        float[] m = buffer(state, "exp_avg", p, 0f);
        float[] u = buffer(state, "exp_inf", p, 0f);
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().adamax(pa, pOff, ga, gOff,
                m, from, u, from, n, c));
    }
}
