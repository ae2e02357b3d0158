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
import vecopt.engine.LAMB;
import vecopt.engine.StepContext;

@ParityOf("LAMB")
class LAMBKernelParityTest {

    static Stream<Integer> sizes() {
        return Stream.concat(KernelParity.sizes(), Stream.of(4096, 4097, 3 * 4096 + 77));
    }

    /** The coefficients LAMB hands the kernels on {@code step}. */
    static LAMBCoefficients coefficients(int step, double weightDecay, boolean biasCorrection, boolean maximize,
                                         StepContext context) {
        Hyperparameters h = LAMB.defaults().withValues(Map.of("lr", 1e-2, "weight_decay", weightDecay,
                "bias_correction", biasCorrection ? 1.0 : 0.0, "maximize", maximize ? 1.0 : 0.0));
        return LAMBCoefficients.forStep(h, step, context);
    }

    /** Both passes of a step: the moments and the sums, then the update with the ratio of the sums. */
    static void step(OptimizerKernels k, float[][] a, int[] off, int n, LAMBCoefficients c) {
        double[] sums = BlockSumsParity.sums(n);
        k.lambMoments(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], n, sums, 0, c);
        float scale = c.stepScale(BlockSumsParity.norm(sums, 0), BlockSumsParity.norm(sums, 1));
        k.lambUpdate(a[0], off[0], a[2], off[2], a[3], off[3], n, c, scale);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lambIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lamb", n, 4, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(step, 1e-4, true, false, StepContext.NONE)),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    /** Decay, no bias correction, maximize and value clipping. */
    @ParameterizedTest
    @MethodSource("sizes")
    void lambWithItsOptionsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lamb options", n, 4, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(step, 0.1, false, true, new StepContext(0.5f, 0.3f))),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void lambOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lamb non-finite", n, 3, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(step, 1e-4, true, false, StepContext.NONE)),
                PARAM, GRAD_NON_FINITE, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void blockSumsAreBitIdenticalAndIndependentOfTheSplit(int n) {
        for (BlockSumsParity.Values values : BlockSumsParity.Values.values()) {
            LAMBCoefficients c = coefficients(3, 0.01, true, false, StepContext.NONE);
            BlockSumsParity.assertBitIdentical("lambMoments " + values, n, 4, values, (k, a, off, len, sums, at) ->
                    k.lambMoments(a[0], off, a[1], off, a[2], off, a[3], off, len, sums, at, c));
        }
    }
}
