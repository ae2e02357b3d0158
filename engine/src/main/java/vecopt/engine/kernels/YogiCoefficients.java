package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#yogi}.
 *
 * @param gradScale        gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                         norm-clipping coefficient
 * @param beta1            decay of the first moment
 * @param oneMinusBeta1    {@code 1 - beta1}
 * @param beta2            what of {@code g^2} a second moment above it keeps: {@code v - d^2 + beta2 d^2}
 * @param oneMinusBeta2    what of {@code g^2} a second moment below it gains: {@code v + (1 - beta2) d^2}
 * @param invSqrtBias2     {@code 1 / sqrt(1 - beta2^step)}
 * @param eps              added to the denominator
 * @param negStepSize      {@code -lr / (1 - beta1^step)}
 * @param gradClip         gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record YogiCoefficients(
        float gradScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invSqrtBias2,
        float eps,
        float negStepSize,
        float gradClip) {

    /** Without value clipping. */
    public YogiCoefficients(float gradScale, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                            float invSqrtBias2, float eps, float negStepSize) {
        this(gradScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, invSqrtBias2, eps, negStepSize,
                Float.POSITIVE_INFINITY);
    }

    /** Yogi's coefficients for step {@code step} (1-based), bias-corrected as optax's {@code scale_by_yogi}. */
    public static YogiCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        return new YogiCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / Math.sqrt(bias2)),
                (float) h.get("eps"),
                FiniteCoefficient.of("Yogi", "-lr / (1 - beta1^t)", -lr / bias1, step),
                context.clipValue());
    }
}
