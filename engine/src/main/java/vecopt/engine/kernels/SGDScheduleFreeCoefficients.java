package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#sgdScheduleFree}.
 *
 * @param gradScale  gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                   coefficient
 * @param weightDecay coefficient of {@code y} added to the gradient (the package's decay at y)
 * @param lerpScale  the interpolation of {@code y} towards {@code z} by {@code c_{t+1}}, as
 *                   {@link ScheduleFreeAveraging#lerpScale}
 * @param lerpFromZ  whether that interpolation is measured from {@code z} ({@code c_{t+1} >= 0.5})
 * @param yGradStep  {@code lr_t * (momentum * (1 - c_{t+1}) - 1)}: the gradient's step of {@code y}
 * @param negLr      {@code -lr_t}: the gradient's step of {@code z}
 * @param firstStep  the first step, on which {@code z} is read as {@code y} ({@code z_1 = x_1 = y_1})
 * @param gradClip   gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record SGDScheduleFreeCoefficients(
        float gradScale,
        float weightDecay,
        float lerpScale,
        boolean lerpFromZ,
        float yGradStep,
        float negLr,
        boolean firstStep,
        float gradClip) {

    /** The coefficients of step {@code step} (1-based) with the step's {@code averaging}. */
    public static SGDScheduleFreeCoefficients forStep(Hyperparameters h, ScheduleFreeAveraging averaging, long step,
                                                      StepContext context) {
        double lr = averaging.lr();
        double c = averaging.ckp1();
        return new SGDScheduleFreeCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"),
                ScheduleFreeAveraging.lerpScale(c),
                ScheduleFreeAveraging.lerpFromEnd(c),
                FiniteCoefficient.of("SGDScheduleFree", "lr * (momentum * (1 - c) - 1)",
                        lr * (h.get("momentum") * (1 - c) - 1), step),
                (float) -lr,
                step == 1,
                context.clipValue());
    }
}
