package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#adam} and {@link OptimizerKernels#adamAmsgrad}, for
 * Adam and AdamW alike.
 *
 * @param gradSign      {@code -1} to maximize, else {@code 1}
 * @param weightDecay   coupled L2 coefficient (Adam); 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay (AdamW), else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invSqrtBias2  {@code 1 / sqrt(1 - beta2^step)}
 * @param eps           added to the bias-corrected root of the second moment
 * @param negStepSize   {@code -lr / (1 - beta1^step)}
 */
public record AdamCoefficients(
        float gradSign,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invSqrtBias2,
        float eps,
        float negStepSize) {
}
