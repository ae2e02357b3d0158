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
import vecopt.engine.AdamWScheduleFree;
import vecopt.engine.Hyperparameters;
import vecopt.engine.SGDScheduleFree;
import vecopt.engine.StepContext;

/**
 * Schedule-free SGD and AdamW, and the switch to eval mode they share. Over the steps the
 * interpolation weight c goes 1, 1/2, 1/3, ... (both forms of the lerp, and the first step's z read as
 * y); the warm-up cases change lr and c every step.
 */
@ParityOf({"SGDScheduleFree", "AdamWScheduleFree"})
class ScheduleFreeKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    static SGDScheduleFreeCoefficients sgd(int step, Map<String, Double> options) {
        Hyperparameters h = SGDScheduleFree.defaults().withValues(options);
        return SGDScheduleFreeCoefficients.forStep(h, ScheduleFreeAveraging.steady("SGDScheduleFree", h, step), step,
                StepContext.NONE);
    }

    static AdamWScheduleFreeCoefficients adamW(int step, Map<String, Double> options) {
        Hyperparameters h = AdamWScheduleFree.defaults().withValues(options);
        return AdamWScheduleFreeCoefficients.forStep(h, ScheduleFreeAveraging.steady("AdamWScheduleFree", h, step), step,
                StepContext.NONE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sgdScheduleFreeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("sgdScheduleFree", n, 4, (k, a, off, len, step) -> k.sgdScheduleFree(
                a[0], off[0], a[1], off[1], a[2], off[2], len, sgd(step, Map.of("lr", 1e-2))), PARAM, GRAD, SIGNED);
    }

    /** Warm-up, polynomial weights, decay at y and maximize, with a momentum whose eval lerp is the other form. */
    @ParameterizedTest
    @MethodSource("sizes")
    void sgdScheduleFreeWarmingUpWithDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("sgdScheduleFree options", n, 4, (k, a, off, len, step) -> k.sgdScheduleFree(
                a[0], off[0], a[1], off[1], a[2], off[2], len, sgd(step, Map.of("lr", 3e-2, "momentum", 0.5,
                        "weight_decay", 0.1, "warmup_steps", 3.0, "r", 1.0, "weight_lr_power", 1.5, "maximize", 1.0))),
                PARAM, GRAD, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sgdScheduleFreeOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("sgdScheduleFree non-finite", n, 3, (k, a, off, len, step) -> k.sgdScheduleFree(
                a[0], off[0], a[1], off[1], a[2], off[2], len, sgd(step, Map.of("weight_decay", 0.01))),
                PARAM, GRAD_NON_FINITE, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWScheduleFreeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adamWScheduleFree", n, 4, (k, a, off, len, step) -> k.adamWScheduleFree(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, adamW(step, Map.of())),
                PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWScheduleFreeWarmingUpWithDecayAndMaximizeIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adamWScheduleFree options", n, 4, (k, a, off, len, step) -> k.adamWScheduleFree(
                a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, adamW(step, Map.of("lr", 1e-2,
                        "beta1", 0.6, "beta2", 0.99, "eps", 1e-6, "weight_decay", 0.05, "warmup_steps", 2.0, "r", 2.0,
                        "maximize", 1.0))), PARAM, GRAD, SIGNED, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamWScheduleFreeOverNonFiniteGradientsIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adamWScheduleFree non-finite", n, 3, (k, a, off, len, step) ->
                k.adamWScheduleFree(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                        adamW(step, Map.of("weight_decay", 0.01))), PARAM, GRAD_NON_FINITE, SIGNED, NON_NEGATIVE);
    }

    /** The eval switch for momentum 0.9 (lerp from y) and 0.5 (from z); the third array receives y. */
    @ParameterizedTest
    @MethodSource("sizes")
    void scheduleFreeEvalIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("scheduleFreeEval", n, 4, (k, a, off, len, step) -> k.scheduleFreeEval(
                a[0], off[0], a[1], off[1], a[2], off[2], len,
                ScheduleFreeEvalCoefficients.forMomentum(step % 2 == 0 ? 0.5 : 0.9)), PARAM, SIGNED, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scheduleFreeEvalOverNonFiniteValuesIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("scheduleFreeEval non-finite", n, 3, (k, a, off, len, step) ->
                k.scheduleFreeEval(a[0], off[0], a[1], off[1], a[2], off[2], len,
                        ScheduleFreeEvalCoefficients.forMomentum(0.7)), PARAM, GRAD_NON_FINITE, SIGNED);
    }
}
