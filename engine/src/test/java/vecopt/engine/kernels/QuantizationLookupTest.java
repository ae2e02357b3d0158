package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vecopt.tensor.QuantizationMap;

/** The one-lookup encoder gives the binary search's code for every kind of float. */
class QuantizationLookupTest {

    private static final QuantizationMap[] MAPS = {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()};

    private static void assertSameCode(QuantizationMap map, QuantizationLookup lookup, float x) {
        assertEquals(map.encode(x), lookup.encode(x), () -> "x=" + x + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
    }

    @Test
    void agreesWithTheBinarySearchAroundEveryThreshold() {
        for (QuantizationMap map : MAPS) {
            QuantizationLookup lookup = new QuantizationLookup(map);
            for (float x : Midpoints.around(map, 3, false)) {
                assertSameCode(map, lookup, x);
            }
        }
    }

    @Test
    void agreesWithTheBinarySearchAtEveryBucketEdge() {
        for (QuantizationMap map : MAPS) {
            QuantizationLookup lookup = new QuantizationLookup(map);
            for (int upper = 0; upper < 1 << 16; upper++) { // every bucket, the shared ones' too
                int first = upper << 16;
                for (int bits : new int[] {first, first + 1, first + 0xFFFF, first + 0xFFFE, first + 0x8000}) {
                    assertSameCode(map, lookup, Float.intBitsToFloat(bits));
                }
            }
        }
    }

    @Test
    void agreesWithTheBinarySearchOnSpecialAndRandomFloats() {
        SplittableRandom random = new SplittableRandom(42);
        for (QuantizationMap map : MAPS) {
            QuantizationLookup lookup = new QuantizationLookup(map);
            for (float x : new float[] {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
                    -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                    Float.intBitsToFloat(0xFFC00000), Float.intBitsToFloat(0x7F800001), 0x1p-23f, -0x1p-23f,
                    Float.MIN_NORMAL, -Float.MIN_NORMAL, Math.nextDown(Float.MIN_NORMAL), 2f, -2f}) {
                for (float y : new float[] {x, Math.nextUp(x), Math.nextDown(x)}) {
                    assertSameCode(map, lookup, y);
                }
            }
            for (int k = 0; k < 4_000_000; k++) {
                float x = k % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextDouble(-1.5, 1.5);
                assertSameCode(map, lookup, x);
            }
        }
    }
}
