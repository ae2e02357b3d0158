package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vecopt.tensor.QuantizationMap;

/**
 * {@link QuantizationRegions}: wherever it does not flag a value, its code is the binary search's,
 * and it flags few of the values scaled moments take. (The same held for all 2^32 float bit patterns
 * when checked once outside the suite; see docs/storage.md.)
 */
class QuantizationRegionsTest {

    private static final QuantizationMap[] MAPS = {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()};

    private static void assertCodeOrFlag(QuantizationMap map, QuantizationRegions regions, float x) {
        int code = regions.encodeOrFlag(x);
        if (code >= 0) {
            assertEquals(map.encode(x), code, () -> "x=" + x + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
        }
    }

    @Test
    void givesTheBinarySearchsCodeAroundEveryMidpoint() {
        for (QuantizationMap map : MAPS) {
            QuantizationRegions regions = new QuantizationRegions(map);
            for (float x : Midpoints.around(map, 200, true)) {
                assertCodeOrFlag(map, regions, x);
            }
        }
    }

    @Test
    void givesTheBinarySearchsCodeAcrossAllFloats() {
        for (QuantizationMap map : MAPS) {
            QuantizationRegions regions = new QuantizationRegions(map);
            // every 61st bit pattern: all exponents, signs, NaNs, infinities and subnormals among them
            for (long bits = 0; bits < 1L << 32; bits += 61) {
                assertCodeOrFlag(map, regions, Float.intBitsToFloat((int) bits));
            }
            for (float x : new float[] {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
                    -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                    Float.intBitsToFloat(0xFFC00000), Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0x7FFFFFFF)}) {
                assertCodeOrFlag(map, regions, x);
            }
        }
    }

    @Test
    void flagsFewScaledMoments() {
        SplittableRandom rng = new SplittableRandom(3);
        for (QuantizationMap map : MAPS) {
            QuantizationRegions regions = new QuantizationRegions(map);
            boolean signed = map.value(0) < 0;
            int flagged = 0;
            int n = 1_000_000;
            for (int i = 0; i < n; i++) {
                // a moment over its block's absolute maximum: magnitudes spread over several decades
                double magnitude = Math.exp(-Math.abs(rng.nextGaussian()) * 4);
                float x = (float) (signed && rng.nextBoolean() ? -magnitude : magnitude);
                flagged += regions.encodeOrFlag(x) < 0 ? 1 : 0;
            }
            assertTrue(flagged < n / 1000, flagged + " of " + n + " flagged");
        }
    }

    @Test
    void neverFlagsZeroOrTheLargestCode() {
        for (QuantizationMap map : MAPS) {
            QuantizationRegions regions = new QuantizationRegions(map);
            assertEquals(map.encode(0f), regions.encodeOrFlag(0f));
            assertEquals(map.encode(-0f), regions.encodeOrFlag(-0f));
            assertEquals(255, regions.encodeOrFlag(1f));
        }
    }
}
