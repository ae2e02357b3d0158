package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.AdaBelief;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

@ParityOf("AdaBelief")
class AdaBeliefKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients AdaBelief hands the kernel on {@code step}. */
    static AdaBeliefCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps,
                                              double weightDecay, boolean maximize) {
        Hyperparameters h = AdaBelief.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2,
                "eps", eps, "weight_decay", weightDecay, "maximize", maximize ? 1.0 : 0.0));
        return AdaBeliefCoefficients.forStep(h, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adabeliefIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adabelief", n, 4, (k, a, off, len, step) -> k.adabelief(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-3, 0.9, 0.999, 1e-16, 0, false)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adabeliefWithWeightDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adabelief wd maximize", n, 4, (k, a, off, len, step) -> k.adabelief(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.8, 0.95, 1e-8, 0.1, true)), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }
}
