package vecopt.engine;

/**
 * A state buffer stored narrower than float32 ({@link StateFormat}): one per moment of a parameter.
 * Arrays are shared, not copied; element {@code i} of the parameter is element {@code i} of the buffer.
 */
public sealed interface CompressedBuffer permits CompressedBuffer.BFloat16Buffer, CompressedBuffer.BlockwiseBuffer {

    /** Number of elements. */
    int length();

    /** Bytes of storage held. */
    long bytes();

    /** bfloat16 bits, one short per element. */
    record BFloat16Buffer(short[] bits) implements CompressedBuffer {
        @Override
        public int length() {
            return bits.length;
        }

        @Override
        public long bytes() {
            return 2L * bits.length;
        }
    }

    /**
     * 8-bit codes in the signed or unsigned dynamic map and one float32 absolute maximum per block of
     * {@code blockSize} elements ({@link vecopt.tensor.BlockwiseQuantizer}).
     */
    record BlockwiseBuffer(byte[] codes, float[] absmax, int blockSize, boolean signed) implements CompressedBuffer {
        @Override
        public int length() {
            return codes.length;
        }

        @Override
        public long bytes() {
            return codes.length + 4L * absmax.length;
        }
    }
}
