package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OptimizerKernels#sumOfSquares}: the same bits from scalar and Panama at every width, from one
 * call and from block-aligned pieces, close to the exact sum, non-finite exactly when an element is.
 */
class SumOfSquaresKernelParityTest {

    private static final OptimizerKernels SCALAR = ScalarOptimizerKernels.INSTANCE;

    static Stream<Integer> sizes() {
        return Stream.concat(KernelParity.sizes(), Stream.of(4095, 4096, 4097, 8192, 12_289, 3 * 4096 + 31));
    }

    /** Gradients of the parity tests at a random offset, with guard values around them. */
    private static float[] gradients(int n, int off, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] g = new float[off + n + 9];
        Arrays.fill(g, 1e30f);
        for (int i = 0; i < n; i++) {
            g[off + i] = KernelParity.gradient(random);
        }
        return g;
    }

    private static void assertSameBits(double want, double got, String what) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                what + ": scalar " + want + ", panama " + got);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void panamaReturnsTheScalarBits(int n) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        int off = n % 37;
        float[] g = gradients(n, off, n);
        float[] before = g.clone();
        assertSameBits(SCALAR.sumOfSquares(g, off, n), panama.sumOfSquares(g, off, n), "n=" + n);
        assertArrayEquals(before, g, "sumOfSquares must not write");
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void panamaReturnsTheScalarBitsWithNonFiniteElements(int n) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n + 5);
        float[] g = new float[n + 3];
        for (int i = 0; i < n; i++) {
            g[3 + i] = KernelParity.nonFiniteGradient(random);
        }
        double want = SCALAR.sumOfSquares(g, 3, n);
        double got = panama.sumOfSquares(g, 3, n);
        assertEquals(Double.isNaN(want), Double.isNaN(got), "n=" + n + ": scalar " + want + ", panama " + got);
        if (!Double.isNaN(want)) {
            assertSameBits(want, got, "n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void blockAlignedPiecesAddedInOrderGiveTheBitsOfOneCall(int n) {
        float[] g = gradients(n, 5, 3L * n);
        OptimizerKernels kernels = OptimizerKernelsProvider.get();
        double pieces = 0;
        for (int b = 0; b < n; b += OptimizerKernels.SUM_OF_SQUARES_BLOCK) {
            pieces += kernels.sumOfSquares(g, 5 + b, Math.min(OptimizerKernels.SUM_OF_SQUARES_BLOCK, n - b));
        }
        assertEquals(Double.doubleToRawLongBits(kernels.sumOfSquares(g, 5, n)), Double.doubleToRawLongBits(pieces));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void blockSumsAreEachBlocksSumOfSquaresOnBothKernels(int n) {
        float[] g = gradients(n, 7, 5L * n);
        int block = OptimizerKernels.SUM_OF_SQUARES_BLOCK;
        int blocks = (n + block - 1) / block;
        for (OptimizerKernels kernels : new OptimizerKernels[] {SCALAR, OptimizerKernelsProvider.get()}) {
            double[] sums = new double[blocks + 3];
            Arrays.fill(sums, -1);
            kernels.blockSumsOfSquares(g, 7, n, sums, 2);
            assertEquals(-1, sums[0], kernels.name() + ": wrote before its first slot");
            assertEquals(-1, sums[1], kernels.name() + ": wrote before its first slot");
            assertEquals(-1, sums[blocks + 2], kernels.name() + ": wrote past its last slot");
            for (int b = 0; b < blocks; b++) {
                double want = SCALAR.sumOfSquares(g, 7 + b * block, Math.min(block, n - b * block));
                assertSameBits(want, sums[2 + b], kernels.name() + " n=" + n + " block " + b);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void isWithinFloatAccumulationErrorOfTheExactSum(int n) {
        float[] g = gradients(n, 2, 7L * n);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) g[2 + i] * g[2 + i];
        }
        for (OptimizerKernels kernels : new OptimizerKernels[] {SCALAR, OptimizerKernelsProvider.get()}) {
            double got = kernels.sumOfSquares(g, 2, n);
            assertEquals(exact, got, 1e-5 * exact, kernels.name() + " n=" + n);
        }
    }

    @Test
    void isZeroForNoElements() {
        assertEquals(0.0, OptimizerKernelsProvider.get().sumOfSquares(new float[3], 3, 0));
    }

    @Test
    void aNaNAnywhereMakesItNaNAndAnInfinityInfinite() {
        for (OptimizerKernels kernels : new OptimizerKernels[] {SCALAR, OptimizerKernelsProvider.get()}) {
            for (int at : new int[] {0, 5, 31, 32, 4095, 4096, 9000}) {
                float[] g = gradients(9001, 0, at);
                g[at] = Float.NaN;
                assertTrue(Double.isNaN(kernels.sumOfSquares(g, 0, 9001)), kernels.name() + " NaN at " + at);
                g[at] = Float.NEGATIVE_INFINITY;
                assertEquals(Double.POSITIVE_INFINITY, kernels.sumOfSquares(g, 0, 9001), kernels.name() + " -inf at " + at);
            }
        }
    }

    @Test
    void aFloatOverflowIsSummedAgainInDoubleAndStaysFinite() {
        float[] g = gradients(5000, 0, 11);
        g[7] = 3e19f;                  // its square, 9e38, overflows float
        g[7 + 32] = -2e19f;            // same accumulator
        g[4500] = Float.MAX_VALUE;
        double exact = 0;
        for (float x : g) {
            exact += (double) x * x;
        }
        for (OptimizerKernels kernels : new OptimizerKernels[] {SCALAR, OptimizerKernelsProvider.get()}) {
            double got = kernels.sumOfSquares(g, 0, g.length);
            assertTrue(Double.isFinite(got), kernels.name() + " gave " + got);
            assertEquals(exact, got, 1e-12 * exact, kernels.name());
        }
        assertEquals(Double.doubleToRawLongBits(SCALAR.sumOfSquares(g, 0, g.length)),
                Double.doubleToRawLongBits(OptimizerKernelsProvider.get().sumOfSquares(g, 0, g.length)));
    }

}
