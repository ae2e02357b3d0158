package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * A step either updates every parameter or changes nothing, for every failure that can be known
 * before the first write; the parameter list is refused at construction when it is empty or when
 * parameters share memory.
 */
class AllOrNothingStepTest {

    /** A user's rule whose one buffer cannot be allocated: 2^31 - 2 floats per parameter. */
    static final class HugeState extends Optimizer {
        static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 0.1, 0)), h -> { });
        static final Rule RULE = Rule.builder("HugeState", DEFAULTS, HugeState::new)
                .add(new Rule.Buffer("big", s -> new int[] {Integer.MAX_VALUE - 2}, Rule.Buffer.ALWAYS, h -> 0))
                .build();

        HugeState(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext c) {
            return StepPlan.of((v, vOff, g, gOff, from, n) -> {
                for (int i = 0; i < n; i++) {
                    v[vOff + i] -= 0.1f * g[gOff + i];
                }
            });
        }
    }

    private static Parameter parameter(String name, float... values) {
        float[] g = new float[values.length];
        java.util.Arrays.fill(g, 1f);
        return new Parameter(name, FloatTensor.of(values), FloatTensor.of(g));
    }

    @Test
    void aStateAllocationThatFailsLeavesNoStateBehind() {
        Parameter a = parameter("a", 1f, 2f);
        Optimizer o = new HugeState(List.of(a), HugeState.DEFAULTS);
        assertThrows(OutOfMemoryError.class, o::step);
        assertNull(o.state("a"), "the state created before the failure is removed again");
        assertArrayEquals(new float[] {1f, 2f}, a.value().toArray());
        assertThrows(OutOfMemoryError.class, o::allocateState);
        assertNull(o.state("a"));
    }

    @Test
    void aFailingSecondParameterLeavesTheFirstUntouched() {
        float[] w = {1f, 2f};
        Parameter first = new Parameter("first", FloatTensor.of(w), FloatTensor.of(new float[] {1f, 1f}));
        Optimizer adam = Optimizers.fromTorch("Adam", List.of(first), Map.of("lr", 1e-3));
        adam.addParamGroup(List.of(parameter("second", 3f)), Adam.defaults().with("lr", 3e38));
        assertThrows(IllegalArgumentException.class, adam::step);
        assertArrayEquals(new float[] {1f, 2f}, w);
        assertNull(adam.state("first"), "state of the first parameter is not created either");
    }

    @Test
    void aClosedExecutorIsRefusedBeforeAnythingIsWritten() {
        float[] w = {1f, 2f};
        Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(new float[] {1f, 1f}));
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 0.1, "momentum", 0.9));
        ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1);
        sgd.setExecutor(executor);
        executor.close();
        var e = assertThrows(IllegalStateException.class, sgd::step);
        assertTrue(e.getMessage().contains("executor") && e.getMessage().contains("closed"), e.getMessage());
        assertArrayEquals(new float[] {1f, 2f}, w);
        assertNull(sgd.state("w"));
    }

    @Test
    void allocatingStateEagerlyChangesNoResult() {
        // dampening makes the first momentum step differ from later ones: the eager buffer must still count as new
        Map<String, Object> kwargs = Map.of("lr", 0.1, "momentum", 0.9, "dampening", 0.5);
        Parameter eagerP = parameter("w", 1f, -2f, 3f);
        Parameter lazyP = parameter("w", 1f, -2f, 3f);
        Optimizer eager = Optimizers.fromTorch("SGD", List.of(eagerP), kwargs);
        Optimizer lazy = Optimizers.fromTorch("SGD", List.of(lazyP), kwargs);
        eager.allocateState();
        assertNotNull(eager.state("w").buffer("momentum_buffer"));
        assertEquals(0, eager.state("w").step());
        for (int i = 0; i < 3; i++) {
            eager.step();
            lazy.step();
        }
        assertArrayEquals(lazyP.value().toArray(), eagerP.value().toArray());
        assertArrayEquals(lazy.state("w").buffer("momentum_buffer"), eager.state("w").buffer("momentum_buffer"));
    }

    @Test
    void rejectsAnEmptyParameterList() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), Adam.defaults()));
        assertEquals("Adam got an empty parameter list; give it at least one parameter", e.getMessage());
    }

    @Test
    void rejectsAParameterWhoseGradientIsItsValue() {
        float[] shared = {1f, 2f};
        Parameter p = new Parameter("w", FloatTensor.of(shared), FloatTensor.of(shared));
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), Sgd.defaults()));
        assertEquals("the gradient of w (elements [0, 2)) and the value of w (elements [0, 2)) share memory in one"
                + " array; every element must belong to one tensor only", e.getMessage());
    }

    @Test
    void rejectsAFlatParametersViewAddedAgainAsItsOwnParameter() {
        FlatParameters flat = FlatParameters.builder("mlp").add("fc.weight", 2, 3).add("fc.bias", 2).build();
        Optimizer adam = new Adam(List.of(flat.parameter()), Adam.defaults());
        Parameter bias = new Parameter("fc.bias", flat.value("fc.bias"), flat.grad("fc.bias"));
        var e = assertThrows(IllegalArgumentException.class, () -> adam.addParamGroup(List.of(bias)));
        assertTrue(e.getMessage().contains("fc.bias") && e.getMessage().contains("mlp"), e.getMessage());
        assertEquals(1, adam.paramGroups().size(), "the rejected group is not added");
    }

    @Test
    void rejectsNullHyperparametersForANewGroupNamingThem() {
        Optimizer sgd = new Sgd(List.of(parameter("a", 1f)), Sgd.defaults());
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.addParamGroup(List.of(parameter("b", 1f)), null));
        assertTrue(e.getMessage().startsWith("hyperparameters must not be null"), e.getMessage());
    }
}
