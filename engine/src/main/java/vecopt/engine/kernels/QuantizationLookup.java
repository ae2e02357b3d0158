package vecopt.engine.kernels;

import vecopt.tensor.QuantizationMap;

/**
 * {@link QuantizationMap#encode} in one lookup in a table of 23 KiB instead of an eight-step binary
 * search, for the Panama kernels (each step of the search is a gather there; the lookup is one).
 *
 * <p>A float's upper 16 bits (sign, exponent, 7 fraction bits) name a bucket of 65,536 floats, and
 * every bucket holds at most one threshold (checked when the table is built). Only the buckets of
 * magnitudes from {@code 2^-23} ({@link #LOWEST}) to 1 ({@link #HIGHEST}) have entries of their own:
 * smaller magnitudes share the entry of {@code 2^-23}'s bucket and larger ones (infinities too) that
 * of 1's, which is exact because none of these wider buckets holds a threshold (checked too; the
 * maps' smallest threshold is 1.6e-7, their largest below 1). Negative numbers have the same buckets
 * {@link #SPAN} entries further on. So the index is
 * {@code clamp(|bits| >>> 16, LOWEST, HIGHEST) - LOWEST + (x < 0 ? SPAN : 0)}.
 *
 * <p>An entry is {@code (base << 16) + 0xFFFF - t}: {@code base} counts the thresholds below the
 * bucket and {@code t} is the lower 16 bits of the {@link #orderedKey} of the threshold inside it, or
 * {@code 0xFFFF} if there is none. Inside one bucket the keys differ only in their lower 16 bits
 * {@code k}, so {@code (entry + k) >>> 16} is {@code base + 1} exactly when {@code x} lies above the
 * threshold: the count of thresholds below {@code x}, which is what the binary search returns. NaN,
 * which the search sends to code 0, is the caller's: the kernels replace it by -2 (code 0) first.
 */
final class QuantizationLookup {

    /** Upper 16 bits of {@code 2^-23}: smaller magnitudes share its bucket's entry. */
    static final int LOWEST = 0x3400;

    /** Upper 16 bits of 1: larger magnitudes share its bucket's entry. */
    static final int HIGHEST = 0x3F80;

    /** Entries per sign; negative numbers' entries start here. */
    static final int SPAN = HIGHEST - LOWEST + 1;

    private final int[] packed;

    QuantizationLookup(QuantizationMap map) {
        float[] t = map.thresholds();
        for (float x : t) {
            if (Float.floatToRawIntBits(x) == Integer.MIN_VALUE) { // -0 would order below +0, unlike >
                throw new IllegalStateException("a threshold is -0.0");
            }
        }
        packed = new int[2 * SPAN];
        for (int negative = 0; negative < 2; negative++) {
            for (int upper = LOWEST; upper <= HIGHEST; upper++) {
                int smallest = upper == LOWEST ? 0 : upper << 16;
                int largest = upper == HIGHEST ? 0x7FFFFFFF : upper << 16 | 0xFFFF;
                int sign = negative << 31;
                long first = orderedKey(Float.intBitsToFloat((negative == 0 ? smallest : largest) | sign));
                long last = orderedKey(Float.intBitsToFloat((negative == 0 ? largest : smallest) | sign));
                int base = 0;
                int inside = 0;
                int low = 0xFFFF;
                for (float threshold : t) {
                    long key = orderedKey(threshold);
                    if (key < first) {
                        base++;
                    } else if (key <= last) {
                        inside++;
                        low = (int) (key & 0xFFFF);
                    }
                }
                boolean shared = upper == LOWEST || upper == HIGHEST;
                if (inside > 1 || (shared && inside > 0)) {
                    throw new IllegalStateException("bucket " + Integer.toHexString(upper | negative << 15) + " holds "
                            + inside + " thresholds: the lookup needs other buckets for this map");
                }
                packed[negative * SPAN + upper - LOWEST] = (base << 16) + 0xFFFF - low;
            }
        }
    }

    /** A float's bits with negative numbers' magnitude bits flipped: ordered as the floats are, {@code -0 < +0}. */
    static int orderedKey(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    /** {@return the entries, indexed as the class comment says; the array itself} */
    int[] packed() {
        return packed;
    }

    /** The map's code for {@code x}, as {@link QuantizationMap#encode} gives it (NaN included). */
    int encode(float x) {
        int bits = Float.floatToRawIntBits(Float.isNaN(x) ? -2f : x);
        int sign = bits >> 31;
        int index = Math.clamp((bits & 0x7FFFFFFF) >>> 16, LOWEST, HIGHEST) - LOWEST + (sign & SPAN);
        return (packed[index] + ((bits ^ sign) & 0xFFFF)) >>> 16;
    }
}
