package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#sgd} and {@link OptimizerKernels#sgdMomentum}.
 *
 * @param negLr             {@code -lr}
 * @param gradScale         gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                          coefficient
 * @param weightDecay       coupled L2 coefficient
 * @param momentum          weight of the old buffer; 0 on the step that creates it
 * @param bufferGradScale   {@code 1 - dampening}; 1 on the step that creates the buffer
 * @param lookahead         weight of the buffer in the update: {@code momentum} for Nesterov, else 1
 * @param nesterovGradScale weight of the gradient in the update: 1 for Nesterov, else 0
 * @param gradClip          gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record SgdCoefficients(
        float negLr,
        float gradScale,
        float weightDecay,
        float momentum,
        float bufferGradScale,
        float lookahead,
        float nesterovGradScale,
        float gradClip) {

    /** Without value clipping. */
    public SgdCoefficients(float negLr, float gradScale, float weightDecay, float momentum, float bufferGradScale,
                           float lookahead, float nesterovGradScale) {
        this(negLr, gradScale, weightDecay, momentum, bufferGradScale, lookahead, nesterovGradScale,
                Float.POSITIVE_INFINITY);
    }

    /**
     * SGD's coefficients for a step; {@code firstUseOfBuffer} on the step that creates the momentum
     * buffer, where PyTorch copies {@code d} into it.
     */
    public static SgdCoefficients forStep(Hyperparameters h, boolean firstUseOfBuffer, StepContext context) {
        double momentum = h.get("momentum");
        boolean nesterov = h.flag("nesterov");
        return new SgdCoefficients(
                (float) -h.get("lr"),
                context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"),
                firstUseOfBuffer ? 0f : (float) momentum,
                firstUseOfBuffer ? 1f : (float) (1 - h.get("dampening")),
                nesterov ? (float) momentum : 1f,
                nesterov ? 1f : 0f,
                context.clipValue());
    }
}
