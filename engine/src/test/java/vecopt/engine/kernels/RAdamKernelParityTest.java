package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.RAdam;
import vecopt.engine.StepContext;

@ParityOf("RAdam")
class RAdamKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /**
     * The coefficients RAdam hands the kernel on {@code step}; with beta2 = 0.9 steps 1 to 5 are
     * un-adapted and steps from 6 on adapted (rho_t > 5).
     */
    static RAdamCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps,
                                          double weightDecay, boolean decoupled, boolean maximize) {
        Hyperparameters h = RAdam.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps,
                "weight_decay", weightDecay, "decoupled_weight_decay", decoupled ? 1.0 : 0.0, "maximize",
                maximize ? 1.0 : 0.0));
        return RAdamCoefficients.forStep(h, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void unadaptedThenAdaptedStepsAreBitIdentical(int n) {
        KernelParity.assertBitIdentical("radam", n, 7, (k, a, off, len, step) -> k.radam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.9, 0.9, 1e-8, 0, false, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void radamWithWeightDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("radam l2 maximize", n, 7, (k, a, off, len, step) -> k.radam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.8, 0.9, 1e-6, 1e-2, false, true)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void radamWithDecoupledWeightDecayIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("radamw", n, 7, (k, a, off, len, step) -> k.radam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-3, 0.9, 0.9, 1e-8, 0.1, true, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }
}
