package vecopt.engine.kernels;

import vecopt.tensor.QuantizationMap;

/**
 * {@link QuantizationMap#encode} in two table lookups instead of an eight-step binary search, for the
 * Panama kernels (each step of the search is a gather there).
 *
 * <p>A float's bits, with the magnitude bits of negative numbers flipped, order floats as
 * {@code <} does; their upper 16 bits (sign, exponent, 7 fraction bits) pick one of 65,536 buckets.
 * {@code base[bucket]} counts the thresholds below the whole bucket. Every bucket holds at most one
 * threshold (checked when the table is built), {@code threshold[bucket]}, or {@code +Infinity} where it
 * holds none, so the code is {@code base} plus one if {@code x} lies above {@code threshold}: the count
 * of thresholds below {@code x}, exactly what the binary search returns. Both lookups take the same
 * index, so a vector does them as two independent gathers. NaN, which the search sends to code 0, is
 * the caller's to mask.
 */
final class QuantizationLookup {

    /** Buckets: every value of the upper 16 bits of an ordered float. */
    static final int BUCKETS = 1 << 16;

    /** Added to the bucket of an ordered key (a signed int shifted right) to make it an index from 0. */
    static final int BUCKET_OFFSET = BUCKETS / 2;

    private final int[] base;
    private final float[] threshold;

    QuantizationLookup(QuantizationMap map) {
        float[] t = map.thresholds();
        for (float x : t) {
            if (Float.floatToRawIntBits(x) == Integer.MIN_VALUE) { // -0 would order below +0, unlike >
                throw new IllegalStateException("a threshold is -0.0");
            }
        }
        base = new int[BUCKETS];
        threshold = new float[BUCKETS];
        int below = 0;
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            long start = (long) (bucket - BUCKET_OFFSET) << 16;
            while (below < t.length && orderedKey(t[below]) < start) {
                below++;
            }
            base[bucket] = below;
            boolean inside = below < t.length && orderedKey(t[below]) < start + (1 << 16);
            threshold[bucket] = inside ? t[below] : Float.POSITIVE_INFINITY; // nothing lies above +Infinity
            if (below + 1 < t.length && orderedKey(t[below + 1]) < start + (1 << 16)) {
                throw new IllegalStateException("two thresholds, " + t[below] + " and " + t[below + 1]
                        + ", share bucket " + bucket + ": the lookup needs more fraction bits");
            }
        }
    }

    /** A float's bits with negative numbers' magnitude bits flipped: ordered as the floats are, {@code -0 < +0}. */
    static int orderedKey(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }

    /** {@return thresholds below the bucket {@code (orderedKey(x) >> 16) + BUCKET_OFFSET}; the array itself} */
    int[] base() {
        return base;
    }

    /** {@return the threshold inside each bucket, or {@code +Infinity}; the array itself} */
    float[] threshold() {
        return threshold;
    }

    /** The map's code for {@code x}, as {@link QuantizationMap#encode} gives it (NaN included). */
    int encode(float x) {
        if (Float.isNaN(x)) {
            return 0;
        }
        int bucket = (orderedKey(x) >> 16) + BUCKET_OFFSET;
        return x > threshold[bucket] ? base[bucket] + 1 : base[bucket];
    }
}
