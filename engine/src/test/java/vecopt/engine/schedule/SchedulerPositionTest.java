package vecopt.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * The positions the schedulers hand to a checkpoint: what they hold, that a scheduler given a saved
 * position continues exactly as the one it was taken from, and that a position that does not fit is
 * refused with a message naming the entry and its value, before anything changes.
 */
class SchedulerPositionTest {

    /** SGD with momentum, two groups: lr 0.1 and 0.04. */
    private static Optimizer sgd() {
        Optimizer o = new Sgd(List.of(new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
        o.addParamGroup(List.of(new Parameter("b", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.04).with("momentum", 0.9));
        return o;
    }

    private static Map<String, Number> edited(Map<String, Number> state, String key, Number value) {
        Map<String, Number> copy = new LinkedHashMap<>(state);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return copy;
    }

    private static void assertRefused(Runnable attempt, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, attempt::run);
        assertEquals(message, e.getMessage());
    }

    private static void copyHyperparameters(Optimizer from, Optimizer to) {
        for (int g = 0; g < from.paramGroups().size(); g++) {
            to.paramGroups().get(g).setHyperparameters(from.paramGroups().get(g).hyperparameters());
        }
    }

    // ---- HyperparameterScheduler ----

    @Test
    void aHyperparameterSchedulerHoldsItsStepAndEachGroupsInitialValue() {
        Optimizer o = sgd();
        HyperparameterScheduler warmup = new HyperparameterScheduler(o, "lr", new OneCycle(0.5, 20, 0.3, true, 25, 1e4,
                0.85, 0.95).learningRate().then(20, new ExponentialDecay(0.9)));
        warmup.step();
        warmup.step();
        assertSame(o, warmup.optimizer());
        assertEquals("HyperparameterScheduler(lr)", warmup.checkpointName());
        assertEquals(Map.of("t", 2L, "initial.0", 0.1, "initial.1", 0.04), warmup.checkpointState());
        assertEquals(List.of("t", "initial.0", "initial.1"), List.copyOf(warmup.checkpointState().keySet()));
    }

    @Test
    void aSchedulerGivenASavedPositionStepsExactlyAsTheOneItCameFrom() {
        Schedule schedule = new LinearFactor(0.1, 1, 5).then(5, new CosineWarmRestarts(7, 2, 1e-4));
        Optimizer original = sgd();
        HyperparameterScheduler uninterrupted = new HyperparameterScheduler(original, "lr", schedule);
        for (int t = 0; t < 9; t++) {
            uninterrupted.step();
        }

        Optimizer resumedOptimizer = sgd();
        resumedOptimizer.paramGroups().get(0).set("lr", 0.3); // not the value the schedule started from
        HyperparameterScheduler resumed = new HyperparameterScheduler(resumedOptimizer, "lr", schedule);
        resumed.prepareRestore(uninterrupted.checkpointState()).run();
        copyHyperparameters(original, resumedOptimizer); // the checkpoint's part
        assertEquals(uninterrupted.checkpointState(), resumed.checkpointState());
        for (int t = 10; t <= 30; t++) {
            uninterrupted.step();
            resumed.step();
            for (int g = 0; g < 2; g++) {
                assertEquals(Double.doubleToRawLongBits(uninterrupted.value(g)), Double.doubleToRawLongBits(resumed.value(g)),
                        "t = " + t + ", group " + g);
            }
        }
    }

    @Test
    void restoringAPositionSetsNoHyperparameterAndTheNextStepMovesTheGroupsValue() {
        Optimizer o = sgd();
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        s.prepareRestore(Map.of("t", 3L, "initial.0", 1.0, "initial.1", 2.0)).run();
        assertEquals(0.1, o.paramGroups().get(0).lr());
        s.step(); // chainable, as PyTorch's StepLR: the group's value (the checkpoint's part) times gamma
        assertEquals(0.1 / 2, o.paramGroups().get(0).lr());
        assertEquals(0.04 / 2, o.paramGroups().get(1).lr());
        assertEquals(4, s.steps());
    }

    @Test
    void aHyperparameterSchedulerRefusesAPositionThatDoesNotFitAndKeepsItsOwn() {
        HyperparameterScheduler s = new HyperparameterScheduler(sgd(), "momentum", new CosineAnnealing(10, 0.5));
        s.step();
        Map<String, Number> good = s.checkpointState();
        Map<String, Number> saved = Map.of("t", 4L, "initial.0", 0.9, "initial.1", 0.8);
        assertRefused(() -> s.prepareRestore(edited(saved, "t", -1L)), "t must be >= 0, got -1");
        assertRefused(() -> s.prepareRestore(edited(saved, "t", 4.0)), "t must be a whole number, got 4.0 (Double)");
        assertRefused(() -> s.prepareRestore(edited(saved, "t", 4)), "t must be a whole number, got 4 (Integer)");
        assertRefused(() -> s.prepareRestore(edited(saved, "initial.1", Double.NaN)),
                "initial.1 must be finite, got NaN");
        assertRefused(() -> s.prepareRestore(edited(saved, "initial.0", Double.POSITIVE_INFINITY)),
                "initial.0 must be finite, got Infinity");
        assertRefused(() -> s.prepareRestore(edited(saved, "initial.0", 1L)),
                "initial.0 must be a floating-point number, got 1 (Long)");
        assertRefused(() -> s.prepareRestore(edited(saved, "initial.1", null)),
                "the saved state has no initial.1; expected [t, initial.0, initial.1]");
        assertRefused(() -> s.prepareRestore(edited(saved, "initial.2", 0.9)),
                "the saved state has an unknown entry initial.2; expected [t, initial.0, initial.1]");
        assertRefused(() -> s.prepareRestore(null), "state must not be null");
        assertEquals(good, s.checkpointState());
    }

    // ---- ReduceOnPlateau ----

    @Test
    void aPlateauSchedulerHoldsItsBestBadStepsAndCooldown() {
        Optimizer o = sgd();
        ReduceOnPlateau plateau = new ReduceOnPlateau(o, true, 0.5, 3, 0, false, 2, 0, 0);
        assertEquals("ReduceOnPlateau(max)", plateau.checkpointName());
        assertEquals(Map.of("best", Double.NEGATIVE_INFINITY, "bad_steps", 0L, "cooldown_left", 0L),
                plateau.checkpointState());
        plateau.step(0.7);
        plateau.step(0.6);
        assertEquals(Map.of("best", 0.7, "bad_steps", 1L, "cooldown_left", 0L), plateau.checkpointState());
        assertEquals("ReduceOnPlateau(min)", ReduceOnPlateau.of(o).checkpointName());
    }

    @Test
    void aPlateauSchedulerResumesFromEverySavePoint() {
        double[] metrics = {1.0, 0.9, 0.95, 0.899, 0.9, 0.91, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.4, 0.41, 0.42, 0.43, 0.44};
        for (int save = 0; save <= metrics.length; save++) {
            Optimizer original = sgd();
            ReduceOnPlateau uninterrupted = new ReduceOnPlateau(original, false, 0.5, 2, 0.01, true, 1, 0, 1e-8);
            for (int t = 0; t < save; t++) {
                uninterrupted.step(metrics[t]);
            }
            Optimizer resumedOptimizer = sgd();
            ReduceOnPlateau resumed = new ReduceOnPlateau(resumedOptimizer, false, 0.5, 2, 0.01, true, 1, 0, 1e-8);
            resumed.prepareRestore(uninterrupted.checkpointState()).run();
            copyHyperparameters(original, resumedOptimizer);
            for (int t = save; t < metrics.length; t++) {
                uninterrupted.step(metrics[t]);
                resumed.step(metrics[t]);
                assertEquals(Double.doubleToRawLongBits(original.paramGroups().get(1).lr()),
                        Double.doubleToRawLongBits(resumedOptimizer.paramGroups().get(1).lr()),
                        "saved after " + save + " metrics, metric " + t);
                assertEquals(uninterrupted.checkpointState(), resumed.checkpointState(),
                        "saved after " + save + " metrics, metric " + t);
            }
        }
    }

    @Test
    void aPlateauSchedulerRefusesCountersItCouldNeverHaveAndKeepsItsOwn() {
        ReduceOnPlateau plateau = new ReduceOnPlateau(sgd(), false, 0.5, 2, 0.01, true, 3, 0, 1e-8);
        plateau.step(1.0);
        plateau.step(1.5);
        Map<String, Number> good = plateau.checkpointState();
        Map<String, Number> saved = Map.of("best", 0.5, "bad_steps", 0L, "cooldown_left", 2L);
        assertRefused(() -> plateau.prepareRestore(edited(saved, "best", Double.NaN)), "best must be a number, got NaN");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "bad_steps", 3L)), "bad_steps must be in [0, 2], got 3");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "cooldown_left", 4L)),
                "cooldown_left must be in [0, 3], got 4");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "cooldown_left", -1L)),
                "cooldown_left must be in [0, 3], got -1");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "bad_steps", 1L)),
                "bad_steps must be 0 while a cooldown runs, got bad_steps 1 with cooldown_left 2");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "bad_steps", 1.0)),
                "bad_steps must be a whole number, got 1.0 (Double)");
        assertRefused(() -> plateau.prepareRestore(edited(saved, "factor", 0.5)),
                "the saved state has an unknown entry factor; expected [best, bad_steps, cooldown_left]");
        assertEquals(good, plateau.checkpointState());

        plateau.prepareRestore(edited(saved, "best", Double.NEGATIVE_INFINITY)).run();
        assertEquals(Double.NEGATIVE_INFINITY, plateau.checkpointState().get("best"), "an infinite best is a real state");
    }
}
