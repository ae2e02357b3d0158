package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.tensor.FloatTensor;

/**
 * Slices of a {@link FlatParameters} buffer: groups with hyperparameters of their own (no weight decay on
 * biases) while every tensor lives in one array, with one kernel call per slice.
 */
class FlatSlicesTest {

    private static FlatParameters mlp() {
        return FlatParameters.builder("mlp").add("fc1.weight", 4, 6).add("fc1.bias", 4).add("fc2.weight", 3, 4)
                .add("fc2.bias", 3).slices(t -> t.endsWith(".bias") ? "no_decay" : "decay").build();
    }

    @Test
    void eachSliceIsOneContiguousRangeHoldingItsTensors() {
        FlatParameters flat = mlp();
        assertEquals(List.of("fc1.weight", "fc2.weight", "fc1.bias", "fc2.bias"), List.copyOf(flat.names()));
        Parameter decay = flat.slice("decay");
        Parameter noDecay = flat.slice("no_decay");
        assertEquals(List.of(decay, noDecay), flat.slices());
        assertEquals("mlp.decay", decay.name());
        assertEquals("mlp.no_decay", noDecay.name());
        assertEquals(36, decay.size());
        assertEquals(7, noDecay.size());
        assertSame(flat.parameter().value().array(), decay.value().array());
        assertSame(flat.parameter().grad().array(), noDecay.grad().array());
        assertEquals(0, decay.value().offset());
        assertEquals(24, flat.value("fc2.weight").offset());
        assertEquals(36, noDecay.value().offset());
        assertEquals(40, flat.grad("fc2.bias").offset());
        flat.value("fc2.bias").set(5f, 2);
        assertEquals(5f, noDecay.value().getFlat(6));
    }

    @Test
    void withoutSlicesTheLayoutIsTheOrderAddedAndThereAreNone() {
        FlatParameters flat = FlatParameters.builder("m").add("a", 2).add("b", 3).build();
        assertEquals(List.of("a", "b"), List.copyOf(flat.names()));
        assertEquals(List.of(), flat.slices());
        var e = assertThrows(IllegalArgumentException.class, () -> flat.slice("decay"));
        assertEquals("no slice called decay; there are [] (give the builder slices(...) for some)", e.getMessage());
    }

    /** AdamW over two slices, biases without weight decay, against one parameter per tensor in two groups. */
    @Test
    void noWeightDecayOnBiasesInOneBufferEqualsSeparateTensorsBitForBit() {
        FlatParameters flat = mlp();
        List<Parameter> weights = new ArrayList<>();
        List<Parameter> biases = new ArrayList<>();
        long seed = 1;
        for (String name : flat.names()) {
            FloatTensor value = FloatTensor.randomNormal(seed++, flat.value(name).shape());
            flat.value(name).copyFrom(value);
            (name.endsWith(".bias") ? biases : weights).add(new Parameter(name, value.copy(),
                    FloatTensor.zeros(value.shape())));
        }
        Hyperparameters decay = AdamW.defaults().with("lr", 0.01).with("weight_decay", 0.1);
        Hyperparameters noDecay = decay.with("weight_decay", 0);
        AdamW sliced = new AdamW(List.of(flat.slice("decay")), decay);
        sliced.addParamGroup(List.of(flat.slice("no_decay")), noDecay);
        AdamW separate = new AdamW(weights, decay);
        separate.addParamGroup(biases, noDecay);
        List<Parameter> all = new ArrayList<>(weights);
        all.addAll(biases);
        for (int step = 1; step <= 4; step++) {
            for (Parameter p : all) {
                FloatTensor g = FloatTensor.randomNormal(100L * step + p.name().hashCode(), p.value().shape());
                p.grad().copyFrom(g);
                flat.grad(p.name()).copyFrom(g);
            }
            sliced.step();
            separate.step();
        }
        for (Parameter p : all) {
            assertArrayEquals(p.value().toArray(), flat.value(p.name()).toArray(), p.name());
        }
    }

    @Test
    void aSliceAndTheWholeBufferInOneOptimizerAreRefusedAsOverlapping() {
        FlatParameters flat = mlp();
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(flat.parameter(), flat.slice("decay")), Sgd.defaults()));
        assertTrue(e.getMessage().contains("share memory in one array"), e.getMessage());
    }

    @Test
    void aSliceFunctionThatNamesNoSliceIsRefusedNamingTheTensor() {
        var blank = assertThrows(IllegalArgumentException.class, () -> FlatParameters.builder("m").add("a", 2)
                .add("b", 3).slices(t -> t.equals("b") ? " " : "x").build());
        assertEquals("the slice of tensor b must not be blank, got ' '", blank.getMessage());
        var none = assertThrows(IllegalArgumentException.class,
                () -> FlatParameters.builder("m").add("a", 2).slices(t -> null).build());
        assertEquals("the slice of tensor a must not be blank, got null", none.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> FlatParameters.builder("m").slices(null));
        assertEquals("sliceOf must not be null", missing.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> mlp().slice("biases"));
        assertEquals("no slice called biases; there are [decay, no_decay]", unknown.getMessage());
    }

    @Test
    void slicedGroupsCheckpointUnderTheSlicesNames() {
        FlatParameters flat = mlp();
        AdamW o = new AdamW(List.of(flat.slice("decay")), AdamW.defaults());
        o.addParamGroup(List.of(flat.slice("no_decay")), AdamW.defaults().with("weight_decay", 0));
        flat.parameter().grad().fill(0.5f);
        o.step();
        var dict = Checkpoints.stateDict(o);
        assertEquals("mlp.no_decay", dict.groups().get(1).parameters().get(0).name());
        assertEquals(0.0, dict.groups().get(1).hyperparameters().get("weight_decay"));
        assertEquals(7, dict.buffer("mlp.no_decay", "exp_avg").length);
        FlatParameters again = mlp();
        AdamW resumed = new AdamW(List.of(again.slice("decay")), AdamW.defaults());
        resumed.addParamGroup(List.of(again.slice("no_decay")), AdamW.defaults());
        Checkpoints.loadStateDict(resumed, dict);
        assertEquals(0.0, resumed.paramGroups().get(1).hyperparameters().get("weight_decay"));
    }
}
