package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.internal.EngineAccess;
import vecopt.tensor.FloatTensor;

/**
 * LBFGS's kernels ({@link OptimizerKernels#dot}, {@link OptimizerKernels#axpy},
 * {@link OptimizerKernels#axpyDot}, {@link OptimizerKernels#negate}, {@link OptimizerKernels#scale},
 * {@link OptimizerKernels#subtract}, {@link OptimizerKernels#maxAbsScaled}): the same bits from scalar and Panama at every width, on awkward
 * sizes at offsets with guards around them; the fused pass gives the bits of its two passes; and a
 * whole LBFGS run (both line-search modes, several parameters, a history that wraps) is bit-identical
 * on both kernel paths.
 */
@ParityOf("LBFGS")
class LbfgsKernelParityTest {

    private static final OptimizerKernels SCALAR = ScalarOptimizerKernels.INSTANCE;
    private static final float GUARD = -7.77e7f;

    static Stream<Integer> sizes() {
        return Stream.concat(KernelParity.sizes(), Stream.of(4095, 4096, 4097, 8192, 12_289, 3 * 4096 + 31));
    }

    /** {@code n} values of magnitudes 1e-6 to 1e3 at {@code off}, guards before and after. */
    private static float[] values(int n, int off, SplittableRandom random) {
        float[] a = new float[off + n + 7];
        Arrays.fill(a, GUARD);
        for (int i = 0; i < n; i++) {
            a[off + i] = KernelParity.gradient(random);
        }
        return a;
    }

    private static void assertSameBits(double want, double got, String what) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + ": scalar " + want
                + ", panama " + got);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotIsBitIdentical(int n) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n);
        float[] x = values(n, n % 13, random);
        float[] y = values(n, n % 29, random);
        float[] xBefore = x.clone();
        float[] yBefore = y.clone();
        assertSameBits(SCALAR.dot(x, n % 13, y, n % 29, n), panama.dot(x, n % 13, y, n % 29, n), "n=" + n);
        assertArrayEquals(xBefore, x, "dot must not write");
        assertArrayEquals(yBefore, y, "dot must not write");
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void axpyIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("axpy", n, 3, (k, a, off, len, step) ->
                k.axpy(-0.37f * step, a[0], off[0], a[1], off[1], len), KernelParity.Content.GRAD,
                KernelParity.Content.SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void negateScaleAndSubtractAreBitIdentical(int n) {
        KernelParity.assertBitIdentical("negate", n, 2, (k, a, off, len, step) ->
                k.negate(a[0], off[0], a[1], off[1], len), KernelParity.Content.GRAD_NON_FINITE,
                KernelParity.Content.SIGNED);
        KernelParity.assertBitIdentical("scale", n, 2, (k, a, off, len, step) ->
                k.scale(-0.61f * step, a[0], off[0], a[1], off[1], len), KernelParity.Content.GRAD_NON_FINITE,
                KernelParity.Content.SIGNED);
        KernelParity.assertBitIdentical("subtract", n, 2, (k, a, off, len, step) ->
                k.subtract(a[0], off[0], a[1], off[1], a[2], off[2], len), KernelParity.Content.GRAD_NON_FINITE,
                KernelParity.Content.GRAD, KernelParity.Content.SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void maxAbsScaledIsBitIdenticalAndTheLargestMagnitude(int n) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(5L * n);
        float[] x = values(n, n % 11, random);
        float[] before = x.clone();
        float expected = 0;
        for (int i = 0; i < n; i++) {
            expected = Math.max(expected, Math.abs(x[n % 11 + i] * -2.5f));
        }
        assertSameBits(SCALAR.maxAbsScaled(-2.5f, x, n % 11, n), panama.maxAbsScaled(-2.5f, x, n % 11, n), "n=" + n);
        assertEquals(expected, SCALAR.maxAbsScaled(-2.5f, x, n % 11, n), "n=" + n);
        assertArrayEquals(before, x, "maxAbsScaled must not write");
        if (n > 0) {
            x[n % 11 + n - 1] = Float.intBitsToFloat(0xFFC00123); // a negative NaN, last: in the tail or a vector
            assertTrue(Float.isNaN(panama.maxAbsScaled(1f, x, n % 11, n)), "a NaN wins, n=" + n);
            assertSameBits(SCALAR.maxAbsScaled(1f, x, n % 11, n), panama.maxAbsScaled(1f, x, n % 11, n), "NaN, n=" + n);
        }
    }

    @Test
    void negateFlipsTheSignOfEveryValueNaNsIncluded() {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        float[] x = new float[67];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 5) {
                case 0 -> Float.intBitsToFloat(0x7FC00000 | i); // NaNs with payloads
                case 1 -> -0f;
                case 2 -> Float.NEGATIVE_INFINITY;
                default -> i * 0.25f - 3;
            };
        }
        for (OptimizerKernels k : List.of(SCALAR, panama)) {
            float[] out = new float[x.length];
            k.negate(x, 0, out, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]) ^ 0x80000000, Float.floatToRawIntBits(out[i]), "element " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void axpyDotIsBitIdenticalAndGivesTheBitsOfAxpyThenDot(int n) {
        SplittableRandom random = new SplittableRandom(7L * n);
        float[] x = values(n, 3, random);
        float[] z = values(n, 11, random);
        float[] y = values(n, 5, random);
        float[] fused = y.clone();
        float[] twoPasses = y.clone();
        OptimizerKernels kernels = OptimizerKernelsProvider.get();
        double product = kernels.axpyDot(1.7f, x, 3, fused, 5, z, 11, n);
        kernels.axpy(1.7f, x, 3, twoPasses, 5, n);
        assertArrayEquals(twoPasses, fused, "y after the fused pass, n=" + n);
        assertSameBits(kernels.dot(z, 11, twoPasses, 5, n), product, "the fused dot, n=" + n);
        if (kernels.name().equals("panama")) {
            float[] scalarY = y.clone();
            assertSameBits(SCALAR.axpyDot(1.7f, x, 3, scalarY, 5, z, 11, n), product, "n=" + n);
            assertArrayEquals(scalarY, fused, "n=" + n);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotIsCloseToTheExactDotAndBlockPiecesAddUpToOneCall(int n) {
        SplittableRandom random = new SplittableRandom(3L * n);
        float[] x = values(n, 0, random);
        float[] y = values(n, 0, random);
        OptimizerKernels kernels = OptimizerKernelsProvider.get();
        double got = kernels.dot(x, 0, y, 0, n);
        double exact = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) x[i] * y[i];
            magnitude += Math.abs((double) x[i] * y[i]);
        }
        // each float accumulator holds at most 128 products of a block: its rounding is within 128 ulp of its sum
        assertTrue(Math.abs(got - exact) <= 128 * Math.ulp(1f) * magnitude, "n=" + n + ": " + got + " vs " + exact);
        double pieces = 0;
        for (int b = 0; b < n; b += OptimizerKernels.SUM_OF_SQUARES_BLOCK) {
            pieces += kernels.dot(x, b, y, b, Math.min(OptimizerKernels.SUM_OF_SQUARES_BLOCK, n - b));
        }
        assertSameBits(got, pieces, "block pieces, n=" + n);
    }

    /** The dot PyTorch takes on two floats (OpenBLAS sdot): the products rounded to float, then their sum. */
    @Test
    void aDotOfTwoElementsRoundsAsTorchsFloatDot() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 10_000; trial++) {
            float[] x = {(float) random.nextGaussian(), (float) (1e3 * random.nextGaussian())};
            float[] y = {(float) random.nextGaussian(), (float) (1e-3 * random.nextGaussian())};
            float torch = x[0] * y[0] + x[1] * y[1];
            assertEquals(Float.floatToRawIntBits(torch),
                    Float.floatToRawIntBits((float) OptimizerKernelsProvider.get().dot(x, 0, y, 0, 2)),
                    Arrays.toString(x) + " . " + Arrays.toString(y));
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nonFiniteElementsGiveTheSameDotOnBothPaths(int n) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom random = new SplittableRandom(n + 9);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = KernelParity.nonFiniteGradient(random);
            y[i] = KernelParity.gradient(random);
        }
        double want = SCALAR.dot(x, 0, y, 0, n);
        double got = panama.dot(x, 0, y, 0, n);
        assertEquals(Double.isNaN(want), Double.isNaN(got), "n=" + n + ": scalar " + want + ", panama " + got);
        if (!Double.isNaN(want)) {
            assertSameBits(want, got, "n=" + n);
        }
    }

    static Stream<Map<String, Object>> options() {
        return Stream.of(Map.of("history_size", 3, "max_iter", 6, "lr", 0.5),
                Map.of("line_search_fn", "strong_wolfe", "history_size", 4, "max_iter", 7));
    }

    /**
     * A quartic bowl over three parameters (33, 4099 and 257 elements, views at offsets): every step of
     * LBFGS on the Panama kernels leaves the bits the scalar kernels leave, in parameters and state.
     */
    @ParameterizedTest
    @MethodSource("options")
    void lbfgsRunsBitIdenticallyOnBothKernelPaths(Map<String, Object> kwargs) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        List<Parameter> a = model();
        List<Parameter> b = model();
        Optimizer onScalar = EngineAccess.stateHooks().fromTorch("LBFGS", a, kwargs, SCALAR);
        Optimizer onPanama = EngineAccess.stateHooks().fromTorch("LBFGS", b, kwargs, panama);
        for (int step = 1; step <= 5; step++) {
            assertSameBits(onScalar.step(() -> quartic(a)), onPanama.step(() -> quartic(b)), "loss of step " + step);
            for (int k = 0; k < a.size(); k++) {
                String what = kwargs + " step " + step + " " + a.get(k).name();
                assertArrayEquals(a.get(k).value().array(), b.get(k).value().array(), what + " (guards included)");
                ParameterState sa = onScalar.state(a.get(k).name());
                ParameterState sb = onPanama.state(b.get(k).name());
                assertEquals(sa.scalars(), sb.scalars(), what + " scalars");
                for (String buffer : sa.buffers().keySet()) {
                    assertArrayEquals(sa.buffer(buffer), sb.buffer(buffer), what + " " + buffer);
                }
            }
        }
        assertTrue(onScalar.state("a").scalar("n_iter") > 12, "the history of 3 or 4 pairs wrapped");
    }

    private static List<Parameter> model() {
        List<Parameter> ps = new ArrayList<>();
        int[] sizes = {33, 4099, 257};
        for (int k = 0; k < sizes.length; k++) {
            float[] value = new float[sizes[k] + 8];
            float[] grad = new float[sizes[k] + 8];
            Arrays.fill(value, GUARD);
            SplittableRandom random = new SplittableRandom(k);
            for (int i = 0; i < sizes[k]; i++) {
                value[3 + i] = (float) random.nextGaussian();
            }
            ps.add(new Parameter(String.valueOf((char) ('a' + k)), FloatTensor.view(value, 3, sizes[k]),
                    FloatTensor.view(grad, 3, sizes[k])));
        }
        return ps;
    }

    /** {@code sum c_i (w_i - 0.3)^2 / 2 + (w_i - 0.3)^4 / 4}, c_i from 0.5 to 20 by position. */
    private static double quartic(List<Parameter> ps) {
        double f = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                double c = 0.5 + (i % 40) / 2.0;
                double e = p.value().getFlat(i) - 0.3;
                f += c * e * e / 2 + e * e * e * e / 4;
                p.grad().setFlat(i, (float) (c * e + e * e * e));
            }
        }
        return f;
    }
}
