package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#larsSumsOfSquares}, and the coefficients of LARS's second
 * pass, which is SGD's kernel ({@link OptimizerKernels#sgdMomentum}, or {@link OptimizerKernels#sgd}
 * without momentum) with the trust ratio on the update direction: they follow from the norms the first
 * pass summed.
 *
 * @param gradScale        gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                         norm-clipping coefficient
 * @param weightDecay      coupled decay: {@code u = g + weightDecay * p}, inside the trust ratio
 * @param gradClip         gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 * @param lr               the learning rate, outside the momentum buffer (as {@code torch.optim.SGD})
 * @param momentum         decay of the momentum buffer; 0 for none
 * @param nesterov         Nesterov momentum, as {@code torch.optim.SGD}'s
 * @param trustCoefficient multiplies the trust ratio (the paper's eta)
 * @param eps              added to the norm of the update direction in the trust ratio
 * @param useTrustRatio    false for a group that takes plain SGD steps (trust ratio 1)
 */
public record LARSCoefficients(
        float gradScale,
        float weightDecay,
        float gradClip,
        double lr,
        double momentum,
        boolean nesterov,
        double trustCoefficient,
        double eps,
        boolean useTrustRatio) {

    /** LARS's coefficients for a step; they do not depend on the step count. */
    public static LARSCoefficients forStep(Hyperparameters h, StepContext context) {
        return new LARSCoefficients(
                context.gradScale(h.flag("maximize")),
                (float) h.get("weight_decay"),
                context.clipValue(),
                h.get("lr"),
                h.get("momentum"),
                h.flag("nesterov"),
                h.get("trust_coefficient"),
                h.get("eps"),
                h.flag("use_trust_ratio"));
    }

    /**
     * optax's {@code scale_by_trust_ratio}: {@code trustCoefficient * ||p|| / (||u|| + eps)}, or 1 when
     * either norm is 0 or the group takes plain steps. NaN norms give NaN.
     */
    public double trustRatio(double parameterNorm, double updateNorm) {
        if (!useTrustRatio || parameterNorm == 0 || updateNorm == 0) {
            return 1;
        }
        return trustCoefficient * parameterNorm / (updateNorm + eps);
    }

    /**
     * The coefficients of the second pass: with momentum, {@link OptimizerKernels#sgdMomentum}'s with the
     * trust ratio where SGD has {@code 1 - dampening} (and on the gradient of a Nesterov step); without,
     * {@link OptimizerKernels#sgd}'s with {@code -lr} times the trust ratio, rounded once.
     */
    public SgdCoefficients update(double parameterNorm, double updateNorm) {
        double ratio = trustRatio(parameterNorm, updateNorm);
        if (momentum == 0) {
            return new SgdCoefficients((float) (-lr * ratio), gradScale, weightDecay, 0f, 1f, 1f, 0f, gradClip);
        }
        return new SgdCoefficients((float) -lr, gradScale, weightDecay, (float) momentum, (float) ratio,
                nesterov ? (float) momentum : 1f, nesterov ? (float) ratio : 0f, gradClip);
    }
}
