package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradient accumulation is a wrapper, not a registered rule, so this carries no {@code @ParityOf}.
 * Arrays: the accumulator (starting from signed values, as in the middle of a window) and the gradient,
 * drawn anew each step; every k-th step is the fused mean.
 */
class GradientAccumulationKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    private static void microBatch(OptimizerKernels kernels, float[][] a, int[] off, int n, int step, int k) {
        if (step % k == 0) {
            kernels.accumulateMean(a[1], off[1], a[0], off[0], n, k);
        } else {
            kernels.accumulate(a[0], off[0], a[1], off[1], n);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void accumulateAndMeanAreBitIdentical(int n) {
        KernelParity.assertBitIdentical("accumulate", n, 8,
                (k, a, off, len, step) -> microBatch(k, a, off, len, step, 4), SIGNED, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void meanOverAnInexactDivisorIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("accumulate k7", n, 7,
                (k, a, off, len, step) -> microBatch(k, a, off, len, step, 7), SIGNED, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void meanOnEveryCallIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("accumulate k1", n, 3,
                (k, a, off, len, step) -> k.accumulateMean(a[1], off[1], a[0], off[0], len, 3f), SIGNED, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void accumulationOfNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("accumulate non-finite", n, 6,
                (k, a, off, len, step) -> microBatch(k, a, off, len, step, 3), SIGNED, GRAD_NON_FINITE);
    }
}
