package vecopt.tensor;

/**
 * bfloat16 conversions. A bfloat16 is the upper half of a binary32's bits, so widening is a shift
 * and is exact; narrowing rounds away the lower 16 bits.
 *
 * <p>Both roundings keep NaN a NaN (sign and upper payload kept, quiet bit set: a NaN whose payload
 * lies only in the lower half would otherwise become infinity), keep infinities and signed zeros,
 * and treat subnormals like any other value: bfloat16 has binary32's exponent range, so the same
 * bit arithmetic rounds them correctly. Finite values beyond the largest bfloat16 (about 3.39e38)
 * round to infinity as IEEE rounding says: from half an ulp above it with {@link #fromFloat}, with a
 * probability that grows with the distance with {@link #fromFloatStochastic}.
 */
public final class BFloat16 {

    /** Bits of the largest finite bfloat16, {@code 0x7F7F} (3.3895e38). */
    public static final short MAX_VALUE_BITS = 0x7F7F;

    private BFloat16() {
    }

    /**
     * The binary32 value of bfloat16 {@code bits}, exactly.
     *
     * @param bits a bfloat16's bits
     * @return its value
     */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /**
     * {@code x} rounded to the nearest bfloat16, ties to even.
     *
     * @param x the value
     * @return the bits of the nearest bfloat16
     */
    public static short fromFloat(float x) {
        int b = Float.floatToRawIntBits(x);
        if ((b & 0x7FFFFFFF) > 0x7F800000) {
            return quietNaN(b);
        }
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    /**
     * {@code x} rounded stochastically: up (away from zero) to the next bfloat16 with probability
     * equal to the fraction of the way {@code x} lies between its two neighbours, down otherwise, so
     * the expected result is {@code x}. The lower 16 bits of {@code random} decide: the result rounds
     * up exactly when they plus the lower 16 bits of {@code x} carry, that is for {@code lo16(x)} of
     * the {@code 2^16} possible values. A representable {@code x} is returned unchanged whatever
     * {@code random} is.
     *
     * @param x the value
     * @param random uniformly random bits; the lower 16 are used
     * @return the bits of the bfloat16 below or above {@code x}
     */
    public static short fromFloatStochastic(float x, int random) {
        int b = Float.floatToRawIntBits(x);
        if ((b & 0x7FFFFFFF) > 0x7F800000) {
            return quietNaN(b);
        }
        return (short) ((b + (random & 0xFFFF)) >>> 16);
    }

    private static short quietNaN(int b) {
        return (short) ((b >>> 16) | 0x0040);
    }
}
