package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.StepDecay;

/**
 * {@link Optimizer#stateDict} and {@link Optimizer#loadStateDict}, PyTorch's {@code state_dict()} and
 * {@code load_state_dict()} as methods of the optimizer: the same snapshot as {@link Checkpoints#stateDict},
 * loaded with the same checks, all or nothing.
 */
class OptimizerStateDictTest {

    private static Optimizer rmsprop(List<Parameter> model) {
        return Fixtures.optimizer("RMSprop", Map.of("lr", 0.01, "momentum", 0.9, "centered", true), model);
    }

    private static byte[] fileBytes(Optimizer o, Checkpointable... schedulers) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out, schedulers);
        return out.toByteArray();
    }

    @Test
    void stateDictHoldsWhatTheCheckpointFileHolds() throws IOException {
        List<Parameter> model = Fixtures.model(21);
        Optimizer o = rmsprop(model);
        HyperparameterScheduler lr = new HyperparameterScheduler(o, "lr", new StepDecay(2, 0.5));
        Fixtures.run(o, model, 0, 3);
        lr.step();

        StateDict dict = o.stateDict(lr);
        Optimizer other = rmsprop(Fixtures.model(22));
        HyperparameterScheduler otherLr = new HyperparameterScheduler(other, "lr", new StepDecay(2, 0.5));
        other.loadStateDict(dict, otherLr);
        assertArrayEquals(fileBytes(o, lr), fileBytes(other, otherLr), "loaded, it saves the same file");
        assertArrayEquals(o.state("fc1.weight").buffer("grad_avg"), dict.buffer("fc1.weight", "grad_avg"));
    }

    @Test
    void aRunRestoredWithTheOptimizersOwnMethodsContinuesBitForBit() {
        List<Parameter> model = Fixtures.model(23);
        Optimizer o = rmsprop(model);
        Fixtures.run(o, model, 0, 4);
        StateDict saved = o.stateDict();
        List<Parameter> resumedModel = model.stream().map(Fixtures::copyOf).toList();
        Fixtures.run(o, model, 4, 9);

        Optimizer resumed = rmsprop(resumedModel);
        resumed.loadStateDict(saved);
        Fixtures.run(resumed, resumedModel, 4, 9);
        Fixtures.assertParametersBitIdentical(model, resumedModel, "5 steps after loadStateDict");
        Fixtures.Snapshot.of(o).assertSame(Fixtures.Snapshot.of(resumed), false, "5 steps after loadStateDict");
    }

    @Test
    void aMismatchedStateDictIsRefusedAndLeavesTheOptimizerAsItWas() {
        List<Parameter> model = Fixtures.model(24);
        Optimizer o = rmsprop(model);
        Fixtures.run(o, model, 0, 2);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);

        List<Parameter> adamModel = Fixtures.model(25);
        Optimizer adam = Fixtures.optimizer("Adam", Map.of(), adamModel);
        Fixtures.run(adam, adamModel, 0, 1);
        var kind = assertThrows(IllegalArgumentException.class, () -> o.loadStateDict(adam.stateDict()));
        assertEquals("stateDict does not fit: the checkpoint holds the state of a \"Adam\" optimizer; this optimizer is"
                + " RMSprop", kind.getMessage());

        Optimizer oneGroup = vecopt.engine.Optimizers.fromTorch("RMSprop", Fixtures.model(26), Map.of());
        var groups = assertThrows(IllegalArgumentException.class, () -> o.loadStateDict(oneGroup.stateDict()));
        assertEquals("stateDict does not fit: the checkpoint has 1 parameter groups, the optimizer has 2",
                groups.getMessage());

        HyperparameterScheduler lr = new HyperparameterScheduler(o, "lr", new StepDecay(2, 0.5));
        var schedulers = assertThrows(IllegalArgumentException.class, () -> o.loadStateDict(o.stateDict(), lr));
        assertEquals("stateDict does not fit: the checkpoint holds 0 schedulers []; given 1: "
                + "[HyperparameterScheduler(lr)]", schedulers.getMessage());

        assertEquals("stateDict must not be null",
                assertThrows(IllegalArgumentException.class, () -> o.loadStateDict(null)).getMessage());
        Fixtures.Snapshot.of(o).assertSame(before, true, "after four refused loads");
    }

    @Test
    void stateDictRefusesASchedulerOfAnotherOptimizer() {
        Optimizer o = rmsprop(Fixtures.model(27));
        Optimizer other = rmsprop(Fixtures.model(28));
        HyperparameterScheduler foreign = new HyperparameterScheduler(other, "lr", new StepDecay(2, 0.5));
        var e = assertThrows(IllegalArgumentException.class, () -> o.stateDict(foreign));
        assertEquals("schedulers[0] HyperparameterScheduler(lr) drives another optimizer, not this RMSprop", e.getMessage());
    }
}
