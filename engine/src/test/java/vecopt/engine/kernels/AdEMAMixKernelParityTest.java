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
import vecopt.engine.AdEMAMix;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

@ParityOf("AdEMAMix")
class AdEMAMixKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients AdEMAMix hands the kernel on {@code step}. */
    static AdEMAMixCoefficients coefficients(int step, double lr, double beta1, double beta3, double alpha,
                                             double weightDecay, double tAlpha, double tBeta3, boolean maximize) {
        Hyperparameters h = AdEMAMix.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta3", beta3,
                "alpha", alpha, "weight_decay", weightDecay, "t_alpha", tAlpha, "t_beta3", tBeta3,
                "maximize", maximize ? 1.0 : 0.0));
        return AdEMAMixCoefficients.forStep(h, step, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void ademamixIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("ademamix", n, 4, (k, a, off, len, step) -> k.ademamix(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                coefficients(step, 1e-3, 0.9, 0.9999, 5, 0, 0, 0, false)), PARAM, GRAD, SIGNED, SIGNED, NON_NEGATIVE);
    }

    /** Mid-warm-up alpha and beta3 (changing every step), decay and maximize. */
    @ParameterizedTest
    @MethodSource("sizes")
    void ademamixWarmingUpWithDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("ademamix warm-up", n, 4, (k, a, off, len, step) -> k.ademamix(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                coefficients(step, 3e-2, 0.5, 0.99, 2, 0.1, 3, 7, true)), PARAM, GRAD, SIGNED, SIGNED, NON_NEGATIVE);
    }

    /** NaN and infinite gradients through the moments, the root and the division: same bits. */
    @ParameterizedTest
    @MethodSource("sizes")
    void ademamixOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("ademamix non-finite", n, 3, (k, a, off, len, step) -> k.ademamix(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], a[4], off[4], len,
                coefficients(step, 1e-3, 0.9, 0.9999, 5, 0, 0, 0, false)), PARAM, GRAD_NON_FINITE, SIGNED, SIGNED,
                NON_NEGATIVE);
    }
}
