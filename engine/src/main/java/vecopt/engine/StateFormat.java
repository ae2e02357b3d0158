package vecopt.engine;

import vecopt.tensor.BlockwiseQuantizer;

/**
 * How an optimizer stores the moments of its rule (the buffers its descriptor marks compressible,
 * {@link Rule#compressibleBuffers()}: Adam's and AdamW's {@code exp_avg} and {@code exp_avg_sq}, SGD's
 * {@code momentum_buffer}, Lion's {@code exp_avg}, NAdam's, RMSprop's, Adagrad's and those of every other
 * rule whose step is one element-wise pass): float32 as PyTorch does (the default), bfloat16 rounded
 * to nearest or stochastically, or block-wise 8-bit as bitsandbytes' {@code Adam8bit} (Dettmers et al.
 * 2022). Arithmetic stays float32: the moments are decoded, updated and re-encoded inside one fused
 * pass (Adam, AdamW, SGD, Lion) or block by block around the rule's own float32 kernel (the others,
 * docs/storage.md). A storage choice, not a
 * hyperparameter: it changes no equation, only the rounding of the stored state, and is set once per
 * optimizer before its first step ({@link Optimizer#setStateFormat}).
 *
 * <p>Bytes of state per parameter element for Adam: float32 8, bfloat16 4, 8-bit 2 plus 8 per block
 * of {@link #blockSize()}; a step moves 28, 20 and 16 bytes per element (plus the scales). SGD with
 * momentum and Lion keep half that state and move 20, 16 and 14 bytes. Checkpoints save the format
 * ({@link Optimizer#setStateFormat} says what loading does with it). Parameters
 * with fewer than {@link BlockwiseQuantizer#MIN_QUANTIZED_SIZE} elements keep float32 state under the
 * 8-bit format, as bitsandbytes does: their scales would not pay.
 */
public final class StateFormat {

    /** The kinds of storage. */
    public enum Kind {
        /** float32, four bytes per element: PyTorch's. */
        FLOAT32,
        /** bfloat16, two bytes per element. */
        BFLOAT16,
        /** 8-bit codes, one byte per element, plus one float32 scale per block. */
        BLOCKWISE_8BIT
    }

    private static final StateFormat FLOAT32 = new StateFormat(Kind.FLOAT32, false, 0, 0);
    private static final StateFormat BFLOAT16 = new StateFormat(Kind.BFLOAT16, false, 0, 0);

    private final Kind kind;
    private final boolean stochastic;
    private final long seed;
    private final int blockSize;

    private StateFormat(Kind kind, boolean stochastic, long seed, int blockSize) {
        this.kind = kind;
        this.stochastic = stochastic;
        this.seed = seed;
        this.blockSize = blockSize;
    }

    /** {@return float32 state, PyTorch's} */
    public static StateFormat float32() {
        return FLOAT32;
    }

    /** {@return bfloat16 state rounded to nearest, ties to even} */
    public static StateFormat bfloat16() {
        return BFLOAT16;
    }

    /**
     * bfloat16 state rounded stochastically, with random bits from {@code seed}, the parameter's name,
     * the step and the element's index: the same for any number of threads and any split of a step.
     *
     * @param seed the seed of the random bits
     * @return the format
     */
    public static StateFormat bfloat16Stochastic(long seed) {
        return new StateFormat(Kind.BFLOAT16, true, seed, 0);
    }

    /** {@return block-wise 8-bit state in blocks of 256 elements} */
    public static StateFormat blockwise8bit() {
        return blockwise8bit(BlockwiseQuantizer.DEFAULT_BLOCK_SIZE);
    }

    /**
     * Block-wise 8-bit state in blocks of {@code blockSize} elements (a multiple of 64, so blocks split on cache lines).
     *
     * @param blockSize elements per block, a positive multiple of 64
     * @return the format
     * @throws IllegalArgumentException if {@code blockSize} is not a positive multiple of 64
     */
    public static StateFormat blockwise8bit(int blockSize) {
        if (blockSize < 64 || blockSize % 64 != 0) {
            throw new IllegalArgumentException("blockSize must be a positive multiple of 64, got " + blockSize);
        }
        return new StateFormat(Kind.BLOCKWISE_8BIT, false, 0, blockSize);
    }

    /** {@return the kind of storage} */
    public Kind kind() {
        return kind;
    }

    /** {@return whether bfloat16 state rounds stochastically} */
    public boolean stochastic() {
        return stochastic;
    }

    /** {@return the seed of stochastic rounding; 0 otherwise} */
    public long seed() {
        return seed;
    }

    /** {@return the elements per block of the 8-bit format; 0 otherwise} */
    public int blockSize() {
        return blockSize;
    }

    /**
     * Whether a buffer of a parameter with {@code size} elements is stored in this format rather than float32.
     *
     * @param size the parameter's number of elements
     * @return whether its buffers are stored compressed
     */
    public boolean compresses(long size) {
        return switch (kind) {
            case FLOAT32 -> false;
            case BFLOAT16 -> true;
            case BLOCKWISE_8BIT -> size >= BlockwiseQuantizer.MIN_QUANTIZED_SIZE;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateFormat f && f.kind == kind && f.stochastic == stochastic && f.seed == seed
                && f.blockSize == blockSize;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, stochastic, seed, blockSize);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FLOAT32 -> "float32";
            case BFLOAT16 -> stochastic ? "bfloat16 (stochastic rounding, seed " + seed + ")" : "bfloat16";
            case BLOCKWISE_8BIT -> "8-bit block-wise (blocks of " + blockSize + ")";
        };
    }
}
