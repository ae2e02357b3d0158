package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.NadamCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * NAdam, Adam with Nesterov momentum and a momentum schedule, as {@code torch.optim.NAdam}:
 * <pre>
 * mu_t  = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
 * mu_product_t = mu_product_{t-1} * mu_t          (mu_product_0 = 1)
 * d     = g + weight_decay * p                   (g negated first when maximize; d = g when decoupled)
 * p     = p * (1 - lr * weight_decay)            (only when decoupled_weight_decay)
 * m     = beta1 * m + (1 - beta1) * d
 * v     = beta2 * v + (1 - beta2) * d^2
 * denom = sqrt(v / (1 - beta2^t)) + eps
 * p     = p - lr * (1 - mu_t) / (1 - mu_product_t) * d / denom
 *           - lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1}) * m / denom
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, and the scalar {@code mu_product} (a double here).
 */
public final class NAdam extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 2e-3, 0);
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-8, 0);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter MOMENTUM_DECAY = Hyperparameter.atLeast("momentum_decay", 4e-3, 0);
    public static final Hyperparameter DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, MOMENTUM_DECAY, DECOUPLED_WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** PyTorch's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, momentum_decay 4e-3. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public NAdam(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public NAdam(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("NAdam", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double lr = h.get(LR);
        double beta1 = h.get(BETA1);
        double beta2 = h.get(BETA2);
        double weightDecay = h.get(WEIGHT_DECAY);
        double momentumDecay = h.get(MOMENTUM_DECAY);
        boolean decoupled = h.flag(DECOUPLED_WEIGHT_DECAY);
        double mu = momentumCache(beta1, momentumDecay, step);
        double muNext = momentumCache(beta1, momentumDecay, step + 1);
        double muProduct = state.scalarOr("mu_product", 1) * mu;
        NadamCoefficients c = new NadamCoefficients(
                gradScale(h.flag(MAXIMIZE)),
                decoupled ? 0f : (float) weightDecay,
                decoupled ? (float) (1 - lr * weightDecay) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / (1 - Math.pow(beta2, step))),
                (float) h.get(EPS),
                (float) (-lr * (1 - mu) / (1 - muProduct)),
                (float) (-lr * muNext / (1 - muProduct * muNext)),
                gradClip());
        float[] m = buffer(state, "exp_avg", p, 0f);
        float[] v = buffer(state, "exp_avg_sq", p, 0f);
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().nadam(pa, pOff, ga, gOff,
                m, from, v, from, n, c));
        state.setScalar("mu_product", muProduct);
    }

    /** {@code mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))}. */
    private static double momentumCache(double beta1, double momentumDecay, long step) {
        return beta1 * (1 - 0.5 * Math.pow(0.96, step * momentumDecay));
    }
}
