package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#rmsprop}. Exactly one of the two eps terms is
 * non-zero (or both are 0), which places eps inside or outside the root.
 *
 * @param negLr          {@code -lr}
 * @param gradScale      gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                       coefficient
 * @param weightDecay    coupled L2 coefficient
 * @param alpha          decay of the running means
 * @param oneMinusAlpha  {@code 1 - alpha}
 * @param epsInsideSqrt  eps when it goes under the root, else 0
 * @param epsOutsideSqrt eps when it is added to the root (PyTorch), else 0
 * @param momentum       decay of the momentum buffer; unused without one
 * @param gradClip       gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record RMSpropCoefficients(
        float negLr,
        float gradScale,
        float weightDecay,
        float alpha,
        float oneMinusAlpha,
        float epsInsideSqrt,
        float epsOutsideSqrt,
        float momentum,
        float gradClip) {

    /** Without value clipping. */
    public RMSpropCoefficients(float negLr, float gradScale, float weightDecay, float alpha, float oneMinusAlpha,
                               float epsInsideSqrt, float epsOutsideSqrt, float momentum) {
        this(negLr, gradScale, weightDecay, alpha, oneMinusAlpha, epsInsideSqrt, epsOutsideSqrt, momentum,
                Float.POSITIVE_INFINITY);
    }

    /** RMSprop's coefficients; eps goes under the root with {@code eps_inside_sqrt}. */
    public static RMSpropCoefficients forStep(Hyperparameters h, StepContext context) {
        double alpha = h.get("alpha");
        float eps = (float) h.get("eps");
        boolean epsInside = h.flag("eps_inside_sqrt");
        return new RMSpropCoefficients((float) -h.get("lr"), context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"), (float) alpha, (float) (1 - alpha),
                epsInside ? eps : 0f, epsInside ? 0f : eps, (float) h.get("momentum"), context.clipValue());
    }
}
