package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.reference.TextbookAdamWScheduleFree;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.engine.reference.TextbookSGDScheduleFree;
import vecopt.tensor.FloatTensor;

/**
 * train() and eval() of the schedule-free rules: eval() puts x, the float64 textbook's average, into
 * the parameters; train() puts y back bit for bit; steps are refused in eval mode; and evaluating
 * between steps changes no bit of the training run.
 */
class ScheduleFreeModesTest {

    /** Each rule with its defaults and with a momentum whose eval interpolation takes torch.lerp's other form. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("SGDScheduleFree", Map.of("lr", 0.05)),
                Arguments.of("SGDScheduleFree", Map.of("lr", 0.05, "momentum", 0.5, "weight_decay", 0.01,
                        "warmup_steps", 3)),
                Arguments.of("AdamWScheduleFree", Map.of("lr", 0.01)),
                Arguments.of("AdamWScheduleFree", Map.of("lr", 0.01, "betas", List.of(0.6, 0.99), "weight_decay", 0.01,
                        "r", 1.0)));
    }

    private static ScheduleFreeOptimizer create(String rule, Map<String, ?> kwargs, List<Parameter> ps) {
        return (ScheduleFreeOptimizer) RuleCases.create(rule, kwargs, ps);
    }

    private static void steps(ScheduleFreeOptimizer o, List<Parameter> ps, SplittableRandom random, int count,
                              boolean evaluateBetween) {
        for (int i = 0; i < count; i++) {
            RuleCases.randomGradients(ps, random);
            o.step();
            if (evaluateBetween) {
                o.eval();
                o.train();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evalWritesTheAverageXOfTheFloat64Textbook(String rule, Map<String, Object> kwargs) {
        float[] w = new float[37];
        float[] g = new float[37];
        SplittableRandom random = new SplittableRandom(5);
        double[] params = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
            params[i] = w[i];
        }
        Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(g));
        ScheduleFreeOptimizer o = (ScheduleFreeOptimizer) Optimizers.fromTorch(rule, List.of(p), kwargs);
        TextbookOptimizer textbook = TextbookOptimizers.create(rule, kwargs);
        double[] grads = new double[w.length];
        for (int step = 0; step < 12; step++) {
            for (int i = 0; i < w.length; i++) {
                g[i] = TrajectoryAgainstTextbook.gradient(random);
                grads[i] = g[i];
            }
            o.step();
            textbook.step(params, grads);
        }
        double[] x = textbook instanceof TextbookSGDScheduleFree sgd ? sgd.evalPoint(params)
                : ((TextbookAdamWScheduleFree) textbook).evalPoint(params);
        o.eval();
        TrajectoryAgainstTextbook.assertClose(rule + " x after eval()", x, w, 0,
                TrajectoryAgainstTextbook.PARAM_FLOOR * Math.max(1, TrajectoryAgainstTextbook.maxAbs(x)));
        o.train();
        TrajectoryAgainstTextbook.assertClose(rule + " y after train()", params, w, 0,
                TrajectoryAgainstTextbook.PARAM_FLOOR * Math.max(1, TrajectoryAgainstTextbook.maxAbs(params)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evalThenTrainGivesBackEveryBitOfY(String rule, Map<String, Object> kwargs) {
        List<Parameter> ps = RuleCases.parameters(11, 257, 33);
        ScheduleFreeOptimizer o = create(rule, kwargs, ps);
        steps(o, ps, new SplittableRandom(12), 7, false);
        RuleCases.Snapshot before = RuleCases.Snapshot.of(o);
        assertTrue(o.training());

        o.eval();
        assertFalse(o.training());
        for (Parameter p : ps) {
            assertArrayEquals(before.values().get(p.name()), o.state(p.name()).buffer(ScheduleFreeOptimizer.Y),
                    "y is kept while the parameter holds x");
            assertFalse(java.util.Arrays.equals(before.values().get(p.name()), p.value().toArray()), "x is not y");
        }
        o.train();
        assertTrue(o.training());
        RuleCases.Snapshot.of(o).assertSameAs(before, "after eval() and train()");
        ps.forEach(p -> assertNull(o.state(p.name()).buffer(ScheduleFreeOptimizer.Y), "train() frees y"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evaluatingAfterEveryStepChangesNoBitOfTheTrainingRun(String rule, Map<String, Object> kwargs) {
        List<Parameter> plain = RuleCases.parameters(21, 65, 3);
        List<Parameter> evaluated = RuleCases.parameters(21, 65, 3);
        ScheduleFreeOptimizer a = create(rule, kwargs, plain);
        ScheduleFreeOptimizer b = create(rule, kwargs, evaluated);
        steps(a, plain, new SplittableRandom(22), 9, false);
        steps(b, evaluated, new SplittableRandom(22), 9, true);
        RuleCases.Snapshot.of(b).assertSameAs(RuleCases.Snapshot.of(a), "with and without evaluations");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void stepInEvalModeIsRefusedBeforeAnythingIsDone(String rule, Map<String, Object> kwargs) {
        List<Parameter> ps = RuleCases.parameters(31, 17);
        ScheduleFreeOptimizer o = create(rule, kwargs, ps);
        steps(o, ps, new SplittableRandom(32), 3, false);
        o.eval();
        RuleCases.randomGradients(ps, new SplittableRandom(33));
        RuleCases.Snapshot before = RuleCases.Snapshot.of(o);
        IllegalStateException e = assertThrows(IllegalStateException.class, o::step);
        assertEquals(rule + " is in eval mode: its parameters hold x, the average to evaluate, not y, where"
                + " gradients are taken; call train() before step()", e.getMessage());
        AtomicInteger closureCalls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> o.step(() -> closureCalls.incrementAndGet()));
        assertEquals(0, closureCalls.get(), "the closure is not called");
        RuleCases.Snapshot.of(o).assertSameAs(before, "refused steps");
        o.train();
        o.step();
        assertEquals(4, o.state(ps.get(0).name()).step());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evalAndTrainTwiceAreTheSameAsOnce(String rule, Map<String, Object> kwargs) {
        List<Parameter> ps = RuleCases.parameters(41, 40);
        ScheduleFreeOptimizer o = create(rule, kwargs, ps);
        steps(o, ps, new SplittableRandom(42), 4, false);
        RuleCases.Snapshot atY = RuleCases.Snapshot.of(o);
        o.eval();
        RuleCases.Snapshot atX = RuleCases.Snapshot.of(o);
        o.eval();
        RuleCases.Snapshot.of(o).assertSameAs(atX, "a second eval()");
        o.train();
        o.train();
        RuleCases.Snapshot.of(o).assertSameAs(atY, "a second train()");
    }

    /** Before the first step x = y = z: eval() leaves the values, records the mode, and train() gives a normal run. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evalBeforeTheFirstStepKeepsTheParametersAndStillRefusesSteps(String rule, Map<String, Object> kwargs) {
        List<Parameter> ps = RuleCases.parameters(51, 19, 4);
        List<Parameter> never = RuleCases.parameters(51, 19, 4);
        ScheduleFreeOptimizer o = create(rule, kwargs, ps);
        ScheduleFreeOptimizer reference = create(rule, kwargs, never);
        o.eval();
        assertFalse(o.training());
        for (int i = 0; i < ps.size(); i++) {
            assertArrayEquals(never.get(i).value().toArray(), ps.get(i).value().toArray());
            assertNotNull(o.state(ps.get(i).name()).buffer(ScheduleFreeOptimizer.Y));
        }
        assertThrows(IllegalStateException.class, o::step);
        o.train();
        steps(o, ps, new SplittableRandom(52), 3, false);
        steps(reference, never, new SplittableRandom(52), 3, false);
        RuleCases.Snapshot.of(o).assertSameAs(RuleCases.Snapshot.of(reference), "after eval() and train() first");
    }

    /** eval() runs the switch on the optimizer's executor: the same bits on 4 threads as on one. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void evalOnSeveralThreadsIsBitIdentical(String rule, Map<String, Object> kwargs) {
        List<Parameter> one = RuleCases.parameters(61, 4099);
        List<Parameter> many = RuleCases.parameters(61, 4099);
        ScheduleFreeOptimizer a = create(rule, kwargs, one);
        ScheduleFreeOptimizer b = create(rule, kwargs, many);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(4, 256)) {
            b.setExecutor(executor);
            steps(a, one, new SplittableRandom(62), 3, false);
            steps(b, many, new SplittableRandom(62), 3, false);
            a.eval();
            b.eval();
        }
        RuleCases.Snapshot.of(b).assertSameAs(RuleCases.Snapshot.of(a), "eval() on 4 threads");
    }
}
