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
import vecopt.engine.NAdam;
import vecopt.engine.StepContext;

@ParityOf("NAdam")
class NAdamKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients NAdam hands the kernel on {@code step}, mu_product accumulated from step 1. */
    static NAdamCoefficients coefficients(int step, double lr, double beta1, double beta2, double eps,
                                          double weightDecay, double momentumDecay, boolean decoupled,
                                          boolean maximize) {
        Hyperparameters h = NAdam.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2, "eps", eps,
                "weight_decay", weightDecay, "momentum_decay", momentumDecay, "decoupled_weight_decay",
                decoupled ? 1.0 : 0.0, "maximize", maximize ? 1.0 : 0.0));
        double muProduct = 1;
        for (int t = 1; t <= step; t++) {
            muProduct = NAdamCoefficients.muProduct(h, muProduct, t);
        }
        return NAdamCoefficients.forStep(h, muProduct, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nadamIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("nadam", n, 4, (k, a, off, len, step) -> k.nadam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false, false)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nadamWithWeightDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("nadam l2 maximize", n, 4, (k, a, off, len, step) -> k.nadam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 1e-2, 0.8, 0.99, 1e-6, 1e-2, 0.1, false, true)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nadamWithDecoupledWeightDecayIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("nadamw", n, 4, (k, a, off, len, step) -> k.nadam(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                coefficients(step, 2e-3, 0.9, 0.999, 1e-8, 0.1, 4e-3, true, false)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }
}
