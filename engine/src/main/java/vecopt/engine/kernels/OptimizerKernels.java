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

    /**
     * Adagrad with the running sum of squared gradients {@code s} ({@code sum}).
     * <pre>
     * d = fma(weightDecay, p, gradSign * g)
     * s = fma(d, d, s)
     * p = fma(negLr, d / (sqrt(s) + eps), p)
     * </pre>
     */
    void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c);

    /**
     * RMSprop with the running mean of squared gradients {@code v} ({@code square_avg}). Two variants
     * are chosen by passing their buffer or {@code null} (its offset is then ignored): centered, with
     * the running mean of gradients {@code a} ({@code grad_avg}), and momentum, with the buffer
     * {@code b} ({@code momentum_buffer}). Where eps goes is a coefficient: PyTorch adds it outside
     * the root ({@code epsInsideSqrt = 0}), TensorFlow and optax inside ({@code epsOutsideSqrt = 0}).
     * <pre>
     * d   = fma(weightDecay, p, gradSign * g)
     * e   = oneMinusAlpha * d
     * v   = fma(alpha, v, e * d)
     * a   = fma(alpha, a, e)                                  (centered)
     * w   = fma(-a, a, v) if centered, else v
     * u   = d / (sqrt(w + epsInsideSqrt) + epsOutsideSqrt)
     * b   = fma(momentum, b, u); u = b                        (momentum)
     * p   = fma(negLr, u, p)
     * </pre>
     */
    void rmsprop(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                 float[] b, int bOff, int n, RmspropCoefficients c);

    /**
     * Adadelta with the running means of squared gradients {@code v} ({@code square_avg}) and of
     * squared updates {@code x} ({@code acc_delta}). One root of the quotient replaces PyTorch's
     * quotient of two roots.
     * <pre>
     * d = fma(weightDecay, p, gradSign * g)
     * v = fma(rho, v, (oneMinusRho * d) * d)
     * u = sqrt((x + eps) / (v + eps)) * d
     * x = fma(rho, x, (oneMinusRho * u) * u)
     * p = fma(negLr, u, p)
     * </pre>
     */
    void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                  int n, AdadeltaCoefficients c);









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----

    /**
     * Adam and AdamW with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); coupled or decoupled weight decay and maximization are coefficients.
     * <pre>
     * d     = fma(weightDecay, p, gradSign * g)
     * m     = fma(beta1, m, oneMinusBeta1 * d)
     * v     = fma(beta2, v, (oneMinusBeta2 * d) * d)
     * denom = fma(sqrt(v), invSqrtBias2, eps)
     * p     = fma(negStepSize, m / denom, paramScale * p)
     * </pre>
     */
    void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
              int n, AdamCoefficients c);

    /**
     * AMSGrad: {@link #adam} normalized by the running maximum {@code vMax} ({@code max_exp_avg_sq})
     * of the second moment.
     * <pre>
     * d     = fma(weightDecay, p, gradSign * g)
     * m     = fma(beta1, m, oneMinusBeta1 * d)
     * v     = fma(beta2, v, (oneMinusBeta2 * d) * d)
     * vMax  = max(vMax, v)
     * denom = fma(sqrt(vMax), invSqrtBias2, eps)
     * p     = fma(negStepSize, m / denom, paramScale * p)
     * </pre>
     */
    void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     float[] vMax, int vMaxOff, int n, AdamCoefficients c);

    /**
     * Adamax with first moment {@code m} ({@code exp_avg}) and infinity norm {@code u}
     * ({@code exp_inf}).
     * <pre>
     * d = fma(weightDecay, p, gradSign * g)
     * m = fma(beta1, m, oneMinusBeta1 * d)
     * u = max(beta2 * u, abs(d) + eps)
     * p = fma(negStepSize, m / u, p)
     * </pre>
     */
    void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                int n, AdamaxCoefficients c);

    /**
     * NAdam with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); the momentum schedule lives in {@code gradStep} and {@code momentumStep}.
     * <pre>
     * d     = fma(weightDecay, p, gradSign * g)
     * m     = fma(beta1, m, oneMinusBeta1 * d)
     * v     = fma(beta2, v, (oneMinusBeta2 * d) * d)
     * denom = sqrt(v * invBias2) + eps
     * p     = fma(paramScale, p, fma(gradStep, d, momentumStep * m) / denom)
     * </pre>
     */
    void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
               int n, NadamCoefficients c);

    /**
     * RAdam with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); on un-adapted steps {@code rootScale = 0} and {@code denomOffset = 1} make
     * {@code denom} exactly 1.
     * <pre>
     * d     = fma(weightDecay, p, gradSign * g)
     * m     = fma(beta1, m, oneMinusBeta1 * d)
     * v     = fma(beta2, v, (oneMinusBeta2 * d) * d)
     * denom = fma(rootScale, sqrt(v), denomOffset)
     * p     = fma(negStepSize, m / denom, paramScale * p)
     * </pre>
     */
    void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
               int n, RadamCoefficients c);
}
