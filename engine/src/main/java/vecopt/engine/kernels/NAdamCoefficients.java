package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#nadam}. With {@code mu_t = beta1 * (1 - 0.5 *
 * 0.96^(t * momentum_decay))} and {@code mu_product_t = mu_1 * ... * mu_t}:
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param weightDecay   coupled L2 coefficient; 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay, else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invBias2      {@code 1 / (1 - beta2^step)}
 * @param eps           added to the root of the bias-corrected second moment
 * @param gradStep      {@code -lr * (1 - mu_t) / (1 - mu_product_t)}
 * @param momentumStep  {@code -lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1})}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record NAdamCoefficients(
        float gradScale,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invBias2,
        float eps,
        float gradStep,
        float momentumStep,
        float gradClip) {

    /** Without value clipping. */
    public NAdamCoefficients(float gradScale, float weightDecay, float paramScale, float beta1, float oneMinusBeta1,
                             float beta2, float oneMinusBeta2, float invBias2, float eps, float gradStep,
                             float momentumStep) {
        this(gradScale, weightDecay, paramScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, invBias2, eps, gradStep,
                momentumStep, Float.POSITIVE_INFINITY);
    }

    /** {@code mu_product_t = mu_product_{t-1} * mu_t}, the scalar state after step {@code step}. */
    public static double muProduct(Hyperparameters h, double previous, long step) {
        return previous * momentumCache(h, step);
    }

    /** NAdam's coefficients for step {@code step} (1-based), given {@code mu_product_t} of that step. */
    public static NAdamCoefficients forStep(Hyperparameters h, double muProduct, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double wd = h.get("weight_decay");
        boolean decoupled = h.flag("decoupled_weight_decay");
        double mu = momentumCache(h, step);
        double muNext = momentumCache(h, step + 1);
        return new NAdamCoefficients(
                context.gradScale(h.flag("maximize")),
                decoupled ? 0f : (float) wd,
                decoupled ? FiniteCoefficient.decoupledDecay("NAdam", lr, wd, step) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / (1 - Math.pow(beta2, step))),
                (float) h.get("eps"),
                FiniteCoefficient.of("NAdam", "-lr (1 - mu_t) / (1 - mu_product_t)", -lr * (1 - mu) / (1 - muProduct), step),
                FiniteCoefficient.of("NAdam", "-lr mu_{t+1} / (1 - mu_product_t mu_{t+1})",
                        -lr * muNext / (1 - muProduct * muNext), step),
                context.clipValue());
    }

    /** {@code mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))}. */
    private static double momentumCache(Hyperparameters h, long step) {
        return h.get("beta1") * (1 - 0.5 * Math.pow(0.96, step * h.get("momentum_decay")));
    }
}
