package vecopt.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * A scheduler step is all or nothing: a rejected value leaves the scheduler's position and every
 * group's value as they were; a group the scheduler does not know is refused by name, never skipped.
 */
class SchedulerStepTest {

    /** SGD with momentum, two groups: lr 0.1 and 0.04. */
    private static Optimizer sgd() {
        Optimizer o = new Sgd(List.of(new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
        o.addParamGroup(List.of(new Parameter("b", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.04).with("momentum", 0.9));
        return o;
    }

    private static double[] lrs(Optimizer o) {
        return o.paramGroups().stream().mapToDouble(g -> g.lr()).toArray();
    }

    @Test
    void rejectedScheduledValueLeavesTheSchedulerWhereItWas() {
        Optimizer o = sgd();
        // group 0: 0.1 - 0.05 t, group 1: 0.04 - 0.02 t; both reach 0 at t = 2 and go negative at t = 3
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", (t, initial) -> initial - 0.05 * t * (initial / 0.1));
        s.step();
        s.step();
        double[] before = lrs(o);
        Map<String, Number> position = s.checkpointState();
        for (int attempt = 0; attempt < 3; attempt++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::step);
            assertEquals(2, s.steps(), "the position stays");
            assertEquals(position, s.checkpointState());
            assertEquals(List.of(before[0], before[1]), List.of(lrs(o)[0], lrs(o)[1]), "every group keeps its value");
            assertEquals("HyperparameterScheduler(lr) step 3, group 0: lr must be >= 0, got " + (0.1 - 0.05 * 3 * 1.0),
                    e.getMessage());
        }
    }

    @Test
    void aRejectedValueInALaterGroupChangesNoEarlierGroup() {
        Optimizer o = sgd();
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", (t, initial) -> t == 0 || initial > 0.05 ? initial : -t);
        var e = assertThrows(IllegalArgumentException.class, s::step);
        assertEquals("HyperparameterScheduler(lr) step 1, group 1: lr must be >= 0, got -1", e.getMessage());
        assertEquals(0, s.steps());
        assertEquals(0.1, o.paramGroups().get(0).lr());
        assertEquals(0.04, o.paramGroups().get(1).lr());
    }

    @Test
    void oneCycleSteppedPastItsEndIsRefusedAndStaysAtItsEnd() {
        Optimizer o = sgd();
        OneCycle cycle = OneCycle.of(0.5, 10);
        HyperparameterScheduler lr = new HyperparameterScheduler(o, "lr", cycle.learningRate());
        HyperparameterScheduler momentum = new HyperparameterScheduler(o, "momentum", cycle.momentum());
        for (int t = 1; t <= 10; t++) {
            lr.step();
            momentum.step();
        }
        double[] atEnd = lrs(o);
        double momentumAtEnd = momentum.value(0);
        for (HyperparameterScheduler s : List.of(lr, momentum)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
            assertEquals(10, s.steps(), "the position stays at the end");
            assertEquals(10L, s.checkpointState().get("t"));
            assertEquals("a one-cycle schedule has 10 steps after its start and cannot take step 11;"
                    + " like PyTorch's OneCycleLR it refuses to step past its end", e.getMessage());
        }
        assertEquals(List.of(atEnd[0], atEnd[1]), List.of(lrs(o)[0], lrs(o)[1]));
        assertEquals(momentumAtEnd, momentum.value(0));
    }

    @Test
    void aGroupAddedAfterTheSchedulerIsRefusedByNameBeforeAnythingChanges() {
        Optimizer o = sgd();
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        s.step();
        o.addParamGroup(List.of(new Parameter("late", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.3));
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertEquals("group 2 was added to the optimizer after HyperparameterScheduler(lr) was created, which drives"
                + " groups 0 to 1 only; create the scheduler after adding every group", e.getMessage());
        assertEquals(1, s.steps());
        assertEquals(List.of(0.05, 0.02, 0.3), List.of(lrs(o)[0], lrs(o)[1], lrs(o)[2]));
    }

    @Test
    void aSchedulerCreatedAfterEveryGroupDrivesThemAll() {
        Optimizer o = sgd();
        o.addParamGroup(List.of(new Parameter("late", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.3));
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        s.step();
        assertEquals(List.of(0.05, 0.02, 0.15), List.of(lrs(o)[0], lrs(o)[1], lrs(o)[2]));
    }

    @Test
    void aPlateauSchedulerReducesGroupsAddedAfterIt() {
        Optimizer o = sgd();
        ReduceOnPlateau plateau = new ReduceOnPlateau(o, false, 0.5, 0, 0, true, 0, 0, 0);
        plateau.step(1.0);
        o.addParamGroup(List.of(new Parameter("late", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.3));
        plateau.step(1.0);
        assertEquals(List.of(0.05, 0.02, 0.15), List.of(lrs(o)[0], lrs(o)[1], lrs(o)[2]));
    }

    @Test
    void aSavedPositionPastTheScheduleIsRefused() {
        HyperparameterScheduler s = new HyperparameterScheduler(sgd(), "lr", OneCycle.of(0.5, 10).learningRate());
        Map<String, Number> good = s.checkpointState();
        s.prepareRestore(Map.of("t", 10L, "initial.0", 0.1, "initial.1", 0.04));
        var e = assertThrows(IllegalArgumentException.class,
                () -> s.prepareRestore(Map.of("t", 11L, "initial.0", 0.1, "initial.1", 0.04)));
        assertEquals("t 11 is not a step of this scheduler's schedule: a one-cycle schedule has 10 steps after its"
                + " start and cannot take step 11; like PyTorch's OneCycleLR it refuses to step past its end",
                e.getMessage());
        assertEquals(good, s.checkpointState());
    }
}
