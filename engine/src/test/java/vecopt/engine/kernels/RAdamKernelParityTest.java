package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(beta2, step) / bias2;
        boolean adapted = rhoT > 5;
        double negStepSize = -lr / bias1;
        if (adapted) {
            negStepSize *= Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
                    * Math.sqrt(bias2);
        }
        return new RAdamCoefficients(maximize ? -1f : 1f,
                decoupled ? 0f : (float) weightDecay,
                decoupled ? (float) (1 - lr * weightDecay) : 1f,
                (float) beta1, (float) (1 - beta1), (float) beta2, (float) (1 - beta2),
                adapted ? 1f : 0f, adapted ? (float) eps : 1f, (float) negStepSize);
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
