package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule reading its gradient as {@code gradScale * clamp(g)}, with a norm-clipping scale (and the
 * sign of maximize) and a value clamp, on gradients with and without NaN and infinities: scalar and
 * Panama agree bit for bit (NaN payloads aside).
 */
class GradientClippingKernelParityTest {

    /** Size, gradient content, gradScale, gradClip. */
    static Stream<Arguments> cases() {
        return KernelParity.sizes().flatMap(n -> Stream.of(
                Arguments.of(n, GRAD, -0.37f, 0.5f),
                Arguments.of(n, GRAD, 0.8125f, Float.POSITIVE_INFINITY),
                Arguments.of(n, GRAD_NON_FINITE, 0.25f, 2f),
                Arguments.of(n, GRAD_NON_FINITE, -1f, Float.POSITIVE_INFINITY)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sgd(int n, KernelParity.Content grad, float scale, float clip) {
        SgdCoefficients c = new SgdCoefficients(-0.05f, scale, 1e-2f, 0f, 1f, 1f, 0f, clip);
        KernelParity.assertBitIdentical("sgd clipped", n, 3,
                (k, a, off, len, step) -> k.sgd(a[0], off[0], a[1], off[1], len, c), PARAM, grad);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sgdNesterov(int n, KernelParity.Content grad, float scale, float clip) {
        KernelParity.assertBitIdentical("sgd nesterov clipped", n, 3, (k, a, off, len, step) -> k.sgdMomentum(
                a[0], off[0], a[1], off[1], a[2], off[2], len,
                new SgdCoefficients(-0.1f, scale, 1e-3f, step == 1 ? 0f : 0.9f, 1f, 0.9f, 1f, clip)),
                PARAM, grad, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adagrad(int n, KernelParity.Content grad, float scale, float clip) {
        AdagradCoefficients c = new AdagradCoefficients(-1e-2f, scale, 1e-2f, 1e-10f, clip);
        KernelParity.assertBitIdentical("adagrad clipped", n, 3, (k, a, off, len, step) -> k.adagrad(
                a[0], off[0], a[1], off[1], a[2], off[2], len, c), PARAM, grad, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void rmspropCenteredWithMomentum(int n, KernelParity.Content grad, float scale, float clip) {
        RMSpropCoefficients c = new RMSpropCoefficients(-1e-2f, scale, 1e-3f, 0.99f, (float) (1 - 0.99), 0f, 1e-8f,
                0.9f, clip);
        KernelParity.assertBitIdentical("rmsprop clipped", n, 3, (k, a, off, len, step) -> k.rmsprop(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len, c),
                PARAM, grad, NON_NEGATIVE, SIGNED, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adadelta(int n, KernelParity.Content grad, float scale, float clip) {
        AdadeltaCoefficients c = new AdadeltaCoefficients(-1f, scale, 1e-2f, 0.9f, (float) (1 - 0.9), 1e-6f, clip);
        KernelParity.assertBitIdentical("adadelta clipped", n, 3, (k, a, off, len, step) -> k.adadelta(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c), PARAM, grad, NON_NEGATIVE, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adamAmsgrad(int n, KernelParity.Content grad, float scale, float clip) {
        KernelParity.assertBitIdentical("adam amsgrad clipped", n, 3, (k, a, off, len, step) -> k.adamAmsgrad(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                new AdamCoefficients(scale, 1e-2f, 1f, 0.9f, 0.1f, 0.999f, 0.001f,
                        (float) (1 / Math.sqrt(1 - Math.pow(0.999, step))), 1e-8f,
                        (float) (-1e-3 / (1 - Math.pow(0.9, step))), clip)),
                PARAM, grad, SIGNED, NON_NEGATIVE, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adamW(int n, KernelParity.Content grad, float scale, float clip) {
        KernelParity.assertBitIdentical("adamw clipped", n, 3, (k, a, off, len, step) -> k.adam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                new AdamCoefficients(scale, 0f, 0.999f, 0.9f, 0.1f, 0.999f, 0.001f,
                        (float) (1 / Math.sqrt(1 - Math.pow(0.999, step))), 1e-8f,
                        (float) (-1e-2 / (1 - Math.pow(0.9, step))), clip)),
                PARAM, grad, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void adamax(int n, KernelParity.Content grad, float scale, float clip) {
        KernelParity.assertBitIdentical("adamax clipped", n, 3, (k, a, off, len, step) -> k.adamax(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                new AdamaxCoefficients(scale, 1e-2f, 0.9f, 0.1f, 0.999f, 1e-8f,
                        (float) (-2e-3 / (1 - Math.pow(0.9, step))), clip)),
                PARAM, grad, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void nadam(int n, KernelParity.Content grad, float scale, float clip) {
        NAdamCoefficients c = new NAdamCoefficients(scale, 1e-2f, 1f, 0.9f, 0.1f, 0.999f, 0.001f, 1.25f, 1e-8f,
                -1.3e-3f, -9.1e-3f, clip);
        KernelParity.assertBitIdentical("nadam clipped", n, 3, (k, a, off, len, step) -> k.nadam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c), PARAM, grad, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void radam(int n, KernelParity.Content grad, float scale, float clip) {
        KernelParity.assertBitIdentical("radam clipped", n, 3, (k, a, off, len, step) -> k.radam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                new RAdamCoefficients(scale, 0f, 0.99f, 0.9f, 0.1f, 0.999f, 0.001f, step > 1 ? 1f : 0f,
                        step > 1 ? 1e-8f : 1f, -1e-3f, clip)),
                PARAM, grad, SIGNED, NON_NEGATIVE);
    }
}
