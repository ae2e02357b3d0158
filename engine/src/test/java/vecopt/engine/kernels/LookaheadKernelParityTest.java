package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Lookahead is a wrapper, not a registered rule, so this carries no {@code @ParityOf}. */
class LookaheadKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The fast weights drift by the gradient array (the same on both), then the sync runs. */
    private static void driftAndSync(OptimizerKernels k, float[][] a, int[] off, int n, float alpha) {
        for (int i = 0; i < n; i++) {
            a[0][off[0] + i] += a[2][off[2] + i] * 1e-2f;
        }
        k.lookaheadSync(a[0], off[0], a[1], off[1], n, alpha);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lookaheadSyncIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lookahead", n, 4,
                (k, a, off, len, step) -> driftAndSync(k, a, off, len, 0.5f), PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lookaheadSyncWithAwkwardAlphaIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lookahead alpha", n, 3,
                (k, a, off, len, step) -> driftAndSync(k, a, off, len, 0.3f + 0.1f * step), PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lookaheadSyncOverNonFiniteWeightsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lookahead non-finite", n, 3,
                (k, a, off, len, step) -> driftAndSync(k, a, off, len, 0.8f), PARAM, PARAM, GRAD_NON_FINITE);
    }
}
