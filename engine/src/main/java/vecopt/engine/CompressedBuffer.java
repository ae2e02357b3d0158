package vecopt.engine;

/**
 * A state buffer stored narrower than float32 ({@link StateFormat}): one per moment of a parameter.
 * Arrays are shared, not copied; element {@code i} of the parameter is element {@code i} of the buffer.
 */
public sealed interface CompressedBuffer permits CompressedBuffer.BFloat16Buffer, CompressedBuffer.BlockwiseBuffer {

    /** {@return the number of elements} */
    int length();

    /** {@return the bytes of storage held} */
    long bytes();

    /**
     * bfloat16 bits, one short per element.
     *
     * @param bits the bfloat16 bits of each element
     */
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
     *
     * @param codes one 8-bit code per element
     * @param absmax the absolute maximum of each block, its scale
     * @param blockSize elements per block
     * @param signed whether the codes are of the signed map (values may be negative) or the unsigned one
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
