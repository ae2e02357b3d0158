package vecopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockwiseQuantizerTest {

    /** How many of {@code map}'s values have magnitudes in {@code (lo, hi]} and sign {@code sign}. */
    private static int count(QuantizationMap map, double lo, double hi, int sign) {
        int n = 0;
        for (float v : map.values()) {
            if (Math.signum(v) == sign && Math.abs(v) > lo && Math.abs(v) <= hi) {
                n++;
            }
        }
        return n;
    }

    @Test
    void signedDynamicMapHasTheTreeLayoutOfThePaper() {
        QuantizationMap map = QuantizationMap.dynamicSigned();
        float[] v = map.values();
        for (int i = 1; i < 256; i++) {
            assertTrue(v[i - 1] < v[i], "ascending at " + i);
        }
        // E leading zeros, an indicator bit, 6 - E fraction bits: 2^(6-E) values per decade and sign.
        for (int e = 0; e <= 6; e++) {
            double hi = Math.pow(10, -e) * 0.999;
            double lo = Math.pow(10, -e - 1);
            assertEquals(1 << (6 - e), count(map, lo, hi, 1), "positive decade 10^-" + e);
            assertEquals(1 << (6 - e), count(map, lo, hi, -1), "negative decade 10^-" + e);
        }
        assertEquals(1f, v[255]);
        assertEquals(-(float) (0.1 + 0.9 * 63.5 / 64), v[0]);
        assertEquals(1, count(map, 0, 1e-6, 1)); // E = 6: no fraction bits, the midpoint of [0.1, 1] times 10^-6
        assertEquals((float) (0.55 * 1e-6), v[128]);
        assertEquals(0f, v[127]);
    }

    @Test
    void unsignedDynamicMapSpendsTheSignBitOnFractions() {
        QuantizationMap map = QuantizationMap.dynamicUnsigned();
        float[] v = map.values();
        assertEquals(0f, v[0]);
        assertEquals(1f, v[255]);
        for (int e = 0; e <= 6; e++) {
            assertEquals(1 << (7 - e), count(map, Math.pow(10, -e - 1), Math.pow(10, -e) * 0.999, 1), "decade 10^-" + e);
        }
    }

    @Test
    void encodeFindsTheNearestValue() {
        SplittableRandom random = new SplittableRandom(8);
        for (QuantizationMap map : new QuantizationMap[] {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()}) {
            float[] v = map.values();
            for (int k = 0; k < 200_000; k++) {
                float x = (float) (random.nextBoolean() ? random.nextDouble(-1, 1)
                        : Math.copySign(Math.pow(10, -random.nextDouble(0, 8)), random.nextDouble(-1, 1)));
                double best = Double.POSITIVE_INFINITY;
                for (float value : v) {
                    best = Math.min(best, Math.abs((double) value - x));
                }
                double got = Math.abs((double) v[map.encode(x)] - x);
                assertTrue(got <= best + Math.ulp(x), "x=" + x + " got error " + got + ", best " + best);
            }
        }
    }

    @Test
    void roundTripErrorIsWithinHalfAGapOfTheMapTimesAbsmax() {
        SplittableRandom random = new SplittableRandom(9);
        BlockwiseQuantizer q = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), 256);
        int n = 256 * 40 + 17;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * Math.pow(10, (i / 256) % 7 - 3));
        }
        byte[] codes = new byte[n];
        float[] absmax = new float[(int) q.blocks(n)];
        q.quantize(x, 0, codes, 0, absmax, 0, n);
        float[] y = new float[n];
        q.dequantize(codes, 0, absmax, 0, y, 0, n);
        float[] v = QuantizationMap.dynamicSigned().values();
        for (int i = 0; i < n; i++) {
            double a = absmax[i / 256];
            double r = Math.abs(x[i]) / a;
            // Largest half gap among the values around r, times absmax, plus float rounding.
            double halfGap = 0;
            for (int c = 1; c < 256; c++) {
                if (Math.abs(v[c]) >= r * 0.999 || Math.abs(v[c - 1]) >= r * 0.999) {
                    halfGap = Math.max(halfGap, (v[c] - (double) v[c - 1]) / 2);
                }
            }
            double bound = r >= 0.1 ? 0.9 / 64 / 2 : halfGap; // in the top decade the gaps are 0.9/64
            assertTrue(Math.abs(y[i] - x[i]) <= bound * a * (1 + 1e-5) + 1e-6 * Math.ulp(a) + Math.ulp(x[i]),
                    "element " + i + ": " + x[i] + " -> " + y[i] + " (absmax " + a + ")");
        }
    }

    @Test
    void largestMagnitudeOfEachBlockIsExactAndScalesAreAbsmax() {
        BlockwiseQuantizer q = new BlockwiseQuantizer(QuantizationMap.dynamicUnsigned(), 4);
        float[] x = {0.5f, 3f, 0.001f, 2f, 7f, 1e-3f, 0f, 0f, 9f};
        byte[] codes = new byte[9];
        float[] absmax = new float[3];
        q.quantize(x, 0, codes, 0, absmax, 0, 9);
        assertArrayEquals(new float[] {3f, 7f, 9f}, absmax);
        float[] y = new float[9];
        q.dequantize(codes, 0, absmax, 0, y, 0, 9);
        assertEquals(3f, y[1]);
        assertEquals(7f, y[4]);
        assertEquals(9f, y[8]); // a last block of one element
        assertEquals(0f, y[6]);
    }

    @Test
    void zeroBlockDecodesToZerosWithScaleZero() {
        BlockwiseQuantizer q = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), 8);
        float[] x = new float[8];
        x[3] = -0f;
        byte[] codes = new byte[8];
        float[] absmax = {Float.NaN};
        q.quantize(x, 0, codes, 0, absmax, 0, 8);
        assertEquals(0f, absmax[0]);
        float[] y = new float[8];
        q.dequantize(codes, 0, absmax, 0, y, 0, 8);
        for (float f : y) {
            assertEquals(0f, Math.abs(f));
        }
    }

    @Test
    void nonFiniteValuesPoisonTheirOwnBlockOnly() {
        BlockwiseQuantizer q = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), 4);
        float[] x = {1f, Float.NaN, 2f, 3f, 1f, 2f, Float.POSITIVE_INFINITY, 4f, 0.5f, -0.25f, 1f, 0.75f};
        byte[] codes = new byte[12];
        float[] absmax = new float[3];
        q.quantize(x, 0, codes, 0, absmax, 0, 12);
        float[] y = new float[12];
        q.dequantize(codes, 0, absmax, 0, y, 0, 12);
        for (int i = 0; i < 8; i++) {
            assertTrue(!Float.isFinite(y[i]), "element " + i + " of a poisoned block decoded to " + y[i]);
        }
        assertEquals(1f, y[10]);
        assertEquals(0.5f, y[8], 0.5 * 0.01);
        assertEquals(-0.25f, y[9], 0.25 * 0.01);
    }

    @Test
    void offsetsSelectTheRangesAndLeaveTheRestAlone() {
        BlockwiseQuantizer q = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), 3);
        float[] x = {99f, 1f, -1f, 0.5f, 0.2f, 99f};
        byte[] codes = {7, 7, 7, 7, 7, 7};
        float[] absmax = {-1f, -1f, -1f, -1f};
        q.quantize(x, 1, codes, 2, absmax, 1, 4);
        assertEquals(7, codes[0]);
        assertEquals(7, codes[1]);
        assertArrayEquals(new float[] {-1f, 1f, 0.2f, -1f}, absmax);
        assertEquals(6 + 4 * 2, q.storageBytes(6));
    }

    @Test
    void rejectsBadArguments() {
        assertEquals("blockSize must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BlockwiseQuantizer(null, 256));
    }
}
