package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#adamax}.
 *
 * @param gradSign      {@code -1} to maximize, else {@code 1}
 * @param weightDecay   coupled L2 coefficient
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the infinity norm
 * @param eps           added to {@code |d|} before the maximum
 * @param negStepSize   {@code -lr / (1 - beta1^step)}
 */
public record AdamaxCoefficients(
        float gradSign,
        float weightDecay,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float eps,
        float negStepSize) {
}
