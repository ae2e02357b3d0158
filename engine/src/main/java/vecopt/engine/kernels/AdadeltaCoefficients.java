package vecopt.engine.kernels;

/**
 * Per-step scalars of {@link OptimizerKernels#adadelta}.
 *
 * @param negLr       {@code -lr}
 * @param gradSign    {@code -1} to maximize, else {@code 1}
 * @param weightDecay coupled L2 coefficient
 * @param rho         decay of both running means
 * @param oneMinusRho {@code 1 - rho}
 * @param eps         added to both running means before the root
 */
public record AdadeltaCoefficients(float negLr, float gradSign, float weightDecay, float rho, float oneMinusRho,
                                   float eps) {
}
