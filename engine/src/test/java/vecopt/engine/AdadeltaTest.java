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

class AdadeltaTest {

    private static Parameter param(String name, float... values) {
        return new Parameter(name, FloatTensor.of(values), FloatTensor.of(new float[values.length]));
    }

    @Test
    void defaultsAreTorchs() {
        Hyperparameters h = Adadelta.defaults();
        assertEquals(1.0, h.get("lr"));
        assertEquals(0.9, h.get("rho"));
        assertEquals(1e-6, h.get("eps"));
        assertEquals(0, h.get("weight_decay"));
        assertFalse(h.flag(Adadelta.MAXIMIZE));
    }

    @Test
    void rejectsNegativeLearningRate() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("lr", -0.1));
        assertEquals("lr must be >= 0, got -0.1", e.getMessage());
    }

    @Test
    void rejectsRhoAboveOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("rho", 1.5));
        assertEquals("rho must be in [0, 1], got 1.5", e.getMessage());
    }

    @Test
    void rejectsNegativeRho() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("rho", -0.1));
        assertEquals("rho must be in [0, 1], got -0.1", e.getMessage());
    }

    @Test
    void acceptsRhoAtBothEnds() {
        assertEquals(0, Adadelta.defaults().with("rho", 0).get("rho"));
        assertEquals(1, Adadelta.defaults().with("rho", 1).get("rho"));
    }

    @Test
    void rejectsNegativeEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("eps", -1e-6));
        assertEquals("eps must be >= 0, got -1.0E-6", e.getMessage());
    }

    @Test
    void rejectsNanEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("eps", Double.NaN));
        assertEquals("eps must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectsNanRho() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("rho", Double.NaN));
        assertEquals("rho must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectsInfiniteWeightDecay() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Adadelta.defaults().with("weight_decay", Double.POSITIVE_INFINITY));
        assertEquals("weight_decay must be finite, got Infinity", e.getMessage());
    }

    @Test
    void rejectsNegativeWeightDecay() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adadelta.defaults().with("weight_decay", -1e-2));
        assertEquals("weight_decay must be >= 0, got -0.01", e.getMessage());
    }

    @Test
    void rejectedGroupChangeKeepsTheOldValue() {
        Adadelta adadelta = new Adadelta(List.of(param("w", 1f)), Adadelta.defaults().with("rho", 0.95));
        ParamGroup group = adadelta.paramGroups().get(0);
        assertThrows(IllegalArgumentException.class, () -> group.set("rho", 2));
        assertThrows(IllegalArgumentException.class, () -> group.set("lr", -1));
        assertEquals(0.95, group.hyperparameters().get("rho"));
        assertEquals(1.0, group.lr());
    }

    @Test
    void squareAvgAndAccDeltaAreCreatedOnTheFirstStep() {
        Parameter w = param("w", 1f, 2f);
        Adadelta adadelta = new Adadelta(List.of(w), Adadelta.defaults());
        assertNull(adadelta.state("w"));
        adadelta.step();
        assertEquals(List.of("square_avg", "acc_delta"), List.copyOf(adadelta.state("w").buffers().keySet()));
        assertArrayEquals(new float[2], adadelta.state("w").buffer("square_avg"));
        assertEquals(1, adadelta.state("w").step());
    }

    @Test
    void firstStepScalesTheGradientByTheRootOfEpsOverTheSquareAverage() {
        // rho 0: square_avg = g^2 and delta = sqrt(eps / (g^2 + eps)) * g, which is g / 2 for eps = g^2 / 3.
        Parameter w = param("w", 1f, 1f);
        w.grad().setFlat(0, 0.2f);
        w.grad().setFlat(1, -0.2f);
        new Adadelta(List.of(w), Adadelta.defaults().with("rho", 0).with("eps", 0.04 / 3)).step();
        assertArrayEquals(new float[] {0.9f, 1.1f}, w.value().toArray(), 1e-6f);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 1003})
    void followsTheTextbookRuleWithDefaults(int n) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adadelta", Adadelta.defaults(), Adadelta::new,
                n, 25, 31 + n, "square_avg", "acc_delta");
    }

    @Test
    void followsTheTextbookRuleWithWeightDecayRhoEpsAndMaximize() {
        Hyperparameters h = Adadelta.defaults().with("lr", 0.5).with("rho", 0.95).with("eps", 1e-4)
                .with("weight_decay", 1e-2).with("maximize", true);
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adadelta", h, Adadelta::new, 1003, 25, 32,
                "square_avg", "acc_delta");
    }
}
