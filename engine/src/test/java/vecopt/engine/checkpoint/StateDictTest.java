package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.engine.GradientClipping;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.schedule.ChainedScheduler;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.LambdaFactor;
import vecopt.engine.schedule.StepDecay;

/**
 * {@link Checkpoints#stateDict} and {@link Checkpoints#loadStateDict}: an in-memory snapshot holding what
 * the file holds, independent of the optimizer it came from, loaded all or nothing with the file's checks.
 */
class StateDictTest {

    private static Optimizer nadam(List<Parameter> model) {
        return Fixtures.optimizer("NAdam", Map.of("lr", 0.01, "weight_decay", 0.01), model);
    }

    private static byte[] fileBytes(Optimizer o, Checkpointable... schedulers) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out, schedulers);
        return out.toByteArray();
    }

    @Test
    void aStateDictHoldsWhatTheFileHolds() throws IOException {
        List<Parameter> model = Fixtures.model(1);
        Optimizer o = nadam(model);
        o.setGradientClipping(GradientClipping.byValue(2));
        o.setNonFinitePolicy(NonFinitePolicy.SKIP);
        HyperparameterScheduler lr = new HyperparameterScheduler(o, "lr", new StepDecay(2, 0.5));
        Fixtures.run(o, model, 0, 3);
        lr.step();
        StateDict dict = Checkpoints.stateDict(o, lr);

        assertEquals("NAdam", dict.optimizer());
        assertEquals(2, dict.groups().size());
        assertEquals(o.paramGroups().get(0).hyperparameters(), dict.groups().get(0).hyperparameters());
        StateDict.ParameterEntry weight = dict.groups().get(0).parameters().get(0);
        assertEquals("fc1.weight", weight.name());
        assertArrayEquals(new int[] {3, 4}, weight.shape());
        assertEquals(3, weight.state().step());
        assertEquals(o.state("fc1.weight").scalars(), weight.state().scalars());
        assertEquals(o.state("fc1.weight").buffers().keySet(), weight.state().bufferNames());
        assertArrayEquals(o.state("fc1.weight").buffer("exp_avg_sq"), dict.buffer("fc1.weight", "exp_avg_sq"));
        assertEquals(new StateDict.Settings(0, NonFinitePolicy.SKIP, GradientClipping.byValue(2),
                o.gradientNoise()), dict.settings());
        assertEquals(List.of("HyperparameterScheduler(lr)"), dict.schedulerNames());
        assertEquals(lr.checkpointState(), dict.schedulerState(0));

        Optimizer other = nadam(Fixtures.model(2));
        HyperparameterScheduler otherLr = new HyperparameterScheduler(other, "lr", new StepDecay(2, 0.5));
        Checkpoints.loadStateDict(other, dict, otherLr);
        assertArrayEquals(fileBytes(o, lr), fileBytes(other, otherLr), "loaded, it saves the same file");
    }

    @Test
    void aStateDictIsASnapshotThatLoadsAnyNumberOfTimes() throws IOException {
        List<Parameter> model = Fixtures.model(3);
        Optimizer o = nadam(model);
        Fixtures.run(o, model, 0, 2);
        StateDict atTwo = Checkpoints.stateDict(o);
        byte[] fileAtTwo = fileBytes(o);
        float[] copy = atTwo.buffer("fc1.weight", "exp_avg");
        copy[0] = 1e9f; // a copy: the snapshot does not change
        assertNotSame(o.state("fc1.weight").buffer("exp_avg"), atTwo.buffer("fc1.weight", "exp_avg"));
        Fixtures.run(o, model, 2, 5); // nor does stepping the optimizer change it
        assertArrayEquals(fileAtTwo, fileBytesOf(atTwo));

        Checkpoints.loadStateDict(o, atTwo);
        assertArrayEquals(fileAtTwo, fileBytes(o));
        Fixtures.run(o, model, 2, 5); // the loaded arrays are the optimizer's own, not the snapshot's
        Checkpoints.loadStateDict(o, atTwo);
        assertArrayEquals(fileAtTwo, fileBytes(o), "loaded a second time");
    }

    private static byte[] fileBytesOf(StateDict dict) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointWriter.write(CheckpointWriter.encode(dict), Channels.newChannel(out));
        return out.toByteArray();
    }

    @Test
    void aRunRestoredFromAStateDictContinuesBitForBit() {
        List<Parameter> model = Fixtures.model(4);
        Optimizer o = nadam(model);
        Fixtures.run(o, model, 0, 3);
        StateDict saved = Checkpoints.stateDict(o);
        List<Parameter> resumedModel = model.stream().map(Fixtures::copyOf).toList();
        Fixtures.run(o, model, 3, 7);

        Optimizer resumed = nadam(resumedModel);
        Checkpoints.loadStateDict(resumed, saved);
        Fixtures.run(resumed, resumedModel, 3, 7);
        Fixtures.assertParametersBitIdentical(model, resumedModel, "4 steps after the state dict");
        Fixtures.Snapshot.of(o).assertSame(Fixtures.Snapshot.of(resumed), false, "4 steps after the state dict");
    }

    @Test
    void editedHyperparametersAreCheckedAndLoaded() {
        List<Parameter> model = Fixtures.model(5);
        Optimizer o = nadam(model);
        Fixtures.run(o, model, 0, 1);
        StateDict dict = Checkpoints.stateDict(o);
        StateDict slower = dict.withHyperparameters(1, dict.groups().get(1).hyperparameters().with("lr", 1e-4));
        assertEquals(0.005, dict.groups().get(1).hyperparameters().get("lr"), "the original is unchanged");
        Checkpoints.loadStateDict(o, slower);
        assertEquals(1e-4, o.paramGroups().get(1).lr());

        var e = assertThrows(IllegalArgumentException.class, () -> dict.withHyperparameters(2, null));
        assertEquals("group must be in [0, 2), got 2", e.getMessage());
        var kind = assertThrows(IllegalArgumentException.class, () -> dict.withHyperparameters(0,
                vecopt.engine.Sgd.defaults()));
        assertEquals("hyperparameters must be of this NAdam's kind", kind.getMessage().substring(0, 44));
    }

    @Test
    void aStateDictThatDoesNotFitIsRefusedAndChangesNothing() {
        List<Parameter> model = Fixtures.model(6);
        Optimizer o = nadam(model);
        Fixtures.run(o, model, 0, 2);
        HyperparameterScheduler lr = new HyperparameterScheduler(o, "lr", new StepDecay(2, 0.5));
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);

        Optimizer adam = Fixtures.optimizer("Adam", Map.of(), Fixtures.model(7));
        var kind = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadStateDict(o, Checkpoints.stateDict(adam), lr));
        assertEquals("stateDict does not fit: the checkpoint holds the state of a \"Adam\" optimizer; this optimizer is"
                + " NAdam", kind.getMessage());

        Optimizer oneGroup = vecopt.engine.Optimizers.fromTorch("NAdam", Fixtures.model(8), Map.of());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadStateDict(o, Checkpoints.stateDict(oneGroup), lr));
        assertEquals("stateDict does not fit: the checkpoint has 1 parameter groups, the optimizer has 2",
                groups.getMessage());

        StateDict withoutScheduler = Checkpoints.stateDict(o);
        var schedulers = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadStateDict(o, withoutScheduler, lr));
        assertEquals("stateDict does not fit: the checkpoint holds 0 schedulers []; given 1: "
                + "[HyperparameterScheduler(lr)]", schedulers.getMessage());
        Fixtures.Snapshot.of(o).assertSame(before, true, "after three refused loads");
        assertEquals(0L, lr.checkpointState().get("t"));

        assertEquals("stateDict must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadStateDict(o, null)).getMessage());
        assertEquals("optimizer must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.stateDict(null)).getMessage());
        assertEquals("no parameter called fc9", assertThrows(IllegalArgumentException.class,
                () -> withoutScheduler.buffer("fc9", "exp_avg")).getMessage());
        assertEquals("index must be in [0, 0), got 0", assertThrows(IllegalArgumentException.class,
                () -> withoutScheduler.schedulerState(0)).getMessage());
    }

    @Test
    void aParameterThatNeverSteppedHasNoState() {
        Optimizer o = nadam(Fixtures.model(9));
        StateDict dict = Checkpoints.stateDict(o);
        assertNull(dict.groups().get(0).parameters().get(0).state());
        assertEquals("parameter fc1.bias has no buffer exp_avg (it has not stepped)", assertThrows(
                IllegalArgumentException.class, () -> dict.buffer("fc1.bias", "exp_avg")).getMessage());
        Checkpoints.loadStateDict(o, dict);
        Fixtures.assertNoState(o);
    }

    @Test
    void aChainedSchedulerRoundTripsThroughAStateDict() {
        List<Parameter> model = Fixtures.model(10);
        Optimizer o = nadam(model);
        ChainedScheduler chain = new ChainedScheduler(new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5)),
                new HyperparameterScheduler(o, "lr", new LambdaFactor(t -> 1.0)));
        chain.step();
        StateDict dict = Checkpoints.stateDict(o, chain);
        Optimizer other = nadam(Fixtures.model(10));
        ChainedScheduler otherChain = new ChainedScheduler(
                new HyperparameterScheduler(other, "lr", new StepDecay(1, 0.5)),
                new HyperparameterScheduler(other, "lr", new LambdaFactor(t -> 1.0)));
        Checkpoints.loadStateDict(other, dict, otherChain);
        assertEquals(chain.checkpointState(), otherChain.checkpointState());
        assertEquals(o.paramGroups().get(1).lr(), other.paramGroups().get(1).lr());
    }
}
