package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#ademamix}.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                      norm-clipping coefficient
 * @param paramScale    {@code 1 - lr * weight_decay}: the decoupled decay
 * @param beta1         decay of the fast EMA
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta3         decay of the slow EMA at this step (scheduled)
 * @param oneMinusBeta3 {@code 1 - beta3}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invBias1      {@code 1 / (1 - beta1^step)}
 * @param alpha         weight of the slow EMA at this step (scheduled)
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}
 * @param eps           added to the bias-corrected root of the second moment
 * @param negLr         {@code -lr}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdEMAMixCoefficients(
        float gradScale,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta3,
        float oneMinusBeta3,
        float beta2,
        float oneMinusBeta2,
        float invBias1,
        float alpha,
        float invSqrtBias2,
        float eps,
        float negLr,
        float gradClip) {

    /**
     * AdEMAMix's coefficients for step {@code step} (1-based): the schedulers are evaluated at
     * {@code step - 1}, as optax evaluates a schedule at the count before the step.
     */
    public static AdEMAMixCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double beta3 = scheduledBeta3(beta1, h.get("beta3"), step - 1, h.get("t_beta3"));
        double alpha = scheduledAlpha(h.get("alpha"), step - 1, h.get("t_alpha"));
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        return new AdEMAMixCoefficients(
                context.gradScale(h.flag("maximize")),
                FiniteCoefficient.decoupledDecay("AdEMAMix", lr, h.get("weight_decay"), step),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta3,
                (float) (1 - beta3),
                (float) beta2,
                (float) (1 - beta2),
                FiniteCoefficient.of("AdEMAMix", "1 / (1 - beta1^t)", 1 / bias1, step),
                (float) alpha,
                (float) (1 / Math.sqrt(bias2)),
                (float) h.get("eps"),
                (float) -lr,
                context.clipValue());
    }

    /** The fraction {@code min(count / length, 1)} of a warm-up; 1 (done) when {@code length} is 0. */
    static double warmup(long count, double length) {
        return length == 0 ? 1 : Math.min(count / length, 1);
    }

    /** The paper's alpha scheduler at {@code count} (0 on the first step): linear from 0 to {@code alpha}. */
    static double scheduledAlpha(double alpha, long count, double length) {
        double s = warmup(count, length);
        return s >= 1 ? alpha : s * alpha;
    }

    /**
     * The paper's beta3 scheduler at {@code count}: {@code 1 / ln(b)} linear from {@code 1 / ln(beta1)}
     * to {@code 1 / ln(beta3)}, then at most {@code beta3}; {@code beta3} itself once the warm-up is done.
     */
    static double scheduledBeta3(double beta1, double beta3, long count, double length) {
        double s = warmup(count, length);
        if (s >= 1) {
            return beta3;
        }
        double invLog = (1 - s) / Math.log(beta1) + s / Math.log(beta3); // -0 when both betas are 0
        return Math.min(Math.exp(1 / invLog), beta3);
    }
}
