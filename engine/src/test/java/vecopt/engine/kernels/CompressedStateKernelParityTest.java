package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.Float16;

/**
 * Scalar against Panama for the compressed-state kernels: parameters, codes, scales and guards bit
 * for bit, over several steps, at offsets, with the vector width of this run.
 */
class CompressedStateKernelParityTest {

    private static final float GUARD = -7.77e7f;
    private static final short SHORT_GUARD = 0x5A5A;
    private static final byte BYTE_GUARD = 0x5B;

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    private static CompressedStateKernels panamaOrSkip() {
        CompressedStateKernels k = CompressedStateKernels.get();
        assumeTrue(k.name().equals("panama"), "Panama kernels are not enabled in this run");
        return k;
    }

    private static AdamCoefficients coefficients(int step, boolean decoupled) {
        return AdamKernelParityTest.coefficients(step, 1e-2, 0.9, 0.999, 1e-8, decoupled ? 0.1 : 1e-3, decoupled, false);
    }

    private static float[] filled(SplittableRandom random, int off, int n, boolean gradient) {
        float[] a = new float[off + n + 5];
        Arrays.fill(a, GUARD);
        for (int i = 0; i < n; i++) {
            a[off + i] = gradient ? KernelParity.gradient(random) : (float) random.nextGaussian();
        }
        return a;
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWithBf16MomentsIsBitIdenticalRoundingToNearestAndStochastically(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        for (boolean stochastic : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(n * 7L + (stochastic ? 1 : 0));
            int pOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int index = random.nextInt(20); // odd ones too: the random bits come in pairs
            float[] p1 = filled(random, pOff, n, false);
            float[] p2 = p1.clone();
            short[] m1 = new short[index + n + 3];
            Arrays.fill(m1, SHORT_GUARD);
            Arrays.fill(m1, index, index + n, (short) 0);
            short[] v1 = m1.clone();
            short[] m2 = m1.clone();
            short[] v2 = m1.clone();
            for (int step = 1; step <= 4; step++) {
                float[] g = filled(random, gOff, n, true);
                AdamCoefficients c = coefficients(step, step % 2 == 0);
                StateRounding r = stochastic ? StateRounding.stochastic(11, 3, step) : StateRounding.NEAREST_EVEN;
                CompressedStateKernels.scalar().adamBf16(p1, pOff, g, gOff, m1, v1, index, n, c, r);
                panama.adamBf16(p2, pOff, g, gOff, m2, v2, index, n, c, r);
                String where = "n=" + n + " step " + step + (stochastic ? " stochastic" : " nearest");
                assertEquals(Arrays.toString(m1), Arrays.toString(m2), "m " + where);
                assertEquals(Arrays.toString(v1), Arrays.toString(v2), "v " + where);
                assertSameBits(p1, p2, "p " + where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWith8BitMomentsIsBitIdenticalForSeveralBlockSizes(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        for (int blockSize : new int[] {256, 64, 100}) {
            SplittableRandom random = new SplittableRandom(n * 13L + blockSize);
            int pOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int firstBlock = random.nextInt(3);
            int index = firstBlock * blockSize;
            int blocks = (n + blockSize - 1) / blockSize;
            float[] p1 = filled(random, pOff, n, false);
            float[] p2 = p1.clone();
            byte[] m1 = new byte[index + n + 3];
            Arrays.fill(m1, BYTE_GUARD);
            Arrays.fill(m1, index, index + n, (byte) 0);
            byte[] v1 = m1.clone();
            byte[] m2 = m1.clone();
            byte[] v2 = m1.clone();
            float[] ms1 = new float[firstBlock + blocks + 2];
            Arrays.fill(ms1, GUARD);
            Arrays.fill(ms1, firstBlock, firstBlock + blocks, 0f);
            float[] vs1 = ms1.clone();
            float[] ms2 = ms1.clone();
            float[] vs2 = ms1.clone();
            for (int step = 1; step <= 4; step++) {
                float[] g = filled(random, gOff, n, true);
                AdamCoefficients c = coefficients(step, step % 2 == 1);
                CompressedStateKernels.scalar().adam8bit(p1, pOff, g, gOff, m1, ms1, v1, vs1, index, n, blockSize, c);
                panama.adam8bit(p2, pOff, g, gOff, m2, ms2, v2, vs2, index, n, blockSize, c);
                String where = "n=" + n + " block " + blockSize + " step " + step;
                assertEquals(Arrays.toString(m1), Arrays.toString(m2), "m codes " + where);
                assertEquals(Arrays.toString(v1), Arrays.toString(v2), "v codes " + where);
                assertSameBits(ms1, ms2, "m scales " + where);
                assertSameBits(vs1, vs2, "v scales " + where);
                assertSameBits(p1, p2, "p " + where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWith8BitMomentsIsBitIdenticalWhenGradientsAreNotFinite(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n * 19L);
        float[] p1 = filled(random, 0, n, false);
        float[] p2 = p1.clone();
        byte[] m1 = new byte[n];
        byte[] v1 = new byte[n];
        byte[] m2 = new byte[n];
        byte[] v2 = new byte[n];
        int blocks = (n + 255) / 256;
        float[] ms1 = new float[blocks];
        float[] vs1 = new float[blocks];
        float[] ms2 = new float[blocks];
        float[] vs2 = new float[blocks];
        for (int step = 1; step <= 3; step++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = KernelParity.nonFiniteGradient(random);
            }
            AdamCoefficients c = coefficients(step, false);
            CompressedStateKernels.scalar().adam8bit(p1, 0, g, 0, m1, ms1, v1, vs1, 0, n, 256, c);
            panama.adam8bit(p2, 0, g, 0, m2, ms2, v2, vs2, 0, n, 256, c);
            String where = "n=" + n + " step " + step;
            assertEquals(Arrays.toString(m1), Arrays.toString(m2), "m codes " + where);
            assertEquals(Arrays.toString(v1), Arrays.toString(v2), "v codes " + where);
            assertSameBitsOrBothNaN(ms1, ms2, "m scales " + where);
            assertSameBitsOrBothNaN(vs1, vs2, "v scales " + where);
            assertSameBitsOrBothNaN(p1, p2, "p " + where);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void mixedPrecisionAdamIsBitIdenticalRoundingToNearestAndStochastically(int n) {
        assertMixedAdamParity(n, true, 17L);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void mixedPrecisionAdamWithFloat32GradientsIsBitIdenticalRoundingToNearestAndStochastically(int n) {
        assertMixedAdamParity(n, false, 23L);
    }

    /**
     * Four steps of mixed-precision Adam on both implementations, rounding to nearest and then
     * stochastically, from loss-scaled gradients in bfloat16 or float32 (the two kernel overloads),
     * one step clipped; weights, master and moments compared bit for bit after every step.
     */
    private static void assertMixedAdamParity(int n, boolean bf16Gradients, long seedFactor) {
        CompressedStateKernels panama = panamaOrSkip();
        for (boolean stochastic : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(n * seedFactor + (stochastic ? 1 : 0));
            int wOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int index = random.nextInt(20);
            float[] master1 = filled(random, index, n, false);
            float[] master2 = master1.clone();
            short[] w1 = new short[wOff + n + 3];
            java.util.Arrays.fill(w1, SHORT_GUARD);
            short[] w2 = w1.clone();
            float[] m1 = new float[index + n + 3];
            Arrays.fill(m1, GUARD);
            Arrays.fill(m1, index, index + n, 0f);
            float[] v1 = m1.clone();
            float[] m2 = m1.clone();
            float[] v2 = m1.clone();
            for (int step = 1; step <= 4; step++) {
                float[] g = filled(random, gOff, n, true);
                for (int i = 0; i < g.length; i++) {
                    g[i] *= 1024f; // loss-scaled, undone by gradScale
                }
                AdamCoefficients base = coefficients(step, step % 2 == 0);
                AdamCoefficients c = new AdamCoefficients(base.gradScale() / 1024f, base.weightDecay(), base.paramScale(),
                        base.beta1(), base.oneMinusBeta1(), base.beta2(), base.oneMinusBeta2(), base.invSqrtBias2(),
                        base.eps(), base.negStepSize(), step == 3 ? 0.5f : Float.POSITIVE_INFINITY);
                StateRounding r = stochastic ? StateRounding.stochastic(3, 9, step) : StateRounding.NEAREST_EVEN;
                if (bf16Gradients) {
                    short[] gb = new short[g.length];
                    for (int i = 0; i < g.length; i++) {
                        gb[i] = vecopt.tensor.BFloat16.fromFloat(g[i]);
                    }
                    CompressedStateKernels.scalar().adamMixedBf16(w1, wOff, gb, gOff, master1, m1, v1, index, n, c, r);
                    panama.adamMixedBf16(w2, wOff, gb, gOff, master2, m2, v2, index, n, c, r);
                } else {
                    CompressedStateKernels.scalar().adamMixedBf16(w1, wOff, g, gOff, master1, m1, v1, index, n, c, r);
                    panama.adamMixedBf16(w2, wOff, g, gOff, master2, m2, v2, index, n, c, r);
                }
                String where = "n=" + n + " step " + step + (stochastic ? " stochastic" : " nearest");
                assertEquals(Arrays.toString(w1), Arrays.toString(w2), "weights " + where);
                assertSameBits(master1, master2, "master " + where);
                assertSameBits(m1, m2, "m " + where);
                assertSameBits(v1, v2, "v " + where);
            }
        }
    }

    /**
     * Values a master copy may hold: normal ones of many magnitudes, ties and near-ties of both
     * types, signed zeros, subnormals of both, values beyond float16's 65504, infinities and NaNs.
     */
    private static float[] masterValues(SplittableRandom random, int off, int n) {
        float[] a = new float[off + n + 5];
        Arrays.fill(a, GUARD);
        for (int i = 0; i < n; i++) {
            a[off + i] = switch (random.nextInt(12)) {
                case 0 -> Float.intBitsToFloat(random.nextInt()); // any bits, NaNs with payloads included
                case 1 -> Float.intBitsToFloat((random.nextInt() & 0xFFFF0000) | 0x8000); // a bfloat16 tie
                case 2 -> Float16.toFloat((short) random.nextInt(0x7C00)) + 0x1p-25f * (random.nextBoolean() ? 1 : -1);
                case 3 -> random.nextBoolean() ? 0f : -0f;
                case 4 -> (float) (random.nextDouble() * 0x1p-14); // float16 subnormals
                case 5 -> Float.MIN_VALUE * random.nextInt(1 << 20); // float32 subnormals
                case 6 -> (float) (65504 + random.nextDouble() * 64) * (random.nextBoolean() ? 1 : -1);
                case 7 -> random.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                default -> (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-6, 6)));
            };
        }
        return a;
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void roundingToBf16AndFp16IsBitIdenticalToNearestAndStochastically(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        for (boolean stochastic : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(n * 37L + (stochastic ? 1 : 0));
            int srcOff = random.nextInt(20);
            int dstOff = random.nextInt(20);
            int index = random.nextInt(20); // odd ones too: the random bits come in pairs
            float[] master = masterValues(random, srcOff, n);
            StateRounding r = stochastic ? StateRounding.stochastic(7, 4, 12) : StateRounding.NEAREST_EVEN;
            for (boolean float16 : new boolean[] {false, true}) {
                short[] w1 = new short[dstOff + n + 3];
                Arrays.fill(w1, SHORT_GUARD);
                short[] w2 = w1.clone();
                if (float16) {
                    CompressedStateKernels.scalar().roundFp16(master, srcOff, w1, dstOff, index, n, r);
                    panama.roundFp16(master, srcOff, w2, dstOff, index, n, r);
                } else {
                    CompressedStateKernels.scalar().roundBf16(master, srcOff, w1, dstOff, index, n, r);
                    panama.roundBf16(master, srcOff, w2, dstOff, index, n, r);
                }
                assertEquals(Arrays.toString(w1), Arrays.toString(w2), (float16 ? "fp16" : "bf16") + " n=" + n
                        + (stochastic ? " stochastic" : " nearest"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void wideningBf16AndFp16IsBitIdenticalForEveryBitPattern(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n * 41L);
        int srcOff = random.nextInt(20);
        int dstOff = random.nextInt(20);
        short[] bits = new short[srcOff + n + 3];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (short) random.nextInt(); // NaNs, infinities, subnormals and zeros of both types among them
        }
        for (boolean float16 : new boolean[] {false, true}) {
            float[] x1 = new float[dstOff + n + 5];
            Arrays.fill(x1, GUARD);
            float[] x2 = x1.clone();
            if (float16) {
                CompressedStateKernels.scalar().widenFp16(bits, srcOff, x1, dstOff, n);
                panama.widenFp16(bits, srcOff, x2, dstOff, n);
            } else {
                CompressedStateKernels.scalar().widenBf16(bits, srcOff, x1, dstOff, n);
                panama.widenBf16(bits, srcOff, x2, dstOff, n);
            }
            assertSameBits(x1, x2, (float16 ? "fp16" : "bf16") + " n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void roundingTheMasterToBf16GivesTheWeightsOfTheFusedMixedAdamKernel(int n) {
        for (CompressedStateKernels kernels : List.of(CompressedStateKernels.scalar(), CompressedStateKernels.get())) {
            for (boolean stochastic : new boolean[] {false, true}) {
                SplittableRandom random = new SplittableRandom(n * 43L + (stochastic ? 1 : 0));
                int index = random.nextInt(20);
                float[] master = filled(random, index, n, false);
                float[] m = new float[index + n];
                float[] v = new float[index + n];
                short[] fused = new short[n];
                float[] g = filled(random, 0, n, true);
                StateRounding r = stochastic ? StateRounding.stochastic(3, 9, 2) : StateRounding.NEAREST_EVEN;
                kernels.adamMixedBf16(fused, 0, g, 0, master, m, v, index, n, coefficients(1, false), r);
                short[] rounded = new short[n];
                kernels.roundBf16(master, index, rounded, 0, index, n, r);
                assertEquals(Arrays.toString(fused), Arrays.toString(rounded), kernels.name() + " n=" + n
                        + (stochastic ? " stochastic" : " nearest"));
            }
        }
    }

    /** SGD's coefficients: a first step, plain, dampened, Nesterov, clipped and maximizing by turns. */
    private static SgdCoefficients sgd(int step) {
        return switch (step % 4) {
            case 1 -> new SgdCoefficients(-0.05f, 1f, 1e-3f, 0f, 1f, 1f, 0f);           // the buffer's first use
            case 2 -> new SgdCoefficients(-0.05f, 1f, 1e-3f, 0.9f, 0.9f, 1f, 0f);       // dampening 0.1
            case 3 -> new SgdCoefficients(-0.05f, -0.7f, 0f, 0.9f, 1f, 0.9f, 1f, 0.5f); // Nesterov, maximize, clip
            default -> new SgdCoefficients(-0.05f, 1f, 1e-2f, 0.99f, 1f, 1f, 0f);
        };
    }

    /** Lion's coefficients: with and without decay, clipping and maximizing on odd steps. */
    private static LionCoefficients lion(int step) {
        return step % 2 == 1
                ? new LionCoefficients(-0.8f, 1f - 1e-4f * 0.1f, 0.9f, 0.1f, 0.99f, 0.01f, -1e-4f, 0.5f)
                : new LionCoefficients(1f, 1f, 0.95f, 0.05f, 0.98f, 0.02f, -3e-4f);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sgdWithABf16MomentumBufferIsBitIdenticalRoundingToNearestAndStochastically(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        for (boolean stochastic : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(n * 19L + (stochastic ? 1 : 0));
            int pOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int index = random.nextInt(20); // odd ones too: the random bits come in pairs
            float[] p1 = filled(random, pOff, n, false);
            float[] p2 = p1.clone();
            short[] b1 = new short[index + n + 3];
            Arrays.fill(b1, SHORT_GUARD);
            Arrays.fill(b1, index, index + n, (short) 0x8000); // -0, as a new buffer
            short[] b2 = b1.clone();
            for (int step = 1; step <= 5; step++) {
                float[] g = filled(random, gOff, n, true);
                StateRounding r = stochastic ? StateRounding.stochastic(5, 2, step) : StateRounding.NEAREST_EVEN;
                CompressedStateKernels.scalar().sgdMomentumBf16(p1, pOff, g, gOff, b1, index, n, sgd(step), r);
                panama.sgdMomentumBf16(p2, pOff, g, gOff, b2, index, n, sgd(step), r);
                String where = "n=" + n + " step " + step + (stochastic ? " stochastic" : " nearest");
                assertEquals(Arrays.toString(b1), Arrays.toString(b2), "b " + where);
                assertSameBits(p1, p2, "p " + where);
            }
        }
    }

    /** One step of a kernel with one 8-bit buffer ({@code codes}, {@code scales}) of the given block size. */
    @FunctionalInterface
    private interface OneBuffer8bitStep {
        void step(CompressedStateKernels kernels, float[] p, int pOff, float[] g, int gOff, byte[] codes, float[] scales,
                  int index, int n, int blockSize, int step);
    }

    /**
     * Scalar against Panama for a kernel with one 8-bit buffer: {@code steps} steps for block sizes 256,
     * 64 and 100, starting on a random block, at random offsets, guards around every array.
     */
    private static void assertOneBuffer8bitParity(int n, long seed, int steps, OneBuffer8bitStep kernel) {
        CompressedStateKernels panama = panamaOrSkip();
        for (int blockSize : new int[] {256, 64, 100}) {
            SplittableRandom random = new SplittableRandom(seed + blockSize);
            int pOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int firstBlock = random.nextInt(3);
            int index = firstBlock * blockSize;
            int blocks = (n + blockSize - 1) / blockSize;
            float[] p1 = filled(random, pOff, n, false);
            float[] p2 = p1.clone();
            byte[] b1 = new byte[index + n + 3];
            Arrays.fill(b1, BYTE_GUARD);
            Arrays.fill(b1, index, index + n, (byte) 0);
            byte[] b2 = b1.clone();
            float[] s1 = new float[firstBlock + blocks + 2];
            Arrays.fill(s1, GUARD);
            Arrays.fill(s1, firstBlock, firstBlock + blocks, 0f);
            float[] s2 = s1.clone();
            for (int step = 1; step <= steps; step++) {
                float[] g = filled(random, gOff, n, true);
                kernel.step(CompressedStateKernels.scalar(), p1, pOff, g, gOff, b1, s1, index, n, blockSize, step);
                kernel.step(panama, p2, pOff, g, gOff, b2, s2, index, n, blockSize, step);
                String where = "n=" + n + " block " + blockSize + " step " + step;
                assertEquals(Arrays.toString(b1), Arrays.toString(b2), "codes " + where);
                assertSameBits(s1, s2, "scales " + where);
                assertSameBits(p1, p2, "p " + where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sgdWithAn8BitMomentumBufferIsBitIdenticalForSeveralBlockSizes(int n) {
        assertOneBuffer8bitParity(n, n * 23L, 5, (k, p, pOff, g, gOff, b, s, index, len, blockSize, step) ->
                k.sgdMomentum8bit(p, pOff, g, gOff, b, s, index, len, blockSize, sgd(step)));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lionWithABf16MomentumIsBitIdenticalRoundingToNearestAndStochastically(int n) {
        CompressedStateKernels panama = panamaOrSkip();
        for (boolean stochastic : new boolean[] {false, true}) {
            SplittableRandom random = new SplittableRandom(n * 29L + (stochastic ? 1 : 0));
            int pOff = random.nextInt(20);
            int gOff = random.nextInt(20);
            int index = random.nextInt(20);
            float[] p1 = filled(random, pOff, n, false);
            float[] p2 = p1.clone();
            short[] m1 = new short[index + n + 3];
            Arrays.fill(m1, SHORT_GUARD);
            Arrays.fill(m1, index, index + n, (short) 0);
            short[] m2 = m1.clone();
            for (int step = 1; step <= 4; step++) {
                float[] g = filled(random, gOff, n, true);
                if (step == 2 && n > 3) {
                    g[gOff] = 0f;      // with m = 0: sign(+0) = +0, the parameter only decays
                    g[gOff + 1] = -0f;
                }
                StateRounding r = stochastic ? StateRounding.stochastic(8, 1, step) : StateRounding.NEAREST_EVEN;
                CompressedStateKernels.scalar().lionBf16(p1, pOff, g, gOff, m1, index, n, lion(step), r);
                panama.lionBf16(p2, pOff, g, gOff, m2, index, n, lion(step), r);
                String where = "n=" + n + " step " + step + (stochastic ? " stochastic" : " nearest");
                assertEquals(Arrays.toString(m1), Arrays.toString(m2), "m " + where);
                assertSameBits(p1, p2, "p " + where);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lionWithAn8BitMomentumIsBitIdenticalForSeveralBlockSizes(int n) {
        assertOneBuffer8bitParity(n, n * 31L, 4, (k, p, pOff, g, gOff, m, s, index, len, blockSize, step) ->
                k.lion8bit(p, pOff, g, gOff, m, s, index, len, blockSize, lion(step)));
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " scalar " + want[i] + ", panama " + got[i]);
            }
        }
    }

    /** As {@link #assertSameBits}, but two NaNs agree whatever their payloads (the hardware picks those). */
    private static void assertSameBitsOrBothNaN(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            boolean bothNaN = Float.isNaN(want[i]) && Float.isNaN(got[i]);
            if (!bothNaN && Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " scalar " + want[i] + ", panama " + got[i]);
            }
        }
    }
}
