package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OptimizerKernels#addGradientNoise}: the same bits from scalar and Panama at every width, for
 * even and odd first indices, and the same bits whatever the split of a tensor into calls.
 */
class GradientNoiseKernelParityTest {

    private static final OptimizerKernels SCALAR = ScalarOptimizerKernels.INSTANCE;

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void noiseIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("noise", n, 4, (k, a, off, len, step) -> k.addGradientNoise(
                a[0], off[0], len, 1000L * step + step % 2, new NoiseCoefficients(NoiseCoefficients.key(42, 7, step),
                        (float) Math.sqrt(0.3 / Math.pow(1 + step, 0.55)))), GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void noiseOnNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("noise non-finite", n, 2, (k, a, off, len, step) -> k.addGradientNoise(
                a[0], off[0], len, step, new NoiseCoefficients(NoiseCoefficients.key(-3, 0, step), 2.5f)),
                GRAD_NON_FINITE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void anySplitIntoCallsGivesTheBitsOfOneCall(int n) {
        NoiseCoefficients c = new NoiseCoefficients(NoiseCoefficients.key(9, 1, 3), 0.7f);
        SplittableRandom random = new SplittableRandom(n);
        float[] whole = new float[n];
        for (int i = 0; i < n; i++) {
            whole[i] = KernelParity.gradient(random);
        }
        float[] pieces = whole.clone();
        float[] scalar = whole.clone();
        OptimizerKernels kernels = OptimizerKernelsProvider.get();
        kernels.addGradientNoise(whole, 0, n, 0, c);
        SCALAR.addGradientNoise(scalar, 0, n, 0, c);
        for (int from = 0; from < n; ) {
            int length = Math.min(n - from, 1 + random.nextInt(200));
            kernels.addGradientNoise(pieces, from, length, from, c);
            from += length;
        }
        assertArrayEquals(whole, pieces);
        assertArrayEquals(scalar, whole);
    }

    @Test
    void zeroStandardDeviationLeavesTheGradientAsItIs() {
        float[] g = {1f, -2f, 0f, 3.5f, 1e-40f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f};
        float[] before = g.clone();
        OptimizerKernelsProvider.get().addGradientNoise(g, 0, g.length, 3, new NoiseCoefficients(5, 0f));
        for (int i = 0; i < g.length; i++) {
            assertEquals(before[i], g[i], "element " + i);
        }
    }

    @Test
    void theNoiseOfAnElementDependsOnItsIndexNotItsPosition() {
        NoiseCoefficients c = new NoiseCoefficients(NoiseCoefficients.key(1, 2, 3), 1f);
        float[] a = new float[64];
        float[] b = new float[80];
        OptimizerKernelsProvider.get().addGradientNoise(a, 0, 64, 100, c);
        OptimizerKernelsProvider.get().addGradientNoise(b, 16, 64, 100, c);
        for (int i = 0; i < 64; i++) {
            assertEquals(a[i], b[16 + i]);
            assertEquals(CounterGaussian.gaussian(CounterGaussian.bits(c.key(), 100 + i)), a[i]);
        }
    }

}
