package vecopt.engine.kernels;

/**
 * The counter-based Gaussian generator of {@link OptimizerKernels#addGradientNoise}, element by
 * element: the reference the Panama kernel reproduces on vectors.
 *
 * <p>Why its bits match on every path: the random bits come from 64-bit integer multiplies, shifts
 * and xors, which wrap identically in {@code long} and in {@code LongVector} lanes; the Gaussian is
 * made from them by float additions, multiplications, fused multiply-adds, one division, one square
 * root and integer bit manipulation, each of them correctly rounded (or exact) in Java and in the
 * Vector API alike. No library function whose result may differ between implementations
 * ({@code Math.log} against {@code VectorOperators.LOG}, say) is used: the logarithm below is this
 * class's own polynomial.
 *
 * <p>The method is inversion: 23 bits of {@code u} give a probability {@code p} in {@code (0, 1/2)},
 * exact in float; Wichura's algorithm AS 241 in its single-precision form (PPND7, Applied Statistics
 * 37, 1988, accurate to about 1e-7) turns it into the magnitude {@code |Phi^-1(p)|}, and bit 0 of
 * {@code u} gives the sign. Its rational functions have positive coefficients on their intervals, so
 * float evaluation does not cancel (Acklam's double-precision ones did, by 1e-4). The largest
 * magnitude produced is about 5.4 (p = 2^-25); beyond it the normal distribution has mass 6e-8.
 */
final class CounterGaussian {

    /** SplitMix64's increment, the golden ratio in 64 bits; counters advance by it. */
    static final long GAMMA = 0x9E3779B97F4A7C15L;

    /** Where {@code |p - 1/2|} leaves AS 241's central region. */
    static final float SPLIT = 0.425f;
    static final float CONST1 = 0.180625f;
    static final float CONST2 = 1.6f;
    static final float A0 = 3.3871327179f;
    static final float A1 = 5.0434271938e+01f;
    static final float A2 = 1.5929113202e+02f;
    static final float A3 = 5.9109374720e+01f;
    static final float B1 = 1.7895169469e+01f;
    static final float B2 = 7.8757757664e+01f;
    static final float B3 = 6.7187563600e+01f;
    static final float C0 = 1.4234372777f;
    static final float C1 = 2.7568153900f;
    static final float C2 = 1.3067284816f;
    static final float C3 = 1.7023821103e-01f;
    static final float D1 = 7.3700164250e-01f;
    static final float D2 = 1.2021132975e-01f;

    /** Cephes' {@code logf}: {@code sqrt(1/2)}, the polynomial, and ln 2 split into two parts. */
    static final float SQRT_HALF = 0.707106781186547524f;
    static final float L1 = 7.0376836292e-2f;
    static final float L2 = -1.1514610310e-1f;
    static final float L3 = 1.1676998740e-1f;
    static final float L4 = -1.2420140846e-1f;
    static final float L5 = 1.4249322787e-1f;
    static final float L6 = -1.6668057665e-1f;
    static final float L7 = 2.0000714765e-1f;
    static final float L8 = -2.4999993993e-1f;
    static final float L9 = 3.3333331174e-1f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float LN2_HI = 0.693359375f;

    private CounterGaussian() {
    }

    /** SplitMix64's output function (Stafford's Mix13): a bijection of 64-bit values with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The 32 random bits of element index {@code e} under {@code key}. */
    static int bits(long key, long e) {
        long h = mix64(key + (e >>> 1) * GAMMA);
        return (int) (h >>> ((e & 1) << 5));
    }

    /** A standard normal value from 32 random bits. */
    static float gaussian(int u) {
        float p = (float) (((u >>> 9) << 1) | 1) * 0x1p-25f; // (2m + 1) / 2^25 for the top 23 bits m: exact
        float q = p - 0.5f;                                   // exact, and negative
        float magnitude = q >= -SPLIT ? central(q) : tail(p);
        return Float.intBitsToFloat(Float.floatToRawIntBits(magnitude) | (u << 31));
    }

    /** {@code |Phi^-1(p)|} for {@code -SPLIT <= q = p - 1/2 < 0}. */
    static float central(float q) {
        float r = CONST1 - q * q;
        float num = Math.fma(Math.fma(Math.fma(A3, r, A2), r, A1), r, A0);
        float den = Math.fma(Math.fma(Math.fma(B3, r, B2), r, B1), r, 1f);
        return (-q * num) / den;
    }

    /** {@code |Phi^-1(p)|} for {@code 2^-25 <= p < 1/2 - SPLIT} (AS 241's middle region; its far tail starts below 1e-11). */
    static float tail(float p) {
        float r = (float) Math.sqrt(-log(p)) - CONST2;
        float num = Math.fma(Math.fma(Math.fma(C3, r, C2), r, C1), r, C0);
        float den = Math.fma(Math.fma(D2, r, D1), r, 1f);
        return num / den;
    }

    /**
     * The natural logarithm of a positive normal float (Cephes' {@code logf}, with FMAs): {@code x =
     * 2^e * m} with {@code m} in {@code [sqrt(1/2), sqrt(2))}, a polynomial in {@code f = m - 1}, and
     * {@code e * ln 2} in two parts.
     */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        int e = (bits >>> 23) - 126;
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F000000); // [1/2, 1)
        float f;
        if (m < SQRT_HALF) {
            e -= 1;
            f = (m + m) - 1f;
        } else {
            f = m - 1f;
        }
        float ef = (float) e;
        float z = f * f;
        float y = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(
                L1, f, L2), f, L3), f, L4), f, L5), f, L6), f, L7), f, L8), f, L9);
        y = (y * f) * z;
        y = Math.fma(ef, LN2_LO, y);
        y = Math.fma(-0.5f, z, y);
        float r = f + y;
        return Math.fma(ef, LN2_HI, r);
    }
}
