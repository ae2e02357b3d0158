package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vecopt.tensor.QuantizationMap;

/**
 * The Panama kernels' 8-bit codec on its own, at this run's width: the vector encoder gives
 * {@link QuantizationMap#encode}'s code for every threshold and its neighbouring floats, both zeros,
 * subnormals, ±1, NaN, infinities and millions of random floats; the decoder gives
 * {@code value(code) * scale} for every code under every kind of scale.
 */
class PanamaCodec8bitTest {

    private static void assumePanama() {
        assumeTrue(CompressedStateKernels.get().name().equals("panama"), "Panama kernels are not enabled in this run");
    }

    /** Floats an encoder must get right: around every threshold, the edge cases, then random ones. */
    private static float[] encoderInputs(QuantizationMap map, int random) {
        List<Float> xs = new ArrayList<>();
        for (float x : Midpoints.around(map, 2, false)) {
            xs.add(x);
        }
        for (float x : new float[] {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
                -Float.MIN_NORMAL, 0x1p-23f, -0x1p-23f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xFFC00000), Float.intBitsToFloat(0x7F800001),
                Float.intBitsToFloat(0xFF800001)}) {
            xs.add(x);
            xs.add(Math.nextUp(x));
            xs.add(Math.nextDown(x));
        }
        SplittableRandom rng = new SplittableRandom(7);
        for (int k = 0; k < random; k++) {
            xs.add(switch (k % 4) {
                case 0 -> Float.intBitsToFloat(rng.nextInt()); // any bits
                case 1 -> Float.MIN_VALUE * rng.nextInt(1 << 23) * (rng.nextBoolean() ? 1 : -1); // subnormals
                default -> (float) rng.nextDouble(-1.01, 1.01); // what scaled moments are
            });
        }
        float[] a = new float[xs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = xs.get(i);
        }
        return a;
    }

    @Test
    void encodesEveryKindOfFloatAsTheBinarySearch() {
        assumePanama();
        int[][] tables = {PanamaCompressedStateKernels.SIGNED_PACKED, PanamaCompressedStateKernels.UNSIGNED_PACKED};
        QuantizationMap[] maps = {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()};
        int[] work = new int[64];
        for (int which = 0; which < 2; which++) {
            float[] x = encoderInputs(maps[which], 3_000_000);
            // absmax 1: the encoder multiplies by 1 / 1 = 1, so it sees each input as it is
            byte[] byLookup = new byte[x.length + 2];
            PanamaCompressedStateKernels.encodeByLookup(tables[which], x, 0, x.length, 1f, work, byLookup, 1);
            byte[] inBlocks = new byte[x.length + 2]; // as the kernels call it: a block of 256 at a time
            for (int start = 0; start < x.length; start += 256) {
                PanamaCompressedStateKernels.encode(which == 0, x, start, Math.min(256, x.length - start), 1f, work,
                        inBlocks, 1 + start);
            }
            for (byte[] codes : new byte[][] {byLookup, inBlocks}) {
                for (int i = 0; i < x.length; i++) {
                    int expected = maps[which].encode(x[i]);
                    int index = i;
                    assertEquals(expected, codes[1 + i] & 0xFF, () -> "x=" + x[index]
                            + " (bits " + Integer.toHexString(Float.floatToRawIntBits(x[index])) + ")");
                }
                assertEquals(0, codes[0], "nothing written before the codes");
                assertEquals(0, codes[codes.length - 1], "nothing written after the codes");
            }
        }
    }

    /**
     * The vector loop of {@link PanamaCompressedStateKernels#encodeByRegions} is its scalar
     * specification, {@link QuantizationRegions#encodeOrFlag}, lane for lane: it reports a flag exactly
     * when some lane's specification does, and otherwise writes the binary search's codes.
     */
    @Test
    void regionEncoderFlagsExactlyWhatItsSpecificationFlags() {
        assumePanama();
        assumeTrue(PanamaCompressedStateKernels.WIDE_CODEC, "the region encoder runs on 512-bit hardware only");
        QuantizationMap[] maps = {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()};
        QuantizationRegions[] regions = {PanamaCompressedStateKernels.SIGNED_REGIONS,
            PanamaCompressedStateKernels.UNSIGNED_REGIONS};
        for (int which = 0; which < 2; which++) {
            float[] x = encoderInputs(maps[which], 1_000_000);
            byte[] codes = new byte[16];
            int clean = 0;
            int vectors = 0;
            for (int start = 0; start + 16 <= x.length; start += 16, vectors++) {
                boolean anyFlag = false;
                for (int k = 0; k < 16; k++) {
                    anyFlag |= regions[which].encodeOrFlag(x[start + k]) < 0;
                }
                boolean done = PanamaCompressedStateKernels.encodeByRegions(regions[which], x, start, 16, 1f, codes, 0);
                int at = start;
                assertEquals(!anyFlag, done, () -> "vector at " + at);
                if (done) {
                    clean++;
                    for (int k = 0; k < 16; k++) {
                        int index = at + k;
                        assertEquals(maps[which].encode(x[index]), codes[k] & 0xFF, () -> "x=" + x[index]);
                    }
                }
            }
            // most vectors take the fast path: all random ones (the inputs begin with midpoints and edge cases, flagged on purpose)
            assertTrue(clean > 0.9 * vectors, clean + " of " + vectors + " vectors unflagged");
        }
    }

    @Test
    void encodesScaledValuesAsTheBinarySearch() {
        assumePanama();
        SplittableRandom rng = new SplittableRandom(11);
        int[] work = new int[64];
        for (float absmax : new float[] {1f, 3.7f, 1e-30f, 7e35f, 0f, Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] x = new float[1000];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * (Float.isFinite(absmax) && absmax > 0 ? absmax / 4 : 1));
            }
            x[3] = Float.NaN;
            x[5] = Float.NEGATIVE_INFINITY;
            byte[] expected = new byte[x.length];
            byte[] actual = new byte[x.length];
            float inv = vecopt.tensor.BlockwiseQuantizer.inverseScale(absmax);
            for (int i = 0; i < x.length; i++) {
                expected[i] = (byte) QuantizationMap.dynamicSigned().encode(x[i] * inv); // the binary search
            }
            float[] inside = new float[x.length + 9]; // the same values from an odd offset of a longer array
            System.arraycopy(x, 0, inside, 7, x.length);
            PanamaCompressedStateKernels.encode(true, inside, 7, x.length, absmax, work, actual, 0);
            assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual), "absmax " + absmax);
        }
    }

    @Test
    void decodesEveryCodeAsTheTableTimesTheScale() {
        assumePanama();
        assertDecodesEveryCode("decode", 1, (signed, codes, at, len, scale, out, outAt) -> {
            PanamaCompressedStateKernels.decode(signed, codes, at, len, scale, out, outAt);
            return len;
        });
    }

    @Test
    void bytePlaneDecoderGivesTheTablesBits() {
        assumePanama(); // runs on any CPU: without VBMI the JDK's byte lookups run in Java, slowly but exactly
        assertDecodesEveryCode("decodeByPlanes", 64, (signed, codes, at, len, scale, out, outAt) ->
                PanamaCompressedStateKernels.decodeByPlanes(signed ? PanamaCompressedStateKernels.SIGNED_PLANES
                        : PanamaCompressedStateKernels.UNSIGNED_PLANES, codes, at, len, scale, out, outAt));
    }

    @Test
    void registerDecoderGivesTheTablesBits() {
        assumePanama();
        assertDecodesEveryCode("decodeInRegisters", 16, (signed, codes, at, len, scale, out, outAt) ->
                PanamaCompressedStateKernels.decodeInRegisters(signed ? PanamaCompressedStateKernels.SIGNED_BITS
                        : PanamaCompressedStateKernels.UNSIGNED_BITS, codes, at, len, scale, out, outAt));
    }

    /** One of the decoders: decodes a prefix of {@code len} codes and returns its length. */
    private interface Decoder {
        int decode(boolean signed, byte[] codes, int at, int len, float scale, float[] out, int outAt);
    }

    /**
     * Every code (twice, from an odd offset) at several lengths and scales, against the map's own
     * values; the decoder does whole groups of {@code group} codes and leaves the rest.
     */
    private static void assertDecodesEveryCode(String name, int group, Decoder decoder) {
        byte[] codes = new byte[3 + 2 * 256 + 5];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i * 37 + 11);
        }
        QuantizationMap[] maps = {QuantizationMap.dynamicSigned(), QuantizationMap.dynamicUnsigned()};
        for (int which = 0; which < 2; which++) {
            for (float scale : new float[] {1f, 0.37f, 0f, -0f, 3e38f, 1e-40f, Float.NaN, Float.POSITIVE_INFINITY}) {
                for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 100, 128, 515}) { // 100: all three decoders
                    float[] out = new float[2 + len + 1]; // written from out[2]
                    java.util.Arrays.fill(out, 42f);
                    int done = decoder.decode(which == 0, codes, 3, len, scale, out, 2);
                    assertEquals(len - len % group, done, name + ": whole groups of " + group + " codes of " + len);
                    for (int k = 0; k < done; k++) {
                        float expected = maps[which].value(codes[3 + k] & 0xFF) * scale;
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[2 + k]),
                                name + ": code " + (codes[3 + k] & 0xFF) + " scale " + scale + " len " + len);
                    }
                    assertEquals(42f, out[0], "nothing written before the codes");
                    assertEquals(42f, out[1], "nothing written before the codes");
                    for (int k = 2 + done; k < out.length; k++) {
                        assertEquals(42f, out[k], name + " wrote past the codes it did, at " + k);
                    }
                }
            }
        }
    }
}
