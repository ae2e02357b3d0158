package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#adagrad}.
 *
 * @param negLr       {@code -lr / (1 + (step - 1) * lr_decay)}
 * @param gradSign    {@code -1} to maximize, else {@code 1}
 * @param weightDecay coupled L2 coefficient
 * @param eps         added to the root of the sum
 */
public record AdagradCoefficients(float negLr, float gradSign, float weightDecay, float eps) {
}
