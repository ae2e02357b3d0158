package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ParityOf("RMSprop")
class RMSpropKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    private static RMSpropCoefficients coefficients(float gradSign, float weightDecay, boolean epsInside,
                                                    float momentum) {
        float eps = 1e-8f;
        return new RMSpropCoefficients(-1e-2f, gradSign, weightDecay, 0.99f, (float) (1 - 0.99),
                epsInside ? eps : 0f, epsInside ? 0f : eps, momentum);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void plainRmspropIsBitIdentical(int n) {
        RMSpropCoefficients c = coefficients(1f, 0f, false, 0f);
        KernelParity.assertBitIdentical("rmsprop", n, 3, (k, a, off, len, step) ->
                k.rmsprop(a[0], off[0], a[1], off[1], a[2], off[2], null, 0, null, 0, len, c),
                PARAM, GRAD, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void epsInsideSqrtWithMaximizeAndWeightDecayIsBitIdentical(int n) {
        RMSpropCoefficients c = coefficients(-1f, 1e-2f, true, 0f);
        KernelParity.assertBitIdentical("rmsprop eps_inside_sqrt", n, 3, (k, a, off, len, step) ->
                k.rmsprop(a[0], off[0], a[1], off[1], a[2], off[2], null, 0, null, 0, len, c),
                PARAM, GRAD, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void centeredIsBitIdentical(int n) {
        RMSpropCoefficients c = coefficients(1f, 5e-4f, false, 0f);
        // grad_avg starts at 0 as in the optimizer, so square_avg - grad_avg^2 stays non-negative.
        KernelParity.assertBitIdentical("rmsprop centered", n, 4, (k, a, off, len, step) -> {
            if (step == 1) {
                zero(a[3], off[3], len);
            }
            k.rmsprop(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], null, 0, len, c);
        }, PARAM, GRAD, NON_NEGATIVE, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void momentumIsBitIdentical(int n) {
        RMSpropCoefficients c = coefficients(-1f, 0f, false, 0.9f);
        KernelParity.assertBitIdentical("rmsprop momentum", n, 3, (k, a, off, len, step) ->
                k.rmsprop(a[0], off[0], a[1], off[1], a[2], off[2], null, 0, a[3], off[3], len, c),
                PARAM, GRAD, NON_NEGATIVE, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void centeredMomentumWithEpsInsideSqrtIsBitIdentical(int n) {
        RMSpropCoefficients c = coefficients(1f, 1e-2f, true, 0.5f);
        KernelParity.assertBitIdentical("rmsprop centered momentum eps_inside_sqrt", n, 4, (k, a, off, len, step) -> {
            if (step == 1) {
                zero(a[3], off[3], len);
            }
            k.rmsprop(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len, c);
        }, PARAM, GRAD, NON_NEGATIVE, SIGNED, SIGNED);
    }

    private static void zero(float[] array, int off, int n) {
        java.util.Arrays.fill(array, off, off + n, 0f);
    }
}
