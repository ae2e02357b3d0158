package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Muon;
import vecopt.engine.StepContext;

/**
 * Muon's kernels give the same bits on the scalar and the Panama implementation: the momentum, the
 * update, the matrix products (whose inner products are summed in one fixed order at every vector
 * width) and so the whole Newton–Schulz orthogonalization, on awkward shapes; nothing outside the
 * ranges is written.
 */
@ParityOf("Muon")
class MuonKernelParityTest {

    private static final float GUARD = -7.77e7f;

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    static MuonCoefficients coefficients(double momentum, boolean nesterov, float clip) {
        Hyperparameters h = Muon.defaults().withValues(Map.of("momentum", momentum, "nesterov", nesterov ? 1.0 : 0.0,
                "lr", 0.02));
        return MuonCoefficients.forStep(h, 1, new StepContext(0.5f, clip), 8, 4);
    }

    /** Momentum 0.95 (lerp weight 0.05: the first form), Nesterov's lerp with weight 0.95 (the second). */
    @ParameterizedTest
    @MethodSource("sizes")
    void nesterovMomentumIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("muonMomentum", n, 4, (k, a, off, len, step) -> k.muonMomentum(
                a[0], off[0], a[1], off[1], a[2], off[2], len, coefficients(0.95, true, Float.POSITIVE_INFINITY)),
                GRAD, SIGNED, SIGNED);
    }

    /** Momentum 0.3 (lerp weight 0.7: the second form), no Nesterov, clipped and non-finite gradients. */
    @ParameterizedTest
    @MethodSource("sizes")
    void plainMomentumOverClippedAndNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("muonMomentum plain", n, 4, (k, a, off, len, step) -> k.muonMomentum(
                a[0], off[0], a[1], off[1], a[2], off[2], len, coefficients(0.3, false, 0.5f)),
                GRAD_NON_FINITE, SIGNED, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void applyIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("muonApply", n, 3, (k, a, off, len, step) -> k.muonApply(
                a[0], off[0], a[1], off[1], len, coefficients(0.95, true, Float.POSITIVE_INFINITY)), PARAM, SIGNED);
    }

    /** Shapes around the vector widths, the four-row blocks and the tiles of 128 inner products and 512 columns. */
    static Stream<Arguments> products() {
        return Stream.of(new int[][] {{1, 1, 1}, {1, 7, 3}, {3, 5, 17}, {4, 33, 16}, {5, 129, 31}, {7, 3, 65},
                {9, 130, 520}, {16, 16, 16}, {17, 257, 33}, {2, 1, 600}, {33, 64, 129}})
                .flatMap(s -> Stream.of(Arguments.of(s[0], s[1], s[2], false, 1f),
                        Arguments.of(s[0], s[1], s[2], true, -2.0315f)));
    }

    @ParameterizedTest(name = "{0}x{1} times {1}x{2}, transposed A {3}, alpha {4}")
    @MethodSource("products")
    void matrixProductsAreBitIdentical(int m, int k, int n, boolean transposeA, float alpha) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom r = new SplittableRandom(31L * m + 7L * k + n);
        int aOff = r.nextInt(9);
        int bOff = r.nextInt(9);
        int cOff = r.nextInt(9);
        float[] a = guarded(aOff, m * k, r);
        float[] b = guarded(bOff, k * n, r);
        float[] c = guarded(cOff, m * n, r);
        float[] cP = c.clone();
        ScalarOptimizerKernels.INSTANCE.matmulAdd(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha);
        panama.matmulAdd(transposeA, a, aOff, b, bOff, cP, cOff, m, k, n, alpha);
        assertSameBits("C", c, cP, cOff, m * n);
    }

    /** A product against the equation: every C[i][j] is the fma chain over p in order. */
    @ParameterizedTest(name = "{0}x{1} times {1}x{2}, transposed A {3}, alpha {4}")
    @MethodSource("products")
    void theScalarProductIsTheDocumentedFmaChain(int m, int k, int n, boolean transposeA, float alpha) {
        SplittableRandom r = new SplittableRandom(13L * m + k + 5L * n);
        float[] a = guarded(0, m * k, r);
        float[] b = guarded(0, k * n, r);
        float[] c = guarded(0, m * n, r);
        float[] want = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = want[i * n + j];
                for (int p = 0; p < k; p++) {
                    float ai = transposeA ? a[p * m + i] : a[i * k + p];
                    acc = Math.fma(alpha * ai, b[p * n + j], acc);
                }
                want[i * n + j] = acc;
            }
        }
        ScalarOptimizerKernels.INSTANCE.matmulAdd(transposeA, a, 0, b, 0, c, 0, m, k, n, alpha);
        assertSameBits("C", want, c, 0, m * n);
    }

    static Stream<Arguments> matrices() {
        return Stream.of(new int[][] {{1, 1}, {1, 9}, {9, 1}, {8, 8}, {13, 5}, {5, 13}, {40, 33}, {33, 130}, {257, 3}})
                .map(s -> Arguments.of(s[0], s[1]));
    }

    /** The whole orthogonalization, tall, wide and square: the same bits on both kernel sets. */
    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("matrices")
    void newtonSchulzIsBitIdentical(int rows, int cols) {
        OptimizerKernels panama = KernelParity.panamaOrSkip();
        SplittableRandom r = new SplittableRandom(rows * 1000L + cols);
        float[] u = new float[rows * cols];
        for (int i = 0; i < u.length; i++) {
            u[i] = KernelParity.gradient(r);
        }
        MuonCoefficients c = coefficients(0.95, true, Float.POSITIVE_INFINITY);
        NewtonSchulz.Workspace scalar = new NewtonSchulz.Workspace();
        NewtonSchulz.Workspace vector = new NewtonSchulz.Workspace();
        scalar.ensure(rows, cols);
        vector.ensure(rows, cols);
        System.arraycopy(u, 0, scalar.update(), 0, u.length);
        System.arraycopy(u, 0, vector.update(), 0, u.length);
        NewtonSchulz.orthogonalize(ScalarOptimizerKernels.INSTANCE, rows, cols, scalar, c);
        NewtonSchulz.orthogonalize(panama, rows, cols, vector, c);
        assertSameBits("O", scalar.update(), vector.update(), 0, u.length);
    }

    private static float[] guarded(int offset, int n, SplittableRandom r) {
        float[] a = new float[offset + n + 3];
        Arrays.fill(a, GUARD);
        for (int i = 0; i < n; i++) {
            a[offset + i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static void assertSameBits(String what, float[] want, float[] got, int offset, int n) {
        for (int i = 0; i < want.length; i++) {
            if (i < offset || i >= offset + n) {
                assertEquals(Float.floatToRawIntBits(GUARD), Float.floatToRawIntBits(got[i]), what + ": guard " + i);
            }
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " element " + (i - offset) + ": " + want[i] + " vs " + got[i]);
        }
    }
}
