package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#lambMoments} and {@link OptimizerKernels#lambUpdate}, and the
 * step scale of the second pass, which follows from the norms the first pass summed.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                      norm-clipping coefficient
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invBias1      {@code 1 / (1 - beta1^step)}, or 1 without bias correction
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}, or 1 without bias correction
 * @param eps           added to the bias-corrected root of the second moment
 * @param weightDecay   decoupled decay: {@code weightDecay * p} is added to the Adam direction, inside the
 *                      trust ratio
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 * @param lr            the learning rate, kept in double: the second pass's step scale is {@code -lr} times
 *                      the trust ratio, rounded once
 * @param useTrustRatio false for a group that takes plain steps (trust ratio 1)
 * @param trustClip     the trust ratio is at most 1 (timm's {@code trust_clip})
 */
public record LAMBCoefficients(
        float gradScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invBias1,
        float invSqrtBias2,
        float eps,
        float weightDecay,
        float gradClip,
        double lr,
        boolean useTrustRatio,
        boolean trustClip) {

    /** LAMB's coefficients for step {@code step} (1-based). */
    public static LAMBCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        boolean biasCorrection = h.flag("bias_correction");
        double bias1 = biasCorrection ? 1 - Math.pow(beta1, step) : 1;
        double bias2 = biasCorrection ? 1 - Math.pow(beta2, step) : 1;
        return new LAMBCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                FiniteCoefficient.of("LAMB", "1 / (1 - beta1^t)", 1 / bias1, step),
                (float) (1 / Math.sqrt(bias2)),
                (float) h.get("eps"),
                (float) h.get("weight_decay"),
                context.clipValue(),
                h.get("lr"),
                h.flag("use_trust_ratio"),
                h.flag("trust_clip"));
    }

    /**
     * optax's {@code scale_by_trust_ratio}: {@code ||p|| / ||u||}, or 1 when either norm is 0 (a new
     * zero-initialised parameter, a zero update) or the group takes plain steps; at most 1 with
     * {@code trustClip}. NaN norms give NaN.
     */
    public double trustRatio(double parameterNorm, double updateNorm) {
        if (!useTrustRatio || parameterNorm == 0 || updateNorm == 0) {
            return 1;
        }
        double ratio = parameterNorm / updateNorm;
        return trustClip ? Math.min(ratio, 1) : ratio;
    }

    /** The second pass's {@code stepScale}: {@code -lr} times the trust ratio, rounded once to float. */
    public float stepScale(double parameterNorm, double updateNorm) {
        return (float) (-lr * trustRatio(parameterNorm, updateNorm));
    }
}
