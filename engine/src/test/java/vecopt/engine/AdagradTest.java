package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vecopt.tensor.FloatTensor;

class AdagradTest {

    private static Parameter param(String name, float... values) {
        return new Parameter(name, FloatTensor.of(values), FloatTensor.of(new float[values.length]));
    }

    @Test
    void defaultsAreTorchs() {
        Hyperparameters h = Adagrad.defaults();
        assertEquals(1e-2, h.get("lr"));
        assertEquals(0, h.get("lr_decay"));
        assertEquals(0, h.get("weight_decay"));
        assertEquals(0, h.get("initial_accumulator_value"));
        assertEquals(1e-10, h.get("eps"));
        assertFalse(h.flag(Adagrad.MAXIMIZE));
    }

    @Test
    void rejectsNegativeLearningRate() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("lr", -0.1));
        assertEquals("lr must be >= 0, got -0.1", e.getMessage());
    }

    @Test
    void rejectsNegativeLrDecay() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("lr_decay", -1e-3));
        assertEquals("lr_decay must be >= 0, got -0.001", e.getMessage());
    }

    @Test
    void rejectsNegativeWeightDecay() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("weight_decay", -1));
        assertEquals("weight_decay must be >= 0, got -1", e.getMessage());
    }

    @Test
    void rejectsNegativeInitialAccumulatorValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Adagrad.defaults().with("initial_accumulator_value", -0.5));
        assertEquals("initial_accumulator_value must be >= 0, got -0.5", e.getMessage());
    }

    @Test
    void rejectsNegativeEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("eps", -1e-10));
        assertEquals("eps must be >= 0, got -1.0E-10", e.getMessage());
    }

    @Test
    void rejectsNanEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("eps", Double.NaN));
        assertEquals("eps must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectsInfiniteLearningRate() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Adagrad.defaults().with("lr", Double.POSITIVE_INFINITY));
        assertEquals("lr must be finite, got Infinity", e.getMessage());
    }

    @Test
    void rejectsNanLrDecay() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adagrad.defaults().with("lr_decay", Double.NaN));
        assertEquals("lr_decay must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectedGroupChangeKeepsTheOldValue() {
        Adagrad adagrad = new Adagrad(List.of(param("w", 1f)), Adagrad.defaults().with("lr_decay", 0.5));
        ParamGroup group = adagrad.paramGroups().get(0);
        assertThrows(IllegalArgumentException.class, () -> group.set("lr_decay", -1));
        assertThrows(IllegalArgumentException.class, () -> group.set("eps", Double.NaN));
        assertEquals(0.5, group.hyperparameters().get("lr_decay"));
        assertEquals(1e-10, group.hyperparameters().get("eps"));
    }

    @Test
    void sumIsCreatedOnTheFirstStepFromInitialAccumulatorValue() {
        Parameter w = param("w", 1f, 2f);
        Adagrad adagrad = new Adagrad(List.of(w), Adagrad.defaults().with("initial_accumulator_value", 0.25));
        assertNull(adagrad.state("w"));
        adagrad.step();
        assertEquals(List.of("sum"), List.copyOf(adagrad.state("w").buffers().keySet()));
        assertArrayEquals(new float[] {0.25f, 0.25f}, adagrad.state("w").buffer("sum"));
        assertEquals(1, adagrad.state("w").step());
    }

    @Test
    void firstStepMovesEachElementByLrTimesTheGradientsSign() {
        Parameter w = param("w", 1f, 1f);
        w.grad().setFlat(0, 3f);
        w.grad().setFlat(1, -0.5f);
        new Adagrad(List.of(w), Adagrad.defaults().with("lr", 0.5).with("eps", 0)).step();
        assertArrayEquals(new float[] {0.5f, 1.5f}, w.value().toArray());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 1003})
    void followsTheTextbookRuleWithDefaults(int n) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adagrad", Adagrad.defaults(), Adagrad::new,
                n, 25, 11 + n, "sum");
    }

    @Test
    void followsTheTextbookRuleWithLrDecayWeightDecayAccumulatorAndMaximize() {
        Hyperparameters h = Adagrad.defaults().with("lr", 0.1).with("lr_decay", 0.05)
                .with("weight_decay", 1e-2).with("initial_accumulator_value", 0.1).with("eps", 1e-6)
                .with("maximize", true);
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adagrad", h, Adagrad::new, 1003, 25, 12, "sum");
    }
}
