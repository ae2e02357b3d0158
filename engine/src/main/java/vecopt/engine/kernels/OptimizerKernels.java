package vecopt.engine.kernels;

/**
 * Every fused update rule, one method each. A call reads and writes each array once over
 * {@code n} elements starting at its own offset (the parameter, its gradient and each state buffer
 * may live in different arrays at different offsets). All arithmetic is float32; per-step scalars
 * arrive precomputed in the coefficients record.
 *
 * <p>Implementations give bit-identical results: {@link ScalarOptimizerKernels} is the reference and
 * {@code PanamaOptimizerKernels} does the same operations, in the same order, on vectors.
 * Get the implementation for this JVM from {@link OptimizerKernelsProvider#get()}.
 */
public interface OptimizerKernels {

    /** {@code "scalar"} or {@code "panama"}. */
    String name();

    /** Width of the SIMD registers used, or 32 for the scalar kernels. */
    int vectorBitSize();

    /**
     * SGD without a momentum buffer.
     * <pre>
     * d = fma(weightDecay, p, gradSign * g)
     * p = fma(-lr, d, p)
     * </pre>
     */
    void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c);

    /**
     * SGD with a momentum buffer {@code b}; Nesterov and dampening are coefficients.
     * <pre>
     * d = fma(weightDecay, p, gradSign * g)
     * b = fma(momentum, b, bufferGradScale * d)
     * u = fma(lookahead, b, nesterovGradScale * d)
     * p = fma(-lr, u, p)
     * </pre>
     */
    void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c);

    // ---- Adagrad, RMSprop, Adadelta ----









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----
}
