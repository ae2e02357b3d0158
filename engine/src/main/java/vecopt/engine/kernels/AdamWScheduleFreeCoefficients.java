package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adamWScheduleFree}.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                      norm-clipping coefficient
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}
 * @param eps           added to the bias-corrected root of the second moment
 * @param weightDecay   coefficient of {@code y} added to the normalised gradient (the package's decay at y)
 * @param lerpScale     the interpolation of {@code y} towards {@code z} by {@code c_{t+1}}, as
 *                      {@link ScheduleFreeAveraging#lerpScale}
 * @param lerpFromZ     whether that interpolation is measured from {@code z} ({@code c_{t+1} >= 0.5})
 * @param yGradStep     {@code lr_t * (beta1 * (1 - c_{t+1}) - 1)}: the normalised gradient's step of {@code y}
 * @param negLr         {@code -lr_t}: the normalised gradient's step of {@code z}
 * @param firstStep     the first step, on which {@code z} is read as {@code y} ({@code z_1 = x_1 = y_1})
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdamWScheduleFreeCoefficients(
        float gradScale,
        float beta2,
        float oneMinusBeta2,
        float invSqrtBias2,
        float eps,
        float weightDecay,
        float lerpScale,
        boolean lerpFromZ,
        float yGradStep,
        float negLr,
        boolean firstStep,
        float gradClip) {

    /**
     * The coefficients of step {@code step} (1-based) with the step's {@code averaging}; the second
     * moment is bias-corrected as the package does since 1.3, inside the root ({@code sqrt(v / (1 - beta2^t))}).
     */
    public static AdamWScheduleFreeCoefficients forStep(Hyperparameters h, ScheduleFreeAveraging averaging, long step,
                                                        StepContext context) {
        double lr = averaging.lr();
        double c = averaging.ckp1();
        double beta2 = h.get("beta2");
        return new AdamWScheduleFreeCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / Math.sqrt(1 - Math.pow(beta2, step))),
                (float) h.get("eps"),
                (float) h.get("weight_decay"),
                ScheduleFreeAveraging.lerpScale(c),
                ScheduleFreeAveraging.lerpFromEnd(c),
                FiniteCoefficient.of("AdamWScheduleFree", "lr * (beta1 * (1 - c) - 1)",
                        lr * (h.get("beta1") * (1 - c) - 1), step),
                (float) -lr,
                step == 1,
                context.clipValue());
    }
}
