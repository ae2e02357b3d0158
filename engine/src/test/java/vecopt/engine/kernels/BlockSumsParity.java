package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The per-block sums of squares of the trust-ratio kernels ({@link OptimizerKernels#lambMoments},
 * {@link OptimizerKernels#larsSumsOfSquares}): the same bits from scalar and Panama, and from one call and
 * from calls over block-aligned pieces, each writing its own blocks' sums.
 */
final class BlockSumsParity {

    static final int BLOCK = OptimizerKernels.SUM_OF_SQUARES_BLOCK;

    /** What the elements of the arrays hold. */
    enum Values {
        /** The parity tests' values: N(0, 1) parameters, gradients from 1e-6 to 1e3. */
        ORDINARY,
        /** Parameters near 1e20, whose squares overflow float32. */
        HUGE,
        /** Parameters near 1e-25, whose squares vanish in float32. */
        TINY
    }

    /** One call of a first pass over {@code [off, off + n)} of every array, its sums from {@code sums[sumsOff]}. */
    interface Call {
        void run(OptimizerKernels kernels, float[][] arrays, int off, int n, double[] sums, int sumsOff);
    }

    private BlockSumsParity() {
    }

    /** Sums per block of {@code n} elements: two per block. */
    static double[] sums(int n) {
        return new double[2 * ((n + BLOCK - 1) / BLOCK)];
    }

    /** The 2-norm from every second sum starting at {@code first}, added in block order. */
    static double norm(double[] sums, int first) {
        double s = 0;
        for (int i = first; i < sums.length; i += 2) {
            s += sums[i];
        }
        return Math.sqrt(s);
    }

    /**
     * {@code count} arrays of {@code n} elements at offset 5 (parameters first, then gradients, then
     * non-negative state), run on scalar and Panama and in block-aligned pieces: every sum and every
     * array the same bits.
     */
    static void assertBitIdentical(String what, int n, int count, Values values, Call call) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(7L * n + what.hashCode() + values.ordinal());
        int off = 5;
        float[][] arrays = new float[count][off + n + 3];
        for (int i = 0; i < n; i++) {
            double scale = switch (values) {
                case ORDINARY -> 1;
                case HUGE -> 1e20;
                case TINY -> 1e-25;
            };
            arrays[0][off + i] = (float) (scale * random.nextGaussian());
            arrays[1][off + i] = KernelParity.gradient(random);
            for (int a = 2; a < count; a++) {
                arrays[a][off + i] = (float) Math.abs(random.nextGaussian()) * (a == 2 ? 0.1f : 0.01f);
            }
        }
        float[][] scalarArrays = deepCopy(arrays);
        float[][] panamaArrays = deepCopy(arrays);
        float[][] pieceArrays = deepCopy(arrays);
        double[] scalarSums = sums(n);
        double[] panamaSums = sums(n);
        double[] pieceSums = sums(n);
        call.run(ScalarOptimizerKernels.INSTANCE, scalarArrays, off, n, scalarSums, 0);
        call.run(panama, panamaArrays, off, n, panamaSums, 0);
        for (int b = 0; b < n; b += 2 * BLOCK) { // pieces of two blocks, as a split at block multiples gives
            call.run(panama, pieceArrays, off + b, Math.min(2 * BLOCK, n - b), pieceSums, 2 * (b / BLOCK));
        }
        assertSameBits(scalarSums, panamaSums, what + " n=" + n + ": scalar and panama sums");
        assertSameBits(panamaSums, pieceSums, what + " n=" + n + ": sums of one call and of pieces");
        for (int a = 0; a < count; a++) {
            assertArrayEquals(scalarArrays[a], panamaArrays[a], what + " n=" + n + ": array " + a);
            assertArrayEquals(panamaArrays[a], pieceArrays[a], what + " n=" + n + ": array " + a + " of pieces");
        }
    }

    private static void assertSameBits(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                    what + ": sum " + i + " is " + got[i] + ", want " + want[i]);
        }
    }

    private static float[][] deepCopy(float[][] arrays) {
        return Arrays.stream(arrays).map(float[]::clone).toArray(float[][]::new);
    }
}
