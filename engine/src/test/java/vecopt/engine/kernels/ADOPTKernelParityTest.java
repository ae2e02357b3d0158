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
import vecopt.engine.ADOPT;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

@ParityOf("ADOPT")
class ADOPTKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients ADOPT hands the kernel on {@code step}. */
    static ADOPTCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps,
                                          double weightDecay, boolean clipping, boolean maximize) {
        Hyperparameters h = ADOPT.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2,
                "eps", eps, "weight_decay", weightDecay, "use_clipping", clipping ? 1.0 : 0.0,
                "maximize", maximize ? 1.0 : 0.0));
        return ADOPTCoefficients.forStep(h, step, StepContext.NONE);
    }

    /** Steps 1, 2, ...: the first writes only v, the next clamp the normalised gradient at (t-1)^0.25. */
    @ParameterizedTest
    @MethodSource("sizes")
    void adoptIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adopt", n, 4, (k, a, off, len, step) -> k.adopt(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-3, 0.9, 0.9999, 1e-6, 0, true, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adoptWithDecayMaximizeAndNoClippingIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adopt maximize", n, 4, (k, a, off, len, step) -> k.adopt(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 3e-2, 0.5, 0.9, 1e-3, 0.1, false, true)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    /** NaN and infinite gradients through the division, max and clamp: same bits. */
    @ParameterizedTest
    @MethodSource("sizes")
    void adoptOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adopt non-finite", n, 3, (k, a, off, len, step) -> k.adopt(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-3, 0.9, 0.9999, 1e-6, 0, true, false)), PARAM, GRAD_NON_FINITE, SIGNED,
                NON_NEGATIVE);
    }
}
