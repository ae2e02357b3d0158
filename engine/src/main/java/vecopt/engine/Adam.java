package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Adam, as {@code torch.optim.Adam}, with optional AMSGrad, L2 or decoupled weight decay and
 * maximization:
 * <pre>
 * d     = g + weight_decay * p                   (g negated first when maximize; d = g when decoupled)
 * p     = p * (1 - lr * weight_decay)            (only when decoupled_weight_decay)
 * m     = beta1 * m + (1 - beta1) * d
 * v     = beta2 * v + (1 - beta2) * d^2
 * vMax  = max(vMax, v)                           (amsgrad; v below stands for vMax)
 * p     = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with amsgrad.
 */
public final class Adam extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter AMSGRAD = Hyperparameter.flag("amsgrad", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD, MAXIMIZE, DECOUPLED_WEIGHT_DECAY), h -> { });

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public Adam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public Adam(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("Adam", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        update(this, p, state, step, h.get(LR), h.get(BETA1), h.get(BETA2), h.get(EPS),
                h.get(WEIGHT_DECAY), h.flag(DECOUPLED_WEIGHT_DECAY), h.flag(AMSGRAD), h.flag(MAXIMIZE));
    }

    /** One Adam or AdamW step of {@code p}: coefficients in double, then one fused kernel call. */
    static void update(Optimizer optimizer, Parameter p, ParameterState state, long step,
                       double lr, double beta1, double beta2, double eps, double weightDecay,
                       boolean decoupled, boolean amsgrad, boolean maximize) {
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        AdamCoefficients c = new AdamCoefficients(
                optimizer.gradScale(maximize),
                decoupled ? 0f : (float) weightDecay,
                decoupled ? (float) (1 - lr * weightDecay) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / Math.sqrt(bias2)),
                (float) eps,
                (float) (-lr / bias1),
                optimizer.gradClip());
        float[] m = buffer(state, "exp_avg", p, 0f);
        float[] v = buffer(state, "exp_avg_sq", p, 0f);
        OptimizerKernels kernels = optimizer.kernels();
        if (amsgrad) {
            float[] vMax = buffer(state, "max_exp_avg_sq", p, 0f);
            optimizer.runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels.adamAmsgrad(pa, pOff, ga, gOff,
                    m, from, v, from, vMax, from, n, c));
        } else {
            optimizer.runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels.adam(pa, pOff, ga, gOff,
                    m, from, v, from, n, c));
        }
    }
}
