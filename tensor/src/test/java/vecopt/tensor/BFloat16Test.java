package vecopt.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BFloat16Test {

    /**
     * Round to nearest even written from the definition, in double: the two bfloat16 neighbours of
     * {@code x} (truncation and the next one away from zero, whose value past the largest finite one is
     * 2^128, stored as infinity), the nearer one, and on a tie the one with an even last bit.
     */
    private static short nearestEvenReference(float x) {
        int b = Float.floatToRawIntBits(x);
        int lo = b >>> 16;
        int hi = lo + 1;
        double loValue = Float.intBitsToFloat(lo << 16);
        double hiValue = (hi & 0x7FFF) == 0x7F80 ? Math.copySign(0x1p128, x) : Float.intBitsToFloat(hi << 16);
        double below = Math.abs(x - loValue);
        double above = Math.abs(hiValue - x);
        if (below < above || (below == above && (lo & 1) == 0)) {
            return (short) lo;
        }
        return (short) hi;
    }

    @Test
    void wideningIsExactForEveryBFloat16() {
        for (int h = 0; h < 0x10000; h++) {
            float f = BFloat16.toFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(f), "bits " + Integer.toHexString(h));
        }
    }

    @Test
    void everyNonNaNBFloat16RoundTripsUnchanged() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7FFF) > 0x7F80) {
                continue;
            }
            assertEquals((short) h, BFloat16.fromFloat(BFloat16.toFloat((short) h)));
            assertEquals((short) h, BFloat16.fromFloatStochastic(BFloat16.toFloat((short) h), 0xFFFF));
        }
    }

    @Test
    void nearestEvenMatchesDefinitionAroundEveryBFloat16IncludingTies() {
        int[] lowHalves = {0x0001, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x4000, 0xC000};
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7FFF) >= 0x7F80) {
                continue; // infinities and NaNs: tested below
            }
            for (int low : lowHalves) {
                float x = Float.intBitsToFloat((h << 16) | low);
                assertEquals(nearestEvenReference(x), BFloat16.fromFloat(x), () -> "x=" + x + " bits "
                        + Integer.toHexString(Float.floatToRawIntBits(x)));
            }
        }
    }

    @Test
    void nearestEvenMatchesDefinitionOnRandomFloats() {
        SplittableRandom random = new SplittableRandom(14);
        for (int k = 0; k < 2_000_000; k++) {
            float x = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(x) || Float.isInfinite(x)) {
                continue;
            }
            assertEquals(nearestEvenReference(x), BFloat16.fromFloat(x), "x=" + x);
        }
    }

    @Test
    void tiesGoToTheEvenNeighbour() {
        // 1 + 2^-8 lies halfway between 1 (0x3F80, even) and 1 + 2^-7 (0x3F81): down to 1.
        assertEquals((short) 0x3F80, BFloat16.fromFloat(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 lies halfway between 0x3F81 (odd) and 0x3F82 (even): up.
        assertEquals((short) 0x3F82, BFloat16.fromFloat(1f + 3 * 0x1p-8f));
        assertEquals((short) 0xBF82, BFloat16.fromFloat(-(1f + 3 * 0x1p-8f)));
    }

    @Test
    void subnormalsRoundLikeNormals() {
        float smallest = Float.MIN_VALUE; // 2^-149, below bfloat16's smallest subnormal 2^-133
        assertEquals((short) 0x0000, BFloat16.fromFloat(smallest));
        assertEquals((short) 0x0001, BFloat16.fromFloat(0x1p-133f));
        assertEquals((short) 0x0001, BFloat16.fromFloat(0x1.8p-133f - 0x1p-149f)); // just under the tie at 1.5 ulp
        assertEquals((short) 0x0002, BFloat16.fromFloat(0x1.8p-133f)); // tie between 1 (odd) and 2 (even)
        assertEquals((short) 0x8001, BFloat16.fromFloat(-0x1p-133f));
    }

    @Test
    void infinitiesZerosAndOverflowFollowIeee() {
        assertEquals((short) 0x7F80, BFloat16.fromFloat(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, BFloat16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x0000, BFloat16.fromFloat(0f));
        assertEquals((short) 0x8000, BFloat16.fromFloat(-0f));
        assertEquals((short) 0x7F80, BFloat16.fromFloat(Float.MAX_VALUE)); // above max + half ulp
        assertEquals(BFloat16.MAX_VALUE_BITS, BFloat16.fromFloat(Float.intBitsToFloat(0x7F7F7FFF)));
        for (int r : new int[] {0, 0x7FFF, 0xFFFF}) {
            assertEquals((short) 0x7F80, BFloat16.fromFloatStochastic(Float.POSITIVE_INFINITY, r));
            assertEquals((short) 0xFF80, BFloat16.fromFloatStochastic(Float.NEGATIVE_INFINITY, r));
            assertEquals((short) 0x8000, BFloat16.fromFloatStochastic(-0f, r));
        }
    }

    @Test
    void everyNaNStaysNaNWithItsSign() {
        int[] nans = {0x7FC00000, 0x7F800001, 0x7F80FFFF, 0xFF800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FA00000};
        for (int bits : nans) {
            float nan = Float.intBitsToFloat(bits);
            for (short h : new short[] {BFloat16.fromFloat(nan), BFloat16.fromFloatStochastic(nan, 0xFFFF),
                    BFloat16.fromFloatStochastic(nan, 1)}) {
                assertTrue(Float.isNaN(BFloat16.toFloat(h)), Integer.toHexString(bits) + " -> " + Integer.toHexString(h));
                assertEquals(bits >>> 31, (h >>> 15) & 1, "sign of " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void stochasticRoundingGoesUpForExactlyTheFractionOfRandomValues() {
        SplittableRandom random = new SplittableRandom(3);
        for (int k = 0; k < 40; k++) {
            float x = (float) random.nextDouble(-1e3, 1e3);
            int bits = Float.floatToRawIntBits(x);
            int lo = bits >>> 16;
            long expectedUp = bits & 0xFFFF; // |x| - lo is this many 2^16ths of the gap
            long up = 0;
            for (int r = 0; r < 0x10000; r++) {
                int h = BFloat16.fromFloatStochastic(x, (random.nextInt() & 0xFFFF0000) | r) & 0xFFFF;
                assertTrue(h == lo || h == lo + 1, "x=" + x + " gave a non-neighbour");
                up += h == lo + 1 ? 1 : 0;
            }
            assertEquals(expectedUp, up, "x=" + x);
        }
    }

    @Test
    void stochasticRoundingIsUnbiasedInMean() {
        float x = 1f + 0x1p-10f; // 1/8 of the way from 1 to the next bfloat16, 1 + 2^-7
        double sum = 0;
        SplittableRandom random = new SplittableRandom(5);
        int n = 200_000;
        for (int k = 0; k < n; k++) {
            sum += BFloat16.toFloat(BFloat16.fromFloatStochastic(x, random.nextInt()));
        }
        assertEquals(x, sum / n, 4 * 0x1p-7 * Math.sqrt(0.125 * 0.875 / n) + 1e-9);
    }

    @Test
    void stochasticOverflowReachesInfinityOnlyFromBeyondTheLargestFinite() {
        assertEquals(BFloat16.MAX_VALUE_BITS, BFloat16.fromFloatStochastic(BFloat16.toFloat(BFloat16.MAX_VALUE_BITS), 0xFFFF));
        assertEquals((short) 0x7F80, BFloat16.fromFloatStochastic(Float.MAX_VALUE, 0x0001));
        assertEquals(BFloat16.MAX_VALUE_BITS, BFloat16.fromFloatStochastic(Float.MAX_VALUE, 0x0000));
    }
}
