package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.GRAD_NON_FINITE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.LARS;
import vecopt.engine.StepContext;

/** LARS's first pass; its second is SGD's kernel, whose parity SgdKernelParityTest shows. */
@ParityOf("LARS")
class LARSKernelParityTest {

    static Stream<Integer> sizes() {
        return Stream.concat(KernelParity.sizes(), Stream.of(4096, 4097, 3 * 4096 + 77));
    }

    static LARSCoefficients coefficients(double weightDecay, boolean nesterov, boolean maximize, StepContext context) {
        Hyperparameters h = LARS.defaults().withValues(Map.of("lr", 0.1, "weight_decay", weightDecay,
                "nesterov", nesterov ? 1.0 : 0.0, "maximize", maximize ? 1.0 : 0.0));
        return LARSCoefficients.forStep(h, context);
    }

    /** Both passes of a step with momentum: the sums, then SGD momentum with the ratio of the sums. */
    static void step(OptimizerKernels k, float[][] a, int[] off, int n, LARSCoefficients c) {
        double[] sums = BlockSumsParity.sums(n);
        k.larsSumsOfSquares(a[0], off[0], a[1], off[1], n, sums, 0, c);
        SgdCoefficients s = c.update(BlockSumsParity.norm(sums, 0), BlockSumsParity.norm(sums, 1));
        k.sgdMomentum(a[0], off[0], a[1], off[1], a[2], off[2], n, s);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void larsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lars", n, 4, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(0, false, false, StepContext.NONE)), PARAM, GRAD, SIGNED);
    }

    /** Decay, Nesterov, maximize and value clipping. */
    @ParameterizedTest
    @MethodSource("sizes")
    void larsWithItsOptionsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lars options", n, 4, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(1e-3, true, true, new StepContext(0.5f, 0.3f))), PARAM, GRAD,
                SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void larsOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("lars non-finite", n, 3, (k, a, off, len, step) ->
                step(k, a, off, len, coefficients(1e-3, false, false, StepContext.NONE)), PARAM, GRAD_NON_FINITE,
                SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void blockSumsAreBitIdenticalAndIndependentOfTheSplit(int n) {
        for (BlockSumsParity.Values values : BlockSumsParity.Values.values()) {
            LARSCoefficients c = coefficients(0.01, false, false, new StepContext(1f, 100f));
            BlockSumsParity.assertBitIdentical("larsSumsOfSquares " + values, n, 2, values, (k, a, off, len, sums, at) ->
                    k.larsSumsOfSquares(a[0], off, a[1], off, len, sums, at, c));
        }
    }
}
