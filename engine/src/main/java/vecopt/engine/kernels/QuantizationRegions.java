package vecopt.engine.kernels;

import java.util.Arrays;
import vecopt.tensor.QuantizationMap;

/**
 * {@link QuantizationMap#encode} by arithmetic instead of a table, for the Panama kernels' encoder: the
 * dynamic maps' midpoints are evenly spaced inside each decade, so a code is a count of midpoints that
 * one fused multiply-add finds, checked so that no rounding can move it.
 *
 * <p>The positive midpoints split {@code [0, ∞)} into regions: below the smallest, one region per
 * decade of the map (its values {@code 10^-e (0.1 + 0.9 (k + 1/2) / n)}, {@code k < n}), above the
 * largest. A decade's region holds {@code n - 1} midpoints {@code g_j = 10^-e (0.1 + 0.9 j / n)} between
 * its two boundary midpoints, so for {@code a} in region {@code r} the number of midpoints below
 * {@code a} is {@code base_r + #{j : g_j < a}}, and
 * <pre>   v(a) = fma(a, slope_r, offset_r),  slope_r = 10^e n / 0.9,  offset_r = 512 + base_r - 0.1 n / 0.9 + ε</pre>
 * is {@code 512 + base_r + (a - 10^-e 0.1) n / (10^-e 0.9) + ε}, whose integer part is that number:
 * {@code 512} pins the float's exponent, so its mantissa holds the integer part in bits 14 to 22 and
 * the fraction in bits 0 to 13, in units {@code q = 2^-14}. Because {@code v} is monotone in {@code a}
 * and the constructor checks, with the same float operations, that every midpoint {@code g} of region
 * {@code r} gives {@code v(g)} with integer part {@code 512 + (the count below g) + 1} and fraction below
 * {@link #FLAGGED_BELOW}{@code  q}, any {@code a} whose {@code v(a)} has a fraction of at least that
 * gets the exact count (after a clamp to the region's last count, {@link #top}); the others are flagged
 * and the caller encodes them another way: well under 0.1 % of the values scaled moments take
 * ({@code QuantizationRegionsTest}).
 *
 * <p>The region of {@code a} comes from its binade: {@link #binadeRegion} is the region at the binade's
 * lower end and {@link #binadeBoundary} the one boundary midpoint inside it (checked: at most one), or
 * infinity. Negative values count the midpoints at or below {@code |a|}, as the binary search's
 * strict {@code >} does for them: the count below {@code nextUp(|a|)}, whose bits are {@code |a|}'s plus
 * one. The code is then {@code max(0, origin ± count)} with {@code origin} the code of zero.
 */
final class QuantizationRegions {

    /** Added to every {@code v}: values from 512 to 1024 share one exponent, so the mantissa is the count and its fraction. */
    static final float MAGIC = 512f;

    /** Bits of {@link #MAGIC}: {@code v}'s bits minus these are the count times {@code 2^14} plus the fraction. */
    static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    /** Fraction bits of {@code v}: the count sits above them. */
    static final int FRACTION_BITS = 14;

    /**
     * A {@code v} whose fraction is below this many units {@code 2^-14} may sit on the wrong side of a
     * midpoint and is flagged. The offsets' {@link #EPSILON} puts every midpoint's own {@code v} about 3
     * units above its integer, so that the roundings of the midpoints, the slopes and the fused
     * multiply-add (each within a unit) leave it between 0 and 4 units above (checked).
     */
    static final int FLAGGED_BELOW = 5;

    /** Added to the offsets: 3 units of {@code 2^-14}. */
    static final float EPSILON = 3f / (1 << FRACTION_BITS);

    /** Binade exponent (biased) of the first table entry; smaller exponents share its entry, as larger ones past {@code + 31} share the last. */
    static final int LOWEST_EXPONENT = 100;

    /** Binades in the tables: a two-vector lookup at 512 bits reads the lower 5 bits of the exponent. */
    static final int BINADES = 32;

    private final int origin;
    private final int[] binadeRegion = new int[BINADES];
    private final float[] binadeBoundary = new float[BINADES];
    private final float[] slope = new float[16];
    private final float[] offset = new float[16];
    private final int[] top = new int[16];

    QuantizationRegions(QuantizationMap map) {
        float[] thresholds = map.thresholds();
        float[] positive = positives(thresholds);
        origin = thresholds.length - positive.length;
        boolean signed = origin > 0;
        int extraFractionBits = signed ? 0 : 1;
        float[] boundaries = new float[8]; // the smallest midpoint, then each decade's upper boundary
        int regions = 0;
        int below = 0; // index of the region's lower boundary among the positive midpoints
        boundaries[regions++] = positive[0];
        constant(0, 0);
        for (int e = 6; e >= 0; e--) {
            int r = regions;
            int n = 1 << (6 - e + extraFractionBits);
            int base = below + 1;
            if (n > 1) {
                slope[r] = (float) (Math.pow(10, e) * n / 0.9);
                offset[r] = (float) (MAGIC + base - 0.1 * n / 0.9 + EPSILON);
                check(v(positive[below], r) >= MAGIC + base, "region " + r + "'s lower boundary counts below " + base);
                for (int j = 1; j < n; j++) {
                    float g = positive[base + j - 1];
                    float v = v(g, r);
                    int units = Float.floatToRawIntBits(v) - MAGIC_BITS - ((base + j) << FRACTION_BITS);
                    check(units >= 0 && units < FLAGGED_BELOW, "midpoint " + g + " gives " + v + " in region " + r);
                }
                check(v(positive[below + n], r) < 2 * MAGIC, "region " + r + " runs past 1024");
            } else {
                constant(r, base);
            }
            top[r] = base + n - 1;
            below += n;
            boundaries[regions++] = positive[below];
        }
        check(below == positive.length - 1, "the decades hold " + below + " of " + positive.length + " midpoints");
        constant(regions, positive.length);
        for (int b = 0; b < BINADES; b++) {
            int exponent = LOWEST_EXPONENT + b;
            float low = b == 0 ? 0f : Float.intBitsToFloat(exponent << 23);
            float high = b == BINADES - 1 ? Float.POSITIVE_INFINITY : Float.intBitsToFloat((exponent + 1) << 23);
            int lower = 0;
            int inside = 0;
            float boundary = Float.POSITIVE_INFINITY;
            for (int k = 0; k < regions; k++) {
                if (boundaries[k] < low) {
                    lower++;
                } else if (boundaries[k] < high) {
                    inside++;
                    boundary = boundaries[k];
                }
            }
            check(inside <= 1, "binade " + exponent + " holds " + inside + " boundaries");
            binadeRegion[exponent % BINADES] = lower;
            binadeBoundary[exponent % BINADES] = boundary;
        }
    }

    /** {@return the code of zero: the number of negative midpoints} */
    int origin() {
        return origin;
    }

    /** {@return the region at each binade's lower end, indexed by the binade's exponent modulo 32; the array itself} */
    int[] binadeRegion() {
        return binadeRegion;
    }

    /** {@return the boundary midpoint inside each binade, or infinity, indexed as {@link #binadeRegion}; the array itself} */
    float[] binadeBoundary() {
        return binadeBoundary;
    }

    /** {@return each region's slope (0 in regions without midpoints inside); the array itself} */
    float[] slope() {
        return slope;
    }

    /** {@return each region's offset; the array itself} */
    float[] offset() {
        return offset;
    }

    /** {@return each region's largest count; the array itself} */
    int[] top() {
        return top;
    }

    /**
     * The code of {@code x} as the vector encoder finds it, lane by lane, or -1 where that encoder flags
     * {@code x} (then another encoder must give its code): the specification the Panama loop follows.
     */
    int encodeOrFlag(float x) {
        int bits = Float.floatToRawIntBits(x);
        int sign = bits >> 31;
        int key = (bits & 0x7FFFFFFF) - sign;
        int exponent = Math.clamp(key >>> 23, LOWEST_EXPONENT, LOWEST_EXPONENT + BINADES - 1) % BINADES;
        int region = binadeRegion[exponent] + (Float.intBitsToFloat(key) > binadeBoundary[exponent] ? 1 : 0);
        int v = Float.floatToRawIntBits(Math.fma(Float.intBitsToFloat(key), slope[region], offset[region]));
        if (Integer.compareUnsigned((v & 0x7F803FFF) - (MAGIC_BITS + FLAGGED_BELOW), 0x00800000 - FLAGGED_BELOW) >= 0) {
            return -1;
        }
        int count = Math.min((v >>> FRACTION_BITS) & 0x1FF, top[region]);
        return Math.max(origin + ((count ^ sign) - sign), 0);
    }

    private float v(float a, int region) {
        return Math.fma(a, slope[region], offset[region]);
    }

    /** A region without midpoints inside: every value in it counts {@code count}, fraction one half. */
    private void constant(int region, int count) {
        slope[region] = 0f;
        offset[region] = MAGIC + count + 0.5f;
        top[region] = count;
    }

    private static float[] positives(float[] thresholds) {
        int first = 0;
        while (first < thresholds.length && !(thresholds[first] > 0)) {
            first++;
        }
        return Arrays.copyOfRange(thresholds, first, thresholds.length);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("the map cannot be encoded by regions: " + what);
        }
    }
}
