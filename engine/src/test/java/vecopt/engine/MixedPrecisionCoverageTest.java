package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision parameters over the whole registry, with no list of its own: every case of every
 * rule either steps a bfloat16 parameter (its weights move, its gradient untouched) or refuses it with
 * an {@link IllegalArgumentException}, at construction or at the first step, and leaves the weights
 * as they were. A rule that accepted the parameter and then failed in some other way (reading a
 * float32 value it does not have) fails here.
 */
class MixedPrecisionCoverageTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return RuleCases.steppedWithGradients();
    }

    @org.junit.jupiter.api.Test
    void someRegisteredRuleHasAMixedPrecisionKernel() {
        assertTrue(cases().anyMatch(a -> {
            String torchClass = (String) a.get()[0];
            @SuppressWarnings("unchecked")
            Map<String, ?> kwargs = (Map<String, ?>) a.get()[1];
            return RuleCases.create(torchClass, kwargs, RuleCases.parameters(torchClass, 1, 64)).hasMixedPrecisionKernel();
        }), "no registered rule steps mixed-precision parameters");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyRuleStepsAMixedPrecisionParameterOrRefusesItUnchanged(String torchClass, Map<String, ?> kwargs) {
        int[] shape = RuleCases.shapeFor(torchClass, 64);
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        SplittableRandom random = new SplittableRandom(5);
        short[] weights = new short[64];
        short[] grad = new short[64];
        for (int i = 0; i < 64; i++) {
            weights[i] = BFloat16.fromFloat((float) random.nextGaussian());
            grad[i] = BFloat16.fromFloat((float) random.nextGaussian());
        }
        short[] weightsBefore = weights.clone();
        short[] gradBefore = grad.clone();
        Parameter p = Parameter.mixed("w",
                SegmentTensor.wrap(MemorySegment.ofArray(weights), DType.BFLOAT16, dims),
                SegmentTensor.wrap(MemorySegment.ofArray(grad), DType.BFLOAT16, dims));
        Optimizer optimizer;
        try {
            optimizer = RuleCases.create(torchClass, kwargs, List.of(p));
        } catch (IllegalArgumentException refusedWhenAdded) {
            assertArrayEquals(weightsBefore, weights);
            return;
        }
        if (!optimizer.hasMixedPrecisionKernel()) {
            throw new AssertionError(torchClass + " accepted a mixed-precision parameter without a mixed kernel");
        }
        try {
            optimizer.step();
        } catch (IllegalArgumentException refusedAtFirstStep) {
            assertArrayEquals(weightsBefore, weights, "a refused step wrote weights");
            assertThrows(IllegalArgumentException.class, optimizer::step, "refused once, accepted later");
            return;
        }
        assertFalse(Arrays.equals(weightsBefore, weights), torchClass + " " + kwargs + " did not move the weights");
        assertArrayEquals(gradBefore, grad, "the step wrote the gradient");
        assertTrue(optimizer.stateDict().groups().get(0).parameters().get(0).state().bufferNames().contains("master"),
                "no master copy in the state");
    }
}
