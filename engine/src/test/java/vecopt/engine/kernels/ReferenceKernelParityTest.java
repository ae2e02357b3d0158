package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmarks' reference kernels do what their javadoc says, bit for bit, over
 * {@code [from, from + n)} only; skipped where the Panama kernels are not enabled.
 */
class ReferenceKernelParityTest {

    private static final float GUARD = -7.77e7f;
    private static final float C = 1e-3f;

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void streamingKernelsApplyOneFmaPerWrittenArray(int n) {
        KernelParity.panamaOrSkip();
        for (int written = 1; written <= 4; written++) {
            SplittableRandom random = new SplittableRandom(n * 7L + written);
            int from = random.nextInt(40);
            float[][] x = new float[written + 1][];
            for (int a = 0; a <= written; a++) {
                x[a] = filled(from, n, random);
            }
            float[][] expected = Arrays.stream(x).map(float[]::clone).toArray(float[][]::new);
            float[] r = expected[written];
            for (int a = 0; a < written; a++) {
                for (int i = from; i < from + n; i++) {
                    expected[a][i] = Math.fma(C, r[i], expected[a][i]);
                }
            }
            switch (written) {
                case 1 -> ReferenceKernels.read2Write1(x[0], x[1], from, n, C);
                case 2 -> ReferenceKernels.read3Write2(x[0], x[1], x[2], from, n, C);
                case 3 -> ReferenceKernels.read4Write3(x[0], x[1], x[2], x[3], from, n, C);
                default -> ReferenceKernels.read5Write4(x[0], x[1], x[2], x[3], x[4], from, n, C);
            }
            for (int a = 0; a <= written; a++) {
                assertSameBits("read" + (written + 1) + "Write" + written + " array " + a, expected[a], x[a]);
            }
        }
    }

    /** The passes of the trust-ratio rules' references: two read-only arrays, added, then one FMA per written array. */
    @ParameterizedTest
    @MethodSource("sizes")
    void passKernelsAddTheirTwoReadOnlyArraysIntoEveryWrittenOne(int n) {
        KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n * 11L);
        int from = random.nextInt(40);
        float[] a = filled(from, n, random);
        float[] b = filled(from, n, random);
        float[] r = filled(from, n, random);
        float[] s = filled(from, n, random);
        float[] wantA = a.clone();
        float[] wantB = b.clone();
        for (int i = from; i < from + n; i++) {
            wantA[i] = Math.fma(C, r[i] + s[i], wantA[i]);
            wantB[i] = Math.fma(C, r[i] + s[i], wantB[i]);
        }
        float[] rBefore = r.clone();
        float[] sBefore = s.clone();
        float[] one = a.clone();
        ReferenceKernels.read3Write1(one, r, s, from, n, C);
        assertSameBits("read3Write1", wantA, one);
        ReferenceKernels.read4Write2(a, b, r, s, from, n, C);
        assertSameBits("read4Write2 a", wantA, a);
        assertSameBits("read4Write2 b", wantB, b);
        assertSameBits("read-only r", rBefore, r);
        assertSameBits("read-only s", sBefore, s);
        double dot = 0;
        double magnitude = 0;
        for (int i = from; i < from + n; i++) {
            dot += (double) a[i] * r[i];
            magnitude += Math.abs((double) a[i] * r[i]);
        }
        assertEquals(dot, ReferenceKernels.read2Write0(a, r, from, n), 1e-5 * magnitude + 1e-30, "read2Write0");
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sqrtDivideDividesBySqrtPlusEps(int n) {
        KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n);
        int from = random.nextInt(40);
        float[] out = filled(from, n, random);
        float[] a = filled(from, n, random);
        float[] b = filled(from, n, random);
        for (int i = from; i < from + n; i++) {
            b[i] = Math.abs(b[i]);
        }
        float[] expected = out.clone();
        for (int i = from; i < from + n; i++) {
            expected[i] = a[i] / ((float) Math.sqrt(b[i]) + 1e-8f);
        }
        float[] aBefore = a.clone();
        float[] bBefore = b.clone();
        ReferenceKernels.sqrtDivide(out, a, b, from, n, 1e-8f);
        assertSameBits("sqrtDivide out", expected, out);
        assertSameBits("sqrtDivide a", aBefore, a);
        assertSameBits("sqrtDivide b", bBefore, b);
    }

    @Test
    void runsTheForcedWidthOrElseTheWidestTheHardwareHas() {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        int expected = KernelSettings.REQUESTED_BIT_SIZE != 0 ? panama.vectorBitSize()
                : jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        assertEquals(expected, ReferenceKernels.vectorBitSize());
        for (OptimizerKernels k : KernelParity.panamaInUse()) {
            assertTrue(ReferenceKernels.vectorBitSize() >= k.vectorBitSize(), "a bound narrower than " + k.vectorBitSize()
                    + "-bit kernels");
        }
    }

    /** An array with {@code n} random values at {@code from} and guards around them. */
    private static float[] filled(int from, int n, SplittableRandom random) {
        float[] array = new float[from + n + 1 + random.nextInt(40)];
        Arrays.fill(array, GUARD);
        for (int i = from; i < from + n; i++) {
            array[i] = (float) random.nextGaussian();
        }
        return array;
    }

    private static void assertSameBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
            }
        }
    }
}
