package vecopt.tensor;

/**
 * IEEE 754 binary16 conversions: {@link Float#float16ToFloat} and {@link Float#floatToFloat16} (exact
 * widening; round to nearest, ties to even; intrinsified on CPUs with F16C) plus stochastic rounding.
 * The largest finite binary16 is 65504; subnormals go down to {@code 2^-24}.
 */
public final class Float16 {

    /** Bits of the largest finite binary16, {@code 0x7BFF} (65504). */
    public static final short MAX_VALUE_BITS = 0x7BFF;

    private static final int INFINITY_BITS = 0x7C00;

    private Float16() {
    }

    /**
     * The binary32 value of binary16 {@code bits}, exactly.
     *
     * @param bits a binary16's bits
     * @return its value
     */
    public static float toFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * {@code x} rounded to the nearest binary16, ties to even; NaN stays NaN.
     *
     * @param x the value
     * @return the bits of the nearest binary16
     */
    public static short fromFloat(float x) {
        return Float.floatToFloat16(x);
    }

    /**
     * {@code x} rounded stochastically: to the binary16 neighbour above {@code |x|} with probability
     * {@code (|x| - lo) / (hi - lo)}, where {@code lo <= |x| < hi} are its neighbours, else to
     * {@code lo}; the sign is kept. The upper 24 bits of {@code random}, read as {@code u} in
     * {@code [0, 1)}, decide: up when {@code u < (|x| - lo) / (hi - lo)}. Above 65504 the neighbour
     * above is taken to be 65536 and stored as infinity, as an unbounded exponent would round; NaN
     * stays NaN and representable values are returned unchanged.
     *
     * @param x the value
     * @param random uniformly random bits; the upper 24 are used
     * @return the bits of the binary16 below or above {@code x}
     */
    public static short fromFloatStochastic(float x, int random) {
        if (Float.isNaN(x)) {
            return Float.floatToFloat16(x);
        }
        int sign = (Float.floatToRawIntBits(x) >>> 16) & 0x8000;
        float a = Math.abs(x);
        if (a >= 65536f) {
            return (short) (sign | INFINITY_BITS);
        }
        int nearest = Float.floatToFloat16(a);
        int lo = Float.float16ToFloat((short) nearest) > a ? nearest - 1 : nearest; // positive bits are ordered like values
        float loValue = Float.float16ToFloat((short) lo);
        if (loValue == a) {
            return (short) (sign | lo);
        }
        // The gap is a power of two and a - loValue is exact (Sterbenz), so the fraction is exact.
        float gap = lo == MAX_VALUE_BITS ? 32f : Float.float16ToFloat((short) (lo + 1)) - loValue;
        float fraction = (a - loValue) / gap;
        float u = (random >>> 8) * 0x1p-24f;
        return (short) (sign | (u < fraction ? lo + 1 : lo));
    }
}
