package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adabelief}.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param paramScale    {@code 1 - lr * weight_decay}: the decoupled decay
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment of the prediction error
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param eps           added to the second moment (kept in the state) and to the denominator
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}
 * @param negStepSize   {@code -lr / (1 - beta1^step)}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdaBeliefCoefficients(
        float gradScale,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float eps,
        float invSqrtBias2,
        float negStepSize,
        float gradClip) {

    /** Without value clipping. */
    public AdaBeliefCoefficients(float gradScale, float paramScale, float beta1, float oneMinusBeta1, float beta2,
                                 float oneMinusBeta2, float eps, float invSqrtBias2, float negStepSize) {
        this(gradScale, paramScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, invSqrtBias2, negStepSize,
                Float.POSITIVE_INFINITY);
    }

    /** AdaBelief's coefficients for step {@code step} (1-based). */
    public static AdaBeliefCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        return new AdaBeliefCoefficients(
                context.gradScale(h.flag("maximize")),
                FiniteCoefficient.decoupledDecay("AdaBelief", lr, h.get("weight_decay"), step),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) h.get("eps"),
                (float) (1 / Math.sqrt(bias2)),
                FiniteCoefficient.of("AdaBelief", "-lr / (1 - beta1^t)", -lr / bias1, step),
                context.clipValue());
    }
}
