package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#lion}.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param paramScale    {@code 1 - lr * weight_decay}: the decoupled decay
 * @param beta1         weight of the momentum in the interpolation whose sign is the step
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the momentum
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param negLr         {@code -lr}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record LionCoefficients(
        float gradScale,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float negLr,
        float gradClip) {

    /** Without value clipping. */
    public LionCoefficients(float gradScale, float paramScale, float beta1, float oneMinusBeta1, float beta2,
                            float oneMinusBeta2, float negLr) {
        this(gradScale, paramScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, negLr, Float.POSITIVE_INFINITY);
    }

    /** Lion's coefficients for step {@code step} (1-based); Lion has no bias correction. */
    public static LionCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        return new LionCoefficients(
                context.gradScale(h.flag("maximize")),
                FiniteCoefficient.decoupledDecay("Lion", lr, h.get("weight_decay"), step),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) -lr,
                context.clipValue());
    }
}
