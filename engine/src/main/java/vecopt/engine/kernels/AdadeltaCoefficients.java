package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

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

    /** Adadelta's coefficients. */
    public static AdadeltaCoefficients forStep(Hyperparameters h, StepContext context) {
        double rho = h.get("rho");
        return new AdadeltaCoefficients((float) -h.get("lr"), context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"), (float) rho, (float) (1 - rho), (float) h.get("eps"),
                context.clipValue());
    }
}
