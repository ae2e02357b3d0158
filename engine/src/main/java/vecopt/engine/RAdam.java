package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.RadamCoefficients;

/**
 * Rectified Adam, as {@code torch.optim.RAdam}. The adaptive step is taken only once the length of
 * the approximated simple moving average exceeds 5, and is then rectified by {@code r_t}; before
 * that the step is plain momentum SGD:
 * <pre>
 * d       = g + weight_decay * p                 (g negated first when maximize; d = g when decoupled)
 * p       = p * (1 - lr * weight_decay)          (only when decoupled_weight_decay)
 * m       = beta1 * m + (1 - beta1) * d
 * v       = beta2 * v + (1 - beta2) * d^2
 * rho_inf = 2 / (1 - beta2) - 1
 * rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
 * if rho_t > 5:
 *     r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
 *     p   = p - lr / (1 - beta1^t) * m * r_t * sqrt(1 - beta2^t) / (sqrt(v) + eps)
 * else:
 *     p   = p - lr / (1 - beta1^t) * m
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq} (updated on every step, adapted or not).
 */
public final class RAdam extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public RAdam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public RAdam(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("RAdam", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double lr = h.get(LR);
        double beta1 = h.get(BETA1);
        double beta2 = h.get(BETA2);
        double weightDecay = h.get(WEIGHT_DECAY);
        boolean decoupled = h.flag(DECOUPLED_WEIGHT_DECAY);
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(beta2, step) / bias2;
        boolean adapted = rhoT > 5;
        double negStepSize = -lr / bias1;
        if (adapted) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            negStepSize *= rect * Math.sqrt(bias2);
        }
        RadamCoefficients c = new RadamCoefficients(
                gradScale(h.flag(MAXIMIZE)),
                decoupled ? 0f : (float) weightDecay,
                decoupled ? (float) (1 - lr * weightDecay) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                adapted ? 1f : 0f,
                adapted ? (float) h.get(EPS) : 1f,
                (float) negStepSize,
                gradClip());
        float[] m = buffer(state, "exp_avg", p, 0f);
        float[] v = buffer(state, "exp_avg_sq", p, 0f);
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().radam(pa, pOff, ga, gOff,
                m, from, v, from, n, c));
    }
}
