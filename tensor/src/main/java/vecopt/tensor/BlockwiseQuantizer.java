package vecopt.tensor;

/**
 * Block-wise 8-bit quantization (Dettmers et al. 2022): each block of {@link #blockSize()} elements
 * keeps its absolute maximum as a float32 scale and each element the code of {@code x / absmax} in a
 * {@link QuantizationMap}; decoding is {@code value(code) * absmax}. The last block may be shorter.
 * Blocks are independent, so an outlier only costs precision inside its own block.
 *
 * <p>Exact cases: a block of zeros encodes to the code of 0 with scale 0 and decodes to zeros (no
 * division by zero); the element of largest magnitude decodes exactly when the map holds 1 at its
 * sign. Non-finite input is not hidden: a NaN or infinity makes the block's scale NaN or infinite, and
 * every element of that block decodes to NaN (or infinity), so a poisoned block stays visible.
 * Optimizers skip steps with non-finite gradients before their state is touched.
 *
 * <p>Encoding multiplies by {@code 1 / absmax} rounded to float once per block, so every implementation
 * of the same blocks produces the same codes.
 */
public final class BlockwiseQuantizer {

    /** bitsandbytes' block size for optimizer state. */
    public static final int DEFAULT_BLOCK_SIZE = 256;

    /** Tensors with fewer elements keep float32 state, as bitsandbytes does: the scales would not pay. */
    public static final int MIN_QUANTIZED_SIZE = 4096;

    private final QuantizationMap map;
    private final int blockSize;

    /**
     * A quantizer of {@code map} in blocks of {@code blockSize} elements.
     *
     * @param map       the 256 values codes stand for
     * @param blockSize elements per block, at least 1
     * @throws IllegalArgumentException if {@code map} is null or {@code blockSize} is below 1
     */
    public BlockwiseQuantizer(QuantizationMap map, int blockSize) {
        if (map == null) {
            throw new IllegalArgumentException("map must not be null");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, got " + blockSize);
        }
        this.map = map;
        this.blockSize = blockSize;
    }

    /** {@return the 256 values codes stand for} */
    public QuantizationMap map() {
        return map;
    }

    /** {@return the elements per block} */
    public int blockSize() {
        return blockSize;
    }

    /**
     * Number of blocks, and so of scales, for {@code n} elements.
     *
     * @param n the number of elements
     * @return the number of blocks
     */
    public long blocks(long n) {
        return (n + blockSize - 1) / blockSize;
    }

    /**
     * Bytes of storage for {@code n} elements: one code per element and a float per block.
     *
     * @param n the number of elements
     * @return the bytes of codes and scales
     */
    public long storageBytes(long n) {
        return n + Float.BYTES * blocks(n);
    }

    /**
     * {@code 1 / absmax} as the encoder multiplies by it; 0 for a zero, NaN or infinite block's.
     *
     * @param absmax a block's absolute maximum
     * @return the factor the block's values are multiplied by before encoding
     */
    public static float inverseScale(float absmax) {
        return absmax > 0 && absmax < Float.POSITIVE_INFINITY ? 1f / absmax : 0f;
    }

    /**
     * Encodes {@code x[xOff, xOff + n)}: block {@code b} covers elements {@code [b * blockSize, ...)}
     * counted from {@code xOff}; its scale goes to {@code absmax[absOff + b]}, codes to
     * {@code codes[codesOff, codesOff + n)}.
     *
     * @param x the values
     * @param xOff the index of the first value
     * @param codes where the codes go
     * @param codesOff the index of the first code
     * @param absmax where the blocks' scales go
     * @param absOff the index of the first block's scale
     * @param n the number of elements
     */
    public void quantize(float[] x, int xOff, byte[] codes, int codesOff, float[] absmax, int absOff, int n) {
        for (int start = 0, b = 0; start < n; start += blockSize, b++) {
            int end = Math.min(n, start + blockSize);
            float max = 0f;
            for (int i = start; i < end; i++) {
                max = Math.max(max, Math.abs(x[xOff + i]));
            }
            absmax[absOff + b] = max;
            float inv = inverseScale(max);
            for (int i = start; i < end; i++) {
                codes[codesOff + i] = (byte) map.encode(x[xOff + i] * inv);
            }
        }
    }

    /**
     * Decodes what {@link #quantize} encoded with the same offsets into {@code x[xOff, xOff + n)}.
     *
     * @param codes the codes
     * @param codesOff the index of the first code
     * @param absmax the blocks' scales
     * @param absOff the index of the first block's scale
     * @param x where the values go
     * @param xOff the index of the first value
     * @param n the number of elements
     */
    public void dequantize(byte[] codes, int codesOff, float[] absmax, int absOff, float[] x, int xOff, int n) {
        for (int start = 0, b = 0; start < n; start += blockSize, b++) {
            int end = Math.min(n, start + blockSize);
            float scale = absmax[absOff + b];
            for (int i = start; i < end; i++) {
                x[xOff + i] = map.value(codes[codesOff + i] & 0xFF) * scale;
            }
        }
    }
}
