package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Adam;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

@ParityOf({"Adam", "AdamW"})
class AdamKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients Adam or AdamW hands the kernel on {@code step}. */
    static AdamCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps,
                                         double weightDecay, boolean decoupled, boolean maximize) {
        Hyperparameters h = Adam.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps,
                "weight_decay", weightDecay, "decoupled_weight_decay", decoupled ? 1.0 : 0.0, "maximize",
                maximize ? 1.0 : 0.0));
        return AdamCoefficients.forStep(h, AdamCoefficients.WeightDecay.BY_FLAG, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adam", n, 4, (k, a, off, len, step) -> k.adam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-3, 0.9, 0.999, 1e-8, 0, false, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWithWeightDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adam l2 maximize", n, 4, (k, a, off, len, step) -> k.adam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 3e-2, 0.8, 0.99, 1e-6, 1e-2, false, true)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adamw", n, 4, (k, a, off, len, step) -> k.adam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.9, 0.999, 1e-8, 0.1, true, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void amsgradIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adam amsgrad", n, 4, (k, a, off, len, step) -> k.adamAmsgrad(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                coefficients(step, 1e-3, 0.9, 0.999, 1e-8, 5e-4, false, false)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void amsgradWithDecoupledDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adamw amsgrad maximize", n, 4, (k, a, off, len, step) -> k.adamAmsgrad(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                coefficients(step, 1e-2, 0.5, 0.9, 1e-8, 1e-2, true, true)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE, NON_NEGATIVE);
    }
}
