package vecopt.tensor;

/**
 * Element types of {@link SegmentTensor} storage, all little-endian. Arithmetic is always float32:
 * the narrower types are storage formats, widened on load and rounded on store.
 */
public enum DType {
    /** IEEE 754 binary32. */
    FLOAT32(4, "F32"),
    /** bfloat16: the top 16 bits of a binary32 (8 exponent bits, 7 fraction bits); see {@link BFloat16}. */
    BFLOAT16(2, "BF16"),
    /** IEEE 754 binary16 (5 exponent bits, 10 fraction bits); see {@link Float16}. */
    FLOAT16(2, "F16"),
    /** Unsigned bytes: codes of the block-wise 8-bit format ({@link BlockwiseQuantizer}). */
    UINT8(1, "U8");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** {@return the bytes per element} */
    public int byteSize() {
        return byteSize;
    }

    /** {@return the name safetensors headers use ({@code F32}, {@code BF16}, {@code F16}, {@code U8})} */
    public String safetensorsName() {
        return safetensorsName;
    }

    /**
     * The type a safetensors header calls {@code name}.
     *
     * @param name the safetensors name, such as {@code "BF16"}
     * @return the type
     * @throws IllegalArgumentException if no type has that name
     */
    public static DType ofSafetensorsName(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("name must be one of F32, BF16, F16, U8, got " + name);
    }
}
