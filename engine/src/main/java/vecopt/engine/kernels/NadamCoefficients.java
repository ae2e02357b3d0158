package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#nadam}. With {@code mu_t = beta1 * (1 - 0.5 *
 * 0.96^(t * momentum_decay))} and {@code mu_product_t = mu_1 * ... * mu_t}:
 *
 * @param gradSign      {@code -1} to maximize, else {@code 1}
 * @param weightDecay   coupled L2 coefficient; 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay, else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param invBias2      {@code 1 / (1 - beta2^step)}
 * @param eps           added to the root of the bias-corrected second moment
 * @param gradStep      {@code -lr * (1 - mu_t) / (1 - mu_product_t)}
 * @param momentumStep  {@code -lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1})}
 */
public record NadamCoefficients(
        float gradSign,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float invBias2,
        float eps,
        float gradStep,
        float momentumStep) {
}
