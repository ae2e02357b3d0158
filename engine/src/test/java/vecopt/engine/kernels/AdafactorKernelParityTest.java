package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Adafactor;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Adafactor's five kernels give the same bits on the scalar and the Panama implementation: the row and
 * column sums, the two sums of squares (whose 32 lanes are the same at every width), the factored and
 * the vector updates, with and without the first moment, value clipping and non-finite gradients, on
 * awkward shapes at random offsets; nothing outside the ranges is written.
 */
@ParityOf("Adafactor")
class AdafactorKernelParityTest {

    private static final float GUARD = -7.77e7f;

    /** Rows and columns around the 32 lanes and the vector widths. */
    static Stream<Arguments> shapes() {
        return Stream.of(new int[][] {{1, 1}, {1, 7}, {3, 33}, {7, 31}, {2, 64}, {5, 65}, {16, 17}, {33, 100},
                {4, 257}, {1, 4099}, {64, 129}, {9, 1021}}).map(s -> Arguments.of(s[0], s[1]));
    }

    /**
     * Coefficients at a first step (weight 1: the second lerp form) and a fifth (weight 0.28: the first),
     * the gradient scaled by {@code gradScale} (norm clipping's coefficient; 1 without).
     */
    static AdafactorCoefficients coefficients(long step, boolean momentum, boolean maximize, float clip,
                                              float gradScale) {
        Hyperparameters h = Adafactor.defaults().withValues(Map.of("beta1", momentum ? 0.9 : 0.0,
                "maximize", maximize ? 1.0 : 0.0, "weight_decay", 0.1, "eps1", 1e-3));
        return AdafactorCoefficients.forStep(h, step, new StepContext(gradScale, clip));
    }

    /** An array of {@code n} values at a random offset, guards around. */
    private record Slot(float[] array, int offset, int n) {
        static Slot of(int n, SplittableRandom r, java.util.function.DoubleSupplier values) {
            int offset = r.nextInt(40);
            float[] a = new float[offset + n + 1 + r.nextInt(20)];
            Arrays.fill(a, GUARD);
            for (int i = 0; i < n; i++) {
                a[offset + i] = (float) values.getAsDouble();
            }
            return new Slot(a, offset, n);
        }

        Slot copy() {
            return new Slot(array.clone(), offset, n);
        }
    }

    private static float gradient(SplittableRandom r, boolean nonFinite) {
        return nonFinite ? KernelParity.nonFiniteGradient(r) : KernelParity.gradient(r);
    }

    private static void assertSameBits(String what, Slot want, Slot got) {
        for (int i = 0; i < want.array.length; i++) {
            float w = want.array[i];
            float g = got.array[i];
            if (i < want.offset || i >= want.offset + want.n) {
                assertEquals(Float.floatToRawIntBits(GUARD), Float.floatToRawIntBits(g), what + ": guard " + i + " written");
                assertEquals(Float.floatToRawIntBits(GUARD), Float.floatToRawIntBits(w), what + ": guard " + i + " written");
            }
            if (Float.isNaN(w) && Float.isNaN(g)) {
                continue;
            }
            assertEquals(Float.floatToRawIntBits(w), Float.floatToRawIntBits(g),
                    what + " element " + (i - want.offset) + ": scalar " + w + ", panama " + g);
        }
    }

    private static void assertSameSums(String what, double[] want, double[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i]) && Double.isNaN(got[i])) {
                continue;
            }
            assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                    what + " sum " + i + ": scalar " + want[i] + ", panama " + got[i]);
        }
    }

    /**
     * Scaled and clamped gradients, and unscaled unclamped ones (gradScale 1, and -1 to maximize), which
     * take the Panama kernels' shorter loops on rows whose products stay below 1 / eps1.
     */
    static Stream<Arguments> cases() {
        float none = Float.POSITIVE_INFINITY;
        return shapes().flatMap(a -> Stream.of(
                Arguments.of(a.get()[0], a.get()[1], 1L, false, false, none, false, 0.75f),
                Arguments.of(a.get()[0], a.get()[1], 5L, true, true, 0.5f, false, 0.75f),
                Arguments.of(a.get()[0], a.get()[1], 5L, false, false, none, true, 0.75f),
                Arguments.of(a.get()[0], a.get()[1], 5L, false, false, none, false, 1f),
                Arguments.of(a.get()[0], a.get()[1], 5L, false, true, none, false, 1f),
                Arguments.of(a.get()[0], a.get()[1], 1L, true, false, none, true, 1f)));
    }

    @ParameterizedTest(name = "{0}x{1} step {2} momentum {3} maximize {4} clip {5} non-finite {6} scale {7}")
    @MethodSource("cases")
    void factoredKernelsAreBitIdentical(int rows, int cols, long step, boolean momentum, boolean maximize, float clip,
                                        boolean nonFinite, float gradScale) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        OptimizerKernels scalar = ScalarOptimizerKernels.INSTANCE;
        AdafactorCoefficients c = coefficients(step, momentum, maximize, clip, gradScale);
        SplittableRandom r = new SplittableRandom(31L * rows + cols + step);
        int n = rows * cols;
        Slot g = Slot.of(n, r, () -> gradient(r, nonFinite));
        Slot p = Slot.of(n, r, r::nextGaussian);
        Slot m = Slot.of(n, r, r::nextGaussian);
        // rows with a zero, an infinite or a large factor (products above 1 / eps1 = 1000: the min applies)
        Slot rowScale = Slot.of(rows, r, () -> r.nextInt(8) == 0 ? new double[] {0, Double.POSITIVE_INFINITY, 5e3}[r.nextInt(3)]
                : Math.abs(r.nextGaussian()));
        Slot colScale = Slot.of(cols, r, () -> r.nextInt(8) == 0 ? (nonFinite && r.nextBoolean() ? Double.NaN : 0)
                : Math.abs(r.nextGaussian()));
        Slot rowSums = Slot.of(rows, r, () -> 0);
        Slot colSums = Slot.of(cols, r, r::nextDouble);
        String what = rows + "x" + cols;

        Slot rowSumsP = rowSums.copy();
        Slot colSumsP = colSums.copy();
        scalar.adafactorSquareSums(g.array, g.offset, rows, cols, rowSums.array, rowSums.offset, colSums.array,
                colSums.offset, c);
        panama.adafactorSquareSums(g.array, g.offset, rows, cols, rowSumsP.array, rowSumsP.offset, colSumsP.array,
                colSumsP.offset, c);
        assertSameBits(what + " row sums", rowSums, rowSumsP);
        assertSameBits(what + " column sums", colSums, colSumsP);

        double[] sums = new double[5];
        double[] sumsP = new double[5];
        scalar.adafactorFactoredSquares(p.array, p.offset, g.array, g.offset, rows, cols, rowScale.array,
                rowScale.offset, colScale.array, colScale.offset, sums, 3, c);
        panama.adafactorFactoredSquares(p.array, p.offset, g.array, g.offset, rows, cols, rowScale.array,
                rowScale.offset, colScale.array, colScale.offset, sumsP, 3, c);
        assertSameSums(what + " squares", sums, sumsP);

        Slot pP = p.copy();
        Slot mP = m.copy();
        float stepSize = (float) (0.01 * r.nextDouble());
        scalar.adafactorFactoredUpdate(p.array, p.offset, g.array, g.offset, momentum ? m.array : null, m.offset, rows,
                cols, rowScale.array, rowScale.offset, colScale.array, colScale.offset, stepSize, c);
        panama.adafactorFactoredUpdate(pP.array, pP.offset, g.array, g.offset, momentum ? mP.array : null, mP.offset,
                rows, cols, rowScale.array, rowScale.offset, colScale.array, colScale.offset, stepSize, c);
        assertSameBits(what + " parameter", p, pP);
        assertSameBits(what + " exp_avg", m, mP);
    }

    @ParameterizedTest(name = "{0}x{1} step {2} momentum {3} maximize {4} clip {5} non-finite {6} scale {7}")
    @MethodSource("cases")
    void vectorKernelsAreBitIdentical(int rows, int cols, long step, boolean momentum, boolean maximize, float clip,
                                      boolean nonFinite, float gradScale) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        OptimizerKernels scalar = ScalarOptimizerKernels.INSTANCE;
        AdafactorCoefficients c = coefficients(step, momentum, maximize, clip, gradScale);
        SplittableRandom r = new SplittableRandom(17L * rows + cols + step);
        int n = rows * cols;
        Slot g = Slot.of(n, r, () -> gradient(r, nonFinite));
        Slot p = Slot.of(n, r, r::nextGaussian);
        Slot m = Slot.of(n, r, r::nextGaussian);
        Slot v = Slot.of(n, r, () -> r.nextInt(8) == 0 ? 0 : Math.abs(r.nextGaussian()));
        Slot vP = v.copy();
        String what = "vector of " + n;
        double[] sums = new double[2];
        double[] sumsP = new double[2];
        scalar.adafactorVectorSquares(p.array, p.offset, g.array, g.offset, v.array, v.offset, n, sums, 0, c);
        panama.adafactorVectorSquares(p.array, p.offset, g.array, g.offset, vP.array, vP.offset, n, sumsP, 0, c);
        assertSameBits(what + " variance", v, vP);
        assertSameSums(what + " squares", sums, sumsP);

        Slot pP = p.copy();
        Slot mP = m.copy();
        float stepSize = (float) (0.01 * r.nextDouble());
        scalar.adafactorVectorUpdate(p.array, p.offset, g.array, g.offset, v.array, v.offset,
                momentum ? m.array : null, m.offset, n, stepSize, c);
        panama.adafactorVectorUpdate(pP.array, pP.offset, g.array, g.offset, v.array, v.offset,
                momentum ? mP.array : null, mP.offset, n, stepSize, c);
        assertSameBits(what + " parameter", p, pP);
        assertSameBits(what + " exp_avg", m, mP);
        assertArrayEquals(v.array, vP.array, "the update reads the variance only");
    }
}
