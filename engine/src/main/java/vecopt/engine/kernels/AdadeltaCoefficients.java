package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#adadelta}.
 *
 * @param negLr       {@code -lr}
 * @param gradScale   gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                    coefficient
 * @param weightDecay coupled L2 coefficient
 * @param rho         decay of both running means
 * @param oneMinusRho {@code 1 - rho}
 * @param eps         added to both running means before the root
 * @param gradClip    gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdadeltaCoefficients(float negLr, float gradScale, float weightDecay, float rho, float oneMinusRho,
                                   float eps, float gradClip) {

    /** Without value clipping. */
    public AdadeltaCoefficients(float negLr, float gradScale, float weightDecay, float rho, float oneMinusRho,
                                float eps) {
        this(negLr, gradScale, weightDecay, rho, oneMinusRho, eps, Float.POSITIVE_INFINITY);
    }
}
