package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#rprop}: hyperparameters only, as float32 (PyTorch
 * stores the factors into a float32 tensor and clamps with float32 bounds).
 *
 * @param gradScale   gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                    coefficient
 * @param etaminus    step-size factor after a sign change
 * @param etaplus     step-size factor while the sign holds
 * @param stepSizeMin lower clamp of the step sizes
 * @param stepSizeMax upper clamp of the step sizes
 * @param gradClip    gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record RpropCoefficients(float gradScale, float etaminus, float etaplus, float stepSizeMin, float stepSizeMax,
                                float gradClip) {

    /** Without value clipping. */
    public RpropCoefficients(float gradScale, float etaminus, float etaplus, float stepSizeMin, float stepSizeMax) {
        this(gradScale, etaminus, etaplus, stepSizeMin, stepSizeMax, Float.POSITIVE_INFINITY);
    }

    /** Rprop's coefficients for step {@code step} (1-based): the same on every step. */
    public static RpropCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        return new RpropCoefficients(context.gradScale(h.flag("maximize")), (float) h.get("etaminus"),
                (float) h.get("etaplus"), (float) h.get("step_size_min"), (float) h.get("step_size_max"),
                context.clipValue());
    }
}
