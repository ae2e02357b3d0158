package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adam} and {@link OptimizerKernels#adamAmsgrad}, for
 * Adam and AdamW alike.
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param weightDecay   coupled L2 coefficient (Adam); 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay (AdamW), else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}
 * @param eps           added to the bias-corrected root of the second moment
 * @param negStepSize   {@code -lr / (1 - beta1^step)}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record AdamCoefficients(
        float gradScale,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invSqrtBias2,
        float eps,
        float negStepSize,
        float gradClip) {

    /** Without value clipping. */
    public AdamCoefficients(float gradScale, float weightDecay, float paramScale, float beta1, float oneMinusBeta1,
                            float beta2, float oneMinusBeta2, float invSqrtBias2, float eps, float negStepSize) {
        this(gradScale, weightDecay, paramScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, invSqrtBias2, eps,
                negStepSize, Float.POSITIVE_INFINITY);
    }

    /** Where Adam's weight decay goes. */
    public enum WeightDecay {
        /** Decoupled when the {@code decoupled_weight_decay} flag is set (Adam), else added to the gradient. */
        BY_FLAG,
        /** Always decoupled (AdamW). */
        DECOUPLED
    }

    /** Adam's or AdamW's coefficients for step {@code step} (1-based). */
    public static AdamCoefficients forStep(Hyperparameters h, WeightDecay weightDecay, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double wd = h.get("weight_decay");
        boolean decoupled = weightDecay == WeightDecay.DECOUPLED || h.flag("decoupled_weight_decay");
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        return new AdamCoefficients(
                context.gradScale(h.flag("maximize")),
                decoupled ? 0f : (float) wd,
                decoupled ? FiniteCoefficient.decoupledDecay("Adam", lr, wd, step) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) (1 / Math.sqrt(bias2)),
                (float) h.get("eps"),
                FiniteCoefficient.of("Adam", "-lr / (1 - beta1^t)", -lr / bias1, step),
                context.clipValue());
    }
}
