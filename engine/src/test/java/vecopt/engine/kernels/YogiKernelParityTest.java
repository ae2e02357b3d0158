package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;
import vecopt.engine.Yogi;

@ParityOf("Yogi")
class YogiKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients Yogi hands the kernel on {@code step}. */
    static YogiCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps, boolean maximize) {
        Hyperparameters h = Yogi.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2,
                "eps", eps, "maximize", maximize ? 1.0 : 0.0));
        return YogiCoefficients.forStep(h, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void yogiIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("yogi", n, 4, (k, a, off, len, step) -> k.yogi(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.9, 0.999, 1e-3, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void yogiWithMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("yogi maximize", n, 4, (k, a, off, len, step) -> k.yogi(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 3e-2, 0.5, 0.9, 1e-6, true)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    /** NaN and infinite gradients reach the sign of {@code v - g^2} as NaN or infinities: same bits. */
    @ParameterizedTest
    @MethodSource("sizes")
    void yogiOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("yogi non-finite", n, 3, (k, a, off, len, step) -> k.yogi(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.9, 0.999, 1e-3, false)), PARAM, GRAD_NON_FINITE, SIGNED, NON_NEGATIVE);
    }
}
