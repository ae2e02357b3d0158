package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weight averaging (SWA, EMA) keeps a copy beside any optimizer and is not a registered rule, so this
 * carries no {@code @ParityOf}. Arrays: the averaged copy, the parameter, and a gradient that moves the
 * parameter between averaging updates (the same on both implementations).
 */
class AveragingKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The parameter moves by the gradient array, as an optimizer step would, before each averaging update. */
    private static void drift(float[][] a, int[] off, int n) {
        for (int i = 0; i < n; i++) {
            a[1][off[1] + i] += a[2][off[2] + i] * 1e-2f;
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void equalAverageIsBitIdentical(int n) {
        // count 2, 3, ... as after n_averaged = 1, 2, ...; 3, 6 and 7 are not powers of two, so the division rounds
        KernelParity.assertBitIdentical("swa", n, 7, (k, a, off, len, step) -> {
            drift(a, off, len);
            k.averageEqual(a[0], off[0], a[1], off[1], len, step + 1);
        }, PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void equalAverageAtCountsBeyondFloatPrecisionIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("swa large n", n, 3, (k, a, off, len, step) -> {
            drift(a, off, len);
            k.averageEqual(a[0], off[0], a[1], off[1], len, (float) ((1L << 24) + 2 * step + 1));
        }, PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void exponentialAverageIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("ema", n, 5, (k, a, off, len, step) -> {
            drift(a, off, len);
            double decay = 1 - Math.pow(1 + step, -2.0 / 3); // timm's warm-up: coefficients that round
            k.averageEma(a[0], off[0], a[1], off[1], len, (float) decay, (float) (1 - decay));
        }, PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void exponentialAverageWithDecayNearOneIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("ema 0.9999", n, 4, (k, a, off, len, step) -> {
            drift(a, off, len);
            k.averageEma(a[0], off[0], a[1], off[1], len, 0.9999f, (float) (1 - 0.9999));
        }, PARAM, PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void averagesOfNonFiniteWeightsAreBitIdentical(int n) {
        KernelParity.assertBitIdentical("averages non-finite", n, 6, (k, a, off, len, step) -> {
            for (int i = 0; i < len; i++) {
                a[1][off[1] + i] += a[2][off[2] + i]; // NaN and infinities reach the parameter
            }
            if (step % 2 == 0) {
                k.averageEqual(a[0], off[0], a[1], off[1], len, step + 1);
            } else {
                k.averageEma(a[0], off[0], a[1], off[1], len, 0.75f, 0.25f);
            }
        }, PARAM, PARAM, GRAD_NON_FINITE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void swapIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("swap", n, 3, (k, a, off, len, step) -> {
            drift(a, off, len);
            k.swapRanges(a[0], off[0], a[1], off[1], len);
        }, PARAM, PARAM, GRAD);
    }
}
