package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Lion;
import vecopt.engine.StepContext;

@ParityOf("Lion")
class LionKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    /** The coefficients Lion hands the kernel on {@code step}. */
    static LionCoefficients coefficients(double lr, double beta1, double beta2, double weightDecay, boolean maximize) {
        Hyperparameters h = Lion.defaults().withValues(Map.of("lr", lr, "beta1", beta1, "beta2", beta2,
                "weight_decay", weightDecay, "maximize", maximize ? 1.0 : 0.0));
        return LionCoefficients.forStep(h, 1, StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lionIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lion", n, 4, (k, a, off, len, step) -> k.lion(
                a[0], off[0], a[1], off[1], a[2], off[2], len,
                coefficients(1e-4, 0.9, 0.99, 0, false)), PARAM, GRAD, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lionWithWeightDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lion wd maximize", n, 4, (k, a, off, len, step) -> k.lion(
                a[0], off[0], a[1], off[1], a[2], off[2], len,
                coefficients(3e-3, 0.8, 0.95, 0.5, true)), PARAM, GRAD, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lionOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lion non-finite", n, 3, (k, a, off, len, step) -> k.lion(
                a[0], off[0], a[1], off[1], a[2], off[2], len,
                coefficients(1e-3, 0.9, 0.99, 0.1, false)), PARAM, GRAD_NON_FINITE, SIGNED);
    }

    /**
     * sign(+0) = sign(-0) = +0: a zero interpolation leaves the parameter to its decay alone, with its
     * own sign; sign(NaN) = NaN; at every width, for lanes in the vector body and in the tail.
     */
    @Test
    void signOfZerosIsZeroAndSignOfNanIsNan() {
        List<OptimizerKernels> kernels = new ArrayList<>(List.of(ScalarOptimizerKernels.INSTANCE));
        if (OptimizerKernelsProvider.get().name().equals("panama")) {
            kernels.add(OptimizerKernelsProvider.get());
        }
        for (OptimizerKernels k : kernels) {
            int n = 67;
            float[] p = new float[n];
            float[] g = new float[n];
            float[] m = new float[n];
            for (int i = 0; i < n; i++) {
                p[i] = i % 2 == 0 ? 2f : -0f;
                g[i] = switch (i % 3) {
                    case 0 -> 0f;
                    case 1 -> -0f;
                    default -> Float.NaN;
                };
                m[i] = i % 3 == 2 ? 1f : (i % 4 < 2 ? 0f : -0f);
            }
            k.lion(p, 0, g, 0, m, 0, n, coefficients(0.25, 0.9, 0.99, 1.0, false));
            for (int i = 0; i < n; i++) {
                String where = k.name() + " element " + i;
                if (i % 3 == 2) {
                    assertEquals(Float.NaN, p[i], where);
                    assertEquals(Float.NaN, m[i], where);
                } else {
                    // c = +-0, sign(c) = +0: p = 0.75 p + (-0.25 * +0), that is 1.5 for p = 2 and -0 for p = -0
                    assertEquals(i % 2 == 0 ? 1.5f : -0f, p[i], where);
                    assertEquals(0f, Math.abs(m[i]), where);
                }
            }
        }
    }
}
