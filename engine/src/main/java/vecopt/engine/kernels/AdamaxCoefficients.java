package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adamax}.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param weightDecay   coupled L2 coefficient
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the infinity norm
 * @param eps           added to {@code |d|} before the maximum
 * @param negStepSize   {@code -lr / (1 - beta1^step)}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdamaxCoefficients(
        float gradScale,
        float weightDecay,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float eps,
        float negStepSize,
        float gradClip) {

    /** Without value clipping. */
    public AdamaxCoefficients(float gradScale, float weightDecay, float beta1, float oneMinusBeta1, float beta2,
                              float eps, float negStepSize) {
        this(gradScale, weightDecay, beta1, oneMinusBeta1, beta2, eps, negStepSize, Float.POSITIVE_INFINITY);
    }

    /** Adamax's coefficients for step {@code step} (1-based). */
    public static AdamaxCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double beta1 = h.get("beta1");
        return new AdamaxCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"),
                (float) beta1,
                (float) (1 - beta1),
                (float) h.get("beta2"),
                (float) h.get("eps"),
                FiniteCoefficient.of("Adamax", "-lr / (1 - beta1^t)", -h.get("lr") / (1 - Math.pow(beta1, step)), step),
                context.clipValue());
    }
}
