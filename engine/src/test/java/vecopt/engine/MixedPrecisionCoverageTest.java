package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.Float16;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision parameters over the whole registry, with no list of its own: every case of every
 * rule, with bfloat16 and with float16 weights, each with a float32 and a low-precision gradient,
 * either steps the parameter or refuses it with an {@link IllegalArgumentException} naming the
 * parameter and the rule, and then has written nothing. A rule that steps it must do so through its
 * own float32 kernels: the master copy equals, bit for bit, a float32 parameter stepped by the same
 * rule from the same start and the same (widened) gradients, on other threads and chunks; the weights
 * are the master rounded to nearest; the gradient is untouched. A rule that claims to step mixed
 * precision and then fails in some other way (reading a float32 value it does not have) fails here.
 */
class MixedPrecisionCoverageTest {

    /** 6912 elements: two of the mixed pass's 4Ki blocks, split across threads from 64 elements on. */
    private static final int ROWS = 72;
    private static final int COLS = 96;

    static Stream<Arguments> cases() {
        return RuleCases.all().flatMap(a -> Stream.of(DType.BFLOAT16, DType.FLOAT16).flatMap(weights ->
                Stream.of(DType.FLOAT32, weights).map(grad -> Arguments.of(a.get()[0], a.get()[1], weights, grad))));
    }

    @Test
    void onlyRulesThatHandleTheirFloat32ValuesThemselvesRefuseMixedPrecisionAndSayWhy() {
        Set<String> refusing = new TreeSet<>();
        for (Rule r : Rules.all()) {
            if (!r.stepsMixedPrecision()) {
                refusing.add(r.torchName());
                assertFalse(r.mixedPrecisionRefusal().isBlank(), r + " gives no reason");
            } else {
                assertNull(r.mixedPrecisionRefusal(), r.toString());
            }
        }
        assertEquals(Set.of("AdamWScheduleFree", "LBFGS", "SGDScheduleFree"), refusing);
    }

    private static short round(DType type, float x) {
        return type == DType.FLOAT16 ? Float16.fromFloat(x) : BFloat16.fromFloat(x);
    }

    private static float widen(DType type, short bits) {
        return type == DType.FLOAT16 ? Float16.toFloat(bits) : BFloat16.toFloat(bits);
    }

    @ParameterizedTest(name = "{0} {1} {2} weights, {3} gradient")
    @MethodSource("cases")
    void everyRuleStepsAMixedPrecisionParameterLikeItsFloat32MasterOrRefusesItUnchanged(
            String torchClass, Map<String, ?> kwargs, DType weightType, DType gradType) {
        int[] shape = RuleCases.shapeFor(torchClass, ROWS, COLS);
        long[] dims = Arrays.stream(shape).asLongStream().toArray();
        int n = ROWS * COLS;
        SplittableRandom random = new SplittableRandom(5);
        short[] weights = new short[n];
        for (int i = 0; i < n; i++) {
            weights[i] = round(weightType, (float) random.nextGaussian());
        }
        short[] weightsBefore = weights.clone();
        boolean lowGrad = gradType != DType.FLOAT32;
        short[] gradBits = new short[n];
        FloatTensor gradFloats = FloatTensor.zeros(shape);
        SegmentTensor w = SegmentTensor.wrap(MemorySegment.ofArray(weights), weightType, dims);
        Parameter p = lowGrad
                ? Parameter.mixed("w", w, SegmentTensor.wrap(MemorySegment.ofArray(gradBits), gradType, dims))
                : Parameter.mixed("w", w, gradFloats);
        FloatTensor start = FloatTensor.zeros(shape);
        for (int i = 0; i < n; i++) {
            start.setFlat(i, widen(weightType, weights[i]));
        }
        Parameter reference = new Parameter("w", start, FloatTensor.zeros(shape));

        Optimizer optimizer;
        try {
            optimizer = RuleCases.create(torchClass, kwargs, List.of(p));
        } catch (IllegalArgumentException refusedWhenAdded) {
            assertFalse(Rules.get(torchClass).stepsMixedPrecision(), torchClass + " claims mixed precision but refused: "
                    + refusedWhenAdded.getMessage());
            assertNamesParameterAndRule(refusedWhenAdded, torchClass);
            assertArrayEquals(weightsBefore, weights);
            return;
        }
        assertTrue(Rules.get(torchClass).stepsMixedPrecision(), torchClass + " accepted a mixed-precision parameter"
                + " although it refuses mixed precision");
        Optimizer plain = RuleCases.create(torchClass, kwargs, List.of(reference));
        try (ChunkedExecutor threads = ChunkedExecutor.withThreads(2, 64)) {
            optimizer.setExecutor(threads);
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < n; i++) {
                    double magnitude = Math.pow(10, random.nextDouble(-3, 1));
                    float g = (float) (random.nextBoolean() ? magnitude : -magnitude);
                    if (lowGrad) {
                        gradBits[i] = round(gradType, g);
                        g = widen(gradType, gradBits[i]);
                    }
                    gradFloats.setFlat(i, g);
                    reference.grad().setFlat(i, g);
                }
                short[] gradBefore = gradBits.clone();
                float[] gradFloatsBefore = gradFloats.toArray();
                try {
                    step(optimizer);
                } catch (IllegalArgumentException refused) {
                    assertEquals(0, t, "accepted once, refused later: " + refused.getMessage());
                    assertNamesParameterAndRule(refused, torchClass);
                    assertArrayEquals(weightsBefore, weights, "a refused step wrote weights");
                    assertNull(optimizer.state("w"), "a refused step left state");
                    return;
                }
                step(plain);
                assertArrayEquals(gradBefore, gradBits, "the step wrote the low-precision gradient");
                assertArrayEquals(gradFloatsBefore, gradFloats.toArray(), "the step wrote the float32 gradient");
            }
        }
        float[] master = optimizer.state("w").buffer(Optimizer.MASTER);
        assertNotNull(master, "no master copy in the state");
        float[] expected = reference.value().toArray();
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(master[i])) {
                throw new AssertionError(torchClass + " " + kwargs + ": master " + i + " is " + master[i]
                        + ", a float32 parameter stepped alike holds " + expected[i]);
            }
            assertEquals(round(weightType, master[i]), weights[i], "weight " + i + " is not the master rounded to nearest");
        }
        assertFalse(Arrays.equals(weightsBefore, weights), torchClass + " " + kwargs + " did not move the weights");
        assertTrue(optimizer.stateDict().groups().get(0).parameters().get(0).state().bufferNames().contains("master"),
                "no master copy in the state dict");
    }

    private static void step(Optimizer o) {
        if (o.rule().needsClosure()) {
            o.step(() -> 0.0);
        } else {
            o.step();
        }
    }

    private static void assertNamesParameterAndRule(IllegalArgumentException e, String torchClass) {
        String message = e.getMessage();
        assertTrue(message.contains("parameter w ") && message.contains(torchClass), message);
    }
}
