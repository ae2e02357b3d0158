package vecopt.engine.kernels;

/**
 * Fused updates whose optimizer state is stored compressed: decoded, updated in float32 and
 * re-encoded within the one pass, state read once and written once per element. The parameter update
 * uses the float32 moments before they are rounded for storage (as bitsandbytes and torchao do).
 * State arrays start at the parameter's first element: element {@code index + i} of the parameter
 * is state element {@code index + i}, and the index also counts the random bits of stochastic rounding.
 *
 * <p>Implementations: {@link ScalarCompressedStateKernels} and a Panama one, bit-identical.
 */
public interface CompressedStateKernels {

    /** {@code "scalar"} or {@code "panama"}. */
    String name();

    /**
     * Adam ({@link OptimizerKernels#adam}'s equations and operation order) with bfloat16 moments:
     * <pre>
     * m' = fma(1 - beta1, d, beta1 * bf16(m)),   v' = fma((1 - beta2) * d, d, beta2 * bf16(v))
     * p  = paramScale * p + negStepSize * m' / fma(sqrt(v'), invSqrtBias2, eps)
     * m  = round(m'),  v = round(v')            (nearest even, or stochastic with {@code rounding})
     * </pre>
     * over parameter elements {@code [index, index + n)}: {@code p[pOff..]}, {@code g[gOff..]},
     * {@code m[index..]}, {@code v[index..]}.
     */
    void adamBf16(float[] p, int pOff, float[] g, int gOff, short[] m, short[] v, int index, int n,
                  AdamCoefficients c, StateRounding rounding);

    /**
     * Adam with block-wise 8-bit moments ({@code m} in the signed dynamic map, {@code v} in the
     * unsigned one): each block of {@code blockSize} state elements is decoded
     * ({@code value(code) * absmax}), updated as {@link OptimizerKernels#adam}, and re-encoded with its
     * new absolute maximum. {@code index} is a multiple of {@code blockSize}; block {@code b} of the
     * parameter has its scales at {@code mScale[b]}, {@code vScale[b]}.
     */
    void adam8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] mScale, byte[] v, float[] vScale,
                  int index, int n, int blockSize, AdamCoefficients c);

    /**
     * Mixed-precision Adam as offload trainers run it: bfloat16 weights {@code w} and gradients
     * {@code g} (the model's), a float32 master copy and float32 moments (the optimizer's state), in one
     * pass:
     * <pre>
     * d      = fma(weightDecay, master, gradScale * clamp(bf16(g)))   (gradScale carries 1 / loss scale)
     * m, v   = as {@link OptimizerKernels#adam}, stored as float32
     * master = paramScale * master + negStepSize * m / fma(sqrt(v), invSqrtBias2, eps)
     * w      = round(master)                   (nearest even, or stochastic with {@code rounding})
     * </pre>
     * {@code master}, {@code m}, {@code v} and the random bits start at {@code index}; {@code w} and
     * {@code g} at their offsets. Gradients must have been checked for NaN and infinities first (the
     * optimizer's non-finite policy): a loss-scaled step that overflowed is skipped, not applied.
     *
     * <p>The engine no longer calls it: every rule steps mixed-precision parameters with its own float32
     * kernel on the master copy, between {@link #widenBf16} and {@link #roundBf16} (which rounds with
     * this kernel's bits). Kept as the comparison of {@code MixedPrecisionBenchmark}.
     */
    void adamMixedBf16(short[] w, int wOff, short[] g, int gOff, float[] master, float[] m, float[] v, int index,
                       int n, AdamCoefficients c, StateRounding rounding);

    /**
     * {@link #adamMixedBf16(short[], int, short[], int, float[], float[], float[], int, int,
     * AdamCoefficients, StateRounding)} with a float32 gradient: the same equations, {@code g} read as it is.
     */
    void adamMixedBf16(short[] w, int wOff, float[] g, int gOff, float[] master, float[] m, float[] v, int index,
                       int n, AdamCoefficients c, StateRounding rounding);

    // ---- mixed-precision weights and gradients: widening and rounding ----

    /**
     * bfloat16 to float32, exactly: {@code dst[dstOff + i] = bf16(src[srcOff + i])} for {@code i < n}.
     * Widens a block of a mixed-precision parameter's bfloat16 gradient for a rule's float32 kernel.
     */
    void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /** IEEE binary16 to float32, exactly ({@link Float#float16ToFloat}), as {@link #widenBf16}. */
    void widenFp16(short[] src, int srcOff, float[] dst, int dstOff, int n);

    /**
     * float32 to bfloat16: {@code dst[dstOff + i] = round(src[srcOff + i])} for {@code i < n}, to
     * nearest even or, with a stochastic {@code rounding}, with the lower 16 bits of
     * {@link CounterGaussian#bits}{@code (key, index + i)}: the bits {@link #adamMixedBf16} rounds its
     * weights with, so a master copy rounds to the same weights either way. NaN stays NaN (quieted).
     * Rounds a mixed-precision parameter's master copy to its weights.
     */
    void roundBf16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding);

    /**
     * float32 to IEEE binary16, as {@link #roundBf16}: to nearest even ({@link Float#floatToFloat16}:
     * values from 65520 up round to infinity) or stochastically with
     * {@link vecopt.tensor.Float16#fromFloatStochastic} and the element's 32 random bits (their upper 24 decide).
     */
    void roundFp16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding);

    /** {@link #widenFp16} when {@code float16}, else {@link #widenBf16}: a block of either type. */
    default void widen(boolean float16, short[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (float16) {
            widenFp16(src, srcOff, dst, dstOff, n);
        } else {
            widenBf16(src, srcOff, dst, dstOff, n);
        }
    }

    /** {@link #roundFp16} when {@code float16}, else {@link #roundBf16}: a block of either type. */
    default void round(boolean float16, float[] src, int srcOff, short[] dst, int dstOff, int index, int n,
                       StateRounding rounding) {
        if (float16) {
            roundFp16(src, srcOff, dst, dstOff, index, n, rounding);
        } else {
            roundBf16(src, srcOff, dst, dstOff, index, n, rounding);
        }
    }

    /** The kernels this JVM uses: Panama when {@link OptimizerKernelsProvider#get()} is Panama, else scalar. */
    static CompressedStateKernels get() {
        return Holder.CHOSEN;
    }

    /** The scalar kernels, whatever the JVM supports. */
    static CompressedStateKernels scalar() {
        return ScalarCompressedStateKernels.INSTANCE;
    }

    /** Loads the Panama class by name only when the Vector API is in use. */
    final class Holder {
        static final CompressedStateKernels CHOSEN = choose();

        private Holder() {
        }

        private static CompressedStateKernels choose() {
            if (!OptimizerKernelsProvider.get().name().equals("panama")) {
                return ScalarCompressedStateKernels.INSTANCE;
            }
            try {
                return (CompressedStateKernels) Class.forName("vecopt.engine.kernels.PanamaCompressedStateKernels")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalStateException("Panama kernels are in use but their compressed-state kernels failed to load", e);
            }
        }
    }

    // ---- SGD momentum and Lion with compressed state ----

    /**
     * SGD with momentum ({@link OptimizerKernels#sgdMomentum}'s equations and operation order) with a
     * bfloat16 momentum buffer:
     * <pre>
     * d  = fma(weightDecay, p, gradScale * clamp(g))
     * b' = fma(bufferGradScale, d, momentum * bf16(b))
     * u  = fma(lookahead, b', nesterovGradScale * d)
     * p  = fma(-lr, u, p)
     * b  = round(b')             (nearest even, or stochastic with the lower 16 of the element's random bits)
     * </pre>
     * over parameter elements {@code [index, index + n)}: {@code p[pOff..]}, {@code g[gOff..]}, {@code b[index..]}.
     */
    void sgdMomentumBf16(float[] p, int pOff, float[] g, int gOff, short[] b, int index, int n, SgdCoefficients c,
                         StateRounding rounding);

    /**
     * SGD with a block-wise 8-bit momentum buffer in the signed dynamic map: each block of
     * {@code blockSize} elements is decoded ({@code value(code) * absmax}), updated as
     * {@link #sgdMomentumBf16} (the parameter from the float32 {@code b'}) and re-encoded with its new
     * absolute maximum. {@code index} is a multiple of {@code blockSize}; block {@code k} of the parameter
     * has its scale at {@code scale[k]}.
     */
    void sgdMomentum8bit(float[] p, int pOff, float[] g, int gOff, byte[] b, float[] scale, int index, int n,
                         int blockSize, SgdCoefficients c);

    /**
     * Lion ({@link OptimizerKernels#lion}'s equations and operation order) with a bfloat16 momentum:
     * <pre>
     * d  = gradScale * clamp(g)
     * c  = fma(oneMinusBeta1, d, beta1 * bf16(m))
     * m' = fma(oneMinusBeta2, d, beta2 * bf16(m))
     * p  = fma(negLr, sign(c), paramScale * p)
     * m  = round(m')             (nearest even, or stochastic with the lower 16 of the element's random bits)
     * </pre>
     * over parameter elements {@code [index, index + n)}: {@code p[pOff..]}, {@code g[gOff..]}, {@code m[index..]}.
     */
    void lionBf16(float[] p, int pOff, float[] g, int gOff, short[] m, int index, int n, LionCoefficients c,
                  StateRounding rounding);

    /**
     * Lion with a block-wise 8-bit momentum in the signed dynamic map, decoded, updated as
     * {@link #lionBf16} and re-encoded per block as {@link #sgdMomentum8bit}.
     */
    void lion8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] scale, int index, int n, int blockSize,
                  LionCoefficients c);

    // ---- any rule's state, block by block: the codec of the generic path ----

    /**
     * Decodes block-wise 8-bit state elements {@code [index, index + n)} into {@code dst[0, n)}:
     * {@code value(code) * absmax[block]} in the signed or unsigned dynamic map, as
     * {@link vecopt.tensor.BlockwiseQuantizer#dequantize} does. {@code index} is a multiple of {@code blockSize}.
     */
    void decode8bit(byte[] codes, float[] absmax, int blockSize, boolean signed, int index, float[] dst, int n);

    /**
     * Encodes {@code src[0, n)} into block-wise 8-bit state elements {@code [index, index + n)}: each
     * block's absolute maximum becomes its scale and each value the code nearest to it over that scale,
     * as {@link vecopt.tensor.BlockwiseQuantizer#quantize} does (and the fused 8-bit kernels after
     * their update). {@code index} is a multiple of {@code blockSize}.
     */
    void encode8bit(float[] src, int n, byte[] codes, float[] absmax, int blockSize, boolean signed, int index);
}
