package vecopt.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {

    /** The value of positive binary16 bits from the format's definition, in double. */
    private static double value(int bits) {
        int e = (bits >>> 10) & 0x1F;
        int f = bits & 0x3FF;
        return e == 0 ? f * 0x1p-24 : (1024 + f) * Math.pow(2, e - 25);
    }

    @Test
    void wideningMatchesTheFormatDefinitionForEveryFiniteValue() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7C00) == 0x7C00) {
                continue;
            }
            double expected = ((h & 0x8000) != 0 ? -1 : 1) * value(h & 0x7FFF);
            assertEquals(expected, Float16.toFloat((short) h), 0, "bits " + Integer.toHexString(h));
        }
    }

    @Test
    void nearestEvenRoundsTiesToEvenAndNeighboursOfTiesToTheNearer() {
        for (int lo = 0; lo < Float16.MAX_VALUE_BITS; lo++) {
            float mid = (float) ((value(lo) + value(lo + 1)) / 2); // 12 significant bits: exact in float
            int even = (lo & 1) == 0 ? lo : lo + 1;
            assertEquals((short) even, Float16.fromFloat(mid), "tie above " + Integer.toHexString(lo));
            assertEquals((short) lo, Float16.fromFloat(Math.nextDown(mid)));
            assertEquals((short) (lo + 1), Float16.fromFloat(Math.nextUp(mid)));
            assertEquals((short) (0x8000 | lo), Float16.fromFloat(-Math.nextDown(mid)));
        }
    }

    @Test
    void overflowInfinitiesZerosAndNaN() {
        assertEquals((short) 0x7BFF, Float16.fromFloat(65519.99f));
        assertEquals((short) 0x7C00, Float16.fromFloat(65520f)); // the tie with 65536 goes to infinity
        assertEquals((short) 0xFC00, Float16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x8000, Float16.fromFloat(-0f));
        assertEquals((short) 0x0000, Float16.fromFloat(0x1p-25f)); // tie between 0 and 2^-24: even, 0
        assertEquals((short) 0x0001, Float16.fromFloat(Math.nextUp(0x1p-25f)));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloatStochastic(Float.intBitsToFloat(0xFF800001), 7))));
        assertEquals((short) 0x7C00, Float16.fromFloatStochastic(Float.POSITIVE_INFINITY, 0));
        assertEquals((short) 0xFC00, Float16.fromFloatStochastic(-1e6f, 0));
        assertEquals((short) 0x8000, Float16.fromFloatStochastic(-0f, -1));
    }

    @Test
    void stochasticRoundingReturnsRepresentableValuesUnchanged() {
        SplittableRandom random = new SplittableRandom(1);
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7C00) == 0x7C00) {
                continue;
            }
            assertEquals((short) h, Float16.fromFloatStochastic(Float16.toFloat((short) h), random.nextInt()));
        }
    }

    @Test
    void stochasticRoundingPicksOneOfTheTwoNeighbours() {
        SplittableRandom random = new SplittableRandom(2);
        for (int k = 0; k < 1_000_000; k++) {
            float x = (float) (random.nextDouble(-1, 1) * Math.pow(2, random.nextInt(-30, 17)));
            int h = Float16.fromFloatStochastic(x, random.nextInt()) & 0xFFFF;
            assertEquals(x < 0 || (x == 0 && 1 / x < 0) ? 0x8000 : 0, h & 0x8000, "sign of " + x);
            int nearest = Float16.fromFloat(Math.abs(x));
            int mag = h & 0x7FFF;
            assertTrue(Math.abs(mag - nearest) <= 1, "x=" + x + " gave " + Integer.toHexString(h));
            double a = Math.abs(x);
            assertTrue(mag == 0x7C00 ? a > 65504 : Math.abs(value(mag) - a) < Math.pow(2, Math.getExponent(a) - 9) + 0x1p-24,
                    "x=" + x + " gave " + Integer.toHexString(h));
        }
    }

    @Test
    void stochasticRoundingGoesUpForTheFractionOfRandomValues() {
        // Normal, subnormal and beyond-the-largest values; all 2^24 values of the deciding bits.
        float[] xs = {1.0001f, -3.14159f, 1000.3f, 0x1.8p-20f + 0x1p-30f, 7e-8f, 65510f, 65535f};
        for (float x : xs) {
            double a = Math.abs(x);
            int lo = Float16.fromFloat((float) a);
            if (lo == 0x7C00 || value(lo) > a) {
                lo--;
            }
            double hiValue = lo == Float16.MAX_VALUE_BITS ? 65536 : value(lo + 1);
            double fraction = (a - value(lo)) / (hiValue - value(lo));
            long expectedUp = (long) Math.ceil(fraction * 0x1p24);
            long up = 0;
            for (int r = 0; r < 1 << 24; r++) {
                int mag = Float16.fromFloatStochastic(x, (r << 8) | 0x5A) & 0x7FFF;
                up += mag == lo + 1 ? 1 : 0;
            }
            assertEquals(expectedUp, up, "x=" + x);
        }
    }
}
