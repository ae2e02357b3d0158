package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adagrad}.
 *
 * @param negLr       {@code -lr / (1 + (step - 1) * lr_decay)}
 * @param gradScale   gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                    coefficient
 * @param weightDecay coupled L2 coefficient
 * @param eps         added to the root of the sum
 * @param gradClip    gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdagradCoefficients(float negLr, float gradScale, float weightDecay, float eps, float gradClip) {

    /** Without value clipping. */
    public AdagradCoefficients(float negLr, float gradScale, float weightDecay, float eps) {
        this(negLr, gradScale, weightDecay, eps, Float.POSITIVE_INFINITY);
    }

    /** Adagrad's coefficients for step {@code step} (1-based), with the decayed rate. */
    public static AdagradCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double clr = h.get("lr") / (1 + (step - 1) * h.get("lr_decay"));
        return new AdagradCoefficients(FiniteCoefficient.of("Adagrad", "-lr / (1 + (t - 1) lr_decay)", -clr, step), context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"), (float) h.get("eps"), context.clipValue());
    }
}
