package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.ASGD;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * ASGD's two ways of updating {@code ax}: copied while {@code mu} is 1, averaged once {@code t0} has
 * passed. With {@code t0 = 2}, steps 1 to 4 copy and steps 5 to 8 average with mu 1, 1/2, 1/3, 1/4... .
 */
@ParityOf("ASGD")
class ASGDKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients ASGD hands the kernel on {@code step}, from the eta and mu of the step before. */
    static ASGDCoefficients coefficients(int step, Hyperparameters h, StepContext context) {
        double eta = step == 1 ? (float) h.get("lr") : ASGDCoefficients.eta(h, step - 1);
        double mu = step == 1 ? 1 : ASGDCoefficients.mu(h, step - 1);
        return ASGDCoefficients.forStep(h, eta, mu, step, context);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void asgdCopyingThenAveragingIsBitIdentical(int n) {
        Hyperparameters h = ASGD.defaults().withValues(Map.of("lr", 0.05, "lambd", 0.01, "t0", 2.0));
        KernelParity.assertBitIdentical("asgd t0=2", n, 8, (k, a, off, len, step) ->
                k.asgd(a[0], off[0], a[1], off[1], a[2], off[2], len, coefficients(step, h, StepContext.NONE)),
                PARAM, GRAD, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void asgdWithWeightDecayMaximizeAndClippingIsBitIdentical(int n) {
        Hyperparameters h = ASGD.defaults().withValues(Map.of("lr", 0.01, "weight_decay", 0.1, "maximize", 1.0,
                "alpha", 0.5, "t0", 0.0));
        KernelParity.assertBitIdentical("asgd wd maximize clip", n, 5, (k, a, off, len, step) -> {
            ASGDCoefficients c = coefficients(step, h, StepContext.NONE);
            ASGDCoefficients clipped = new ASGDCoefficients(c.gradScale() * 0.5f, c.weightDecay(), c.paramScale(),
                    c.negEta(), c.mu(), c.averaging(), 100f);
            k.asgd(a[0], off[0], a[1], off[1], a[2], off[2], len, clipped);
        }, PARAM, GRAD, SIGNED);
    }
}
