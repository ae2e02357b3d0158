package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#radam}. RAdam adapts the step only once the length of
 * the approximated simple moving average, {@code rho_t}, exceeds 5; before that the denominator is
 * made exactly 1 by the coefficients ({@code rootScale = 0}, {@code denomOffset = 1}), so one kernel
 * serves both kinds of step. (An overflowed, infinite {@code v} then gives {@code 0 * inf = NaN} where
 * PyTorch's un-adapted step would not read {@code v}.)
 *
 * @param gradSign      {@code -1} to maximize, else {@code 1}
 * @param weightDecay   coupled L2 coefficient; 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay, else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param rootScale     1 on adapted steps, 0 on un-adapted ones
 * @param denomOffset   {@code eps} on adapted steps, 1 on un-adapted ones
 * @param negStepSize   adapted: {@code -lr * r_t * sqrt(1 - beta2^step) / (1 - beta1^step)} with the
 *                      rectification {@code r_t}; un-adapted: {@code -lr / (1 - beta1^step)}
 */
public record RadamCoefficients(
        float gradSign,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float rootScale,
        float denomOffset,
        float negStepSize) {
}
