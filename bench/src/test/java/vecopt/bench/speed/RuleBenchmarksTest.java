package vecopt.bench.speed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.bench.suite.BenchmarkMethod;
import vecopt.bench.suite.SuitePlan;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Every registered rule has a rule benchmark, and every rule benchmark the suite finds in JMH's
 * benchmark list keeps the pattern's promises: its EJML composition computes the fused kernel's
 * update, its arrays match its rule's traffic, splitting across threads changes no bit, and its
 * bandwidth kernel runs. New rules and their benchmarks are checked without touching this test.
 */
class RuleBenchmarksTest {

    private static final int SIZE = 4099;
    private static final int STEPS = 3;

    static Stream<Class<? extends RuleBenchmark>> ruleBenchmarks() {
        List<Class<? extends RuleBenchmark>> classes = SuitePlan.discover().stream()
                .map(BenchmarkMethod::className).distinct()
                .map(RuleBenchmarksTest::load)
                .filter(RuleBenchmark.class::isAssignableFrom)
                .<Class<? extends RuleBenchmark>>map(c -> c.asSubclass(RuleBenchmark.class))
                .toList();
        assertFalse(classes.isEmpty(), "no rule benchmark in the JMH benchmark list");
        return classes.stream();
    }

    /**
     * Registered rules without a rule benchmark, each with the reason: none now (LBFGS, whose step is
     * a closure call and {@code 2 history_size + 14} passes, is measured by {@link LBFGSBenchmark}).
     */
    static final Map<String, String> WITHOUT_RULE_BENCHMARK = Map.of();

    @Test
    void everyRegisteredRuleHasARuleBenchmark() {
        Set<String> measured = ruleBenchmarks().map(c -> MeasuredRule.of(c).rule().torchName())
                .collect(Collectors.toSet());
        List<String> missing = Rules.all().stream().map(Rule::torchName)
                .filter(r -> !measured.contains(r) && !WITHOUT_RULE_BENCHMARK.containsKey(r)).toList();
        assertTrue(missing.isEmpty(), "no rule benchmark (a RuleBenchmark with @Measures(rule = ...) in"
                + " vecopt.bench.speed) measures " + String.join(", ", missing));
    }

    @Test
    void theSuiteFindsTheSgdBenchmarksWithEveryImplementation() {
        List<String> sgd = SuitePlan.discover().stream()
                .filter(m -> m.className().equals(SgdBenchmark.class.getName()))
                .map(BenchmarkMethod::method).sorted().toList();
        assertEquals(List.of("bandwidth", "ejmlUnfused", "panama", "scalar", "scalarNoSuperWord"), sgd);
        assertTrue(ruleBenchmarks().anyMatch(c -> c == SgdPlainBenchmark.class));
    }

    @ParameterizedTest
    @MethodSource("ruleBenchmarks")
    void ejmlUnfusedComputesTheFusedUpdate(Class<? extends RuleBenchmark> type) throws Exception {
        RuleBenchmark fused = create(type, SIZE, 1, false);
        RuleBenchmark unfused = create(type, SIZE, 1, true);
        float[][] before = copy(fused.updated());
        for (int step = 0; step < STEPS; step++) {
            fused.runFused();
            unfused.ejmlStep();
        }
        float[][] want = fused.updated();
        float[][] got = unfused.updated();
        for (int a = 0; a < want.length; a++) {
            boolean changed = false;
            for (int i = 0; i < SIZE; i++) {
                float w = want[a][i];
                float g = got[a][i];
                float tolerance = 1e-5f * Math.max(1f, Math.abs(w));
                if (!(Math.abs(w - g) <= tolerance)) {
                    throw new AssertionError(type.getSimpleName() + " array " + a + " element " + i + ": fused "
                            + w + ", EJML " + g);
                }
                changed |= w != before[a][i];
            }
            assertTrue(changed, type.getSimpleName() + ": array " + a + " was not updated");
        }
        fused.tearDownTrial();
        unfused.tearDownTrial();
    }

    @ParameterizedTest
    @MethodSource("ruleBenchmarks")
    void twoThreadsGiveTheSameBitsAsOne(Class<? extends RuleBenchmark> type) throws Exception {
        RuleBenchmark one = create(type, SIZE, 1, false);
        RuleBenchmark two = create(type, SIZE, 2, false);
        for (int step = 0; step < STEPS; step++) {
            one.runFused();
            two.runFused();
        }
        for (int a = 0; a < one.updated().length; a++) {
            assertArrayEquals(one.updated()[a], two.updated()[a], type.getSimpleName() + " array " + a);
        }
        one.tearDownTrial();
        two.tearDownTrial();
    }

    @ParameterizedTest
    @MethodSource("ruleBenchmarks")
    void bandwidthKernelWritesEveryUpdatedArrayAndNotTheGradient(Class<? extends RuleBenchmark> type) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(OptimizerKernelsProvider.get().name().equals("panama"),
                "the bandwidth kernels need jdk.incubator.vector");
        RuleBenchmark b = create(type, SIZE, 2, false);
        float[][] before = copy(b.updated());
        float[] gradient = b.gradient().clone();
        b.runBandwidth();
        for (int a = 0; a < before.length; a++) {
            assertFalse(Arrays.equals(before[a], b.updated()[a]), type.getSimpleName() + " array " + a);
        }
        assertArrayEquals(gradient, b.gradient());
        // the updated arrays and any scratch array of the benchmark's own (Muon's update matrix)
        assertEquals(MeasuredRule.of(type).traffic().writes(),
                b.bandwidthPasses().stream().mapToInt(p -> p.readWrite().length).sum());
        b.tearDownTrial();
    }

    @ParameterizedTest
    @MethodSource("ruleBenchmarks")
    void ejmlRefusesMoreThanOneThread(Class<? extends RuleBenchmark> type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> create(type, 64, 2, true));
        assertEquals("ejmlUnfused runs on one thread (EJML's element-wise operations are single-threaded),"
                + " got threads=2", e.getMessage());
    }

    private static RuleBenchmark create(Class<? extends RuleBenchmark> type, int size, int threads, boolean ejml)
            throws ReflectiveOperationException {
        RuleBenchmark b = type.getConstructor().newInstance();
        b.size = size;
        b.threads = threads;
        b.setUp(ejml);
        return b;
    }

    private static float[][] copy(float[][] arrays) {
        return Arrays.stream(arrays).map(float[]::clone).toArray(float[][]::new);
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
