package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.checkpoint.StateDict;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Compressed state over the whole registry, with no list of its own: every case of every rule that
 * keeps compressible buffers resumes bit for bit from a state dict in each compressed format, whether
 * its rule runs fused kernels over the compressed buffers or its own float32 kernel on decoded blocks;
 * every rule that keeps none refuses a compressed format, saying why, and changes nothing.
 */
class StateFormatCoverageTest {

    private static final StateFormat[] COMPRESSED = {StateFormat.bfloat16(), StateFormat.bfloat16Stochastic(7),
            StateFormat.blockwise8bit()};

    /** One parameter large enough for 8-bit state (5,120 elements), one that keeps float32 under it. */
    private static List<Parameter> parameters(String torchClass) {
        return RuleCases.parameters(torchClass, 11, 5120, 40);
    }

    /** The case's optimizer over {@code ps}, all in one group (LBFGS takes no second). */
    private static Optimizer create(String torchClass, Map<String, ?> kwargs, List<Parameter> ps) {
        return Optimizers.fromTorch(torchClass, ps, kwargs, OptimizerKernelsProvider.get());
    }

    private static boolean keepsCompressibleState(Arguments a) {
        String torchClass = (String) a.get()[0];
        @SuppressWarnings("unchecked")
        Map<String, ?> kwargs = (Map<String, ?>) a.get()[1];
        return Rules.get(torchClass).compressesState();
    }

    static Stream<Arguments> compressibleCases() {
        return RuleCases.steppedWithGradients().filter(StateFormatCoverageTest::keepsCompressibleState);
    }

    static Stream<String> rulesWithoutCompressibleState() {
        return RuleCases.all().filter(a -> !keepsCompressibleState(a)).map(a -> (String) a.get()[0]).distinct();
    }

    private static void steps(Optimizer o, List<Parameter> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            RuleCases.randomGradients(ps, new SplittableRandom(500 + t));
            o.step();
        }
    }

    @Test
    void someRegisteredRuleKeepsCompressibleState() {
        assertTrue(compressibleCases().findAny().isPresent(), "no case of any registered rule keeps compressible state");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("compressibleCases")
    void everyRuleWithCompressibleStateResumesBitForBitInEveryCompressedFormat(String torchClass, Map<String, ?> kwargs) {
        for (StateFormat format : COMPRESSED) {
            String what = torchClass + " " + kwargs + " " + format;
            List<Parameter> a = parameters(torchClass);
            Optimizer running = create(torchClass, kwargs, a);
            running.setStateFormat(format);
            steps(running, a, 0, 3);
            StateDict middle = running.stateDict();
            List<Parameter> b = a.stream().map(p -> Parameter.of(p.name(), p.value().copy())).toList();
            steps(running, a, 3, 6);

            Optimizer resumed = create(torchClass, kwargs, b); // no setStateFormat: the dict brings it
            resumed.loadStateDict(middle);
            assertEquals(format, resumed.stateFormat(), what);
            steps(resumed, b, 3, 6);
            for (int k = 0; k < a.size(); k++) {
                assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), what + " " + a.get(k).name());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("rulesWithoutCompressibleState")
    void everyRuleWithoutCompressibleStateRefusesACompressedFormat(String torchClass) {
        Optimizer o = create(torchClass, Map.of(), parameters(torchClass));
        for (StateFormat format : COMPRESSED) {
            String message = assertThrows(IllegalArgumentException.class, () -> o.setStateFormat(format),
                    torchClass + " " + format).getMessage();
            assertTrue(message.startsWith(torchClass + " cannot store its state as " + format + ", only as float32: ")
                    && message.endsWith(Rules.get(torchClass).compressedStateRefusal()), message);
            assertEquals(StateFormat.float32(), o.stateFormat(), torchClass + " " + format);
        }
    }
}
