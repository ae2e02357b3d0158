package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rprop's compares and blends against the scalar branches: the gradients have random signs, so about
 * half the elements flip sign each step and one in ten gradients is 0 (no change of step size, no
 * move), and {@code prev} starts signed and then holds the kernel's own output (0 where it flipped).
 */
@ParityOf("Rprop")
class RpropKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void defaultRpropIsBitIdentical(int n) {
        RpropCoefficients c = new RpropCoefficients(1f, 0.5f, 1.2f, 1e-6f, 50f);
        KernelParity.assertBitIdentical("rprop", n, 8,
                (k, a, off, len, step) -> k.rprop(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void maximizeWithTightStepSizesAndClippingIsBitIdentical(int n) {
        // step sizes clamped to [0.1, 0.5] from the first step on, gradients clipped by value and scaled
        RpropCoefficients c = new RpropCoefficients(-0.75f, 0.3f, 1.5f, 0.1f, 0.5f, 10f);
        KernelParity.assertBitIdentical("rprop maximize clip", n, 6,
                (k, a, off, len, step) -> k.rprop(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nonFiniteGradientsGiveTheSameBits(int n) {
        // NaN products keep the step size (torch 1.13's sign(NaN) is 0), infinities flip like any sign
        RpropCoefficients c = new RpropCoefficients(1f, 0.5f, 1.2f, 1e-6f, 50f);
        KernelParity.assertBitIdentical("rprop non-finite", n, 4,
                (k, a, off, len, step) -> k.rprop(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c),
                PARAM, GRAD_NON_FINITE, SIGNED, NON_NEGATIVE);
    }
}
