package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static vecopt.engine.AdamFamilyChecks.assertRejected;
import static vecopt.engine.AdamFamilyChecks.assertRejectedSetKeepsOldValue;
import static vecopt.engine.AdamFamilyChecks.parameter;
import static vecopt.engine.AdamFamilyChecks.randomGradient;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AdamaxTest {

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(Map.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0,
                "maximize", 0.0), Adamax.defaults().asMap());
    }

    @Test
    void rejectsNegativeLearningRate() {
        assertRejected(Adamax.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
    }

    @Test
    void rejectsNegativeEps() {
        assertRejected(Adamax.defaults(), "eps", -1, "eps must be >= 0, got -1");
    }

    @Test
    void rejectsNanEps() {
        assertRejected(Adamax.defaults(), "eps", Double.NaN, "eps must be finite, got NaN");
    }

    @Test
    void rejectsBeta1OfOne() {
        assertRejected(Adamax.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    @Test
    void rejectsInfiniteBeta2() {
        assertRejected(Adamax.defaults(), "beta2", Double.POSITIVE_INFINITY, "beta2 must be finite, got Infinity");
    }

    @Test
    void rejectsNegativeWeightDecay() {
        assertRejected(Adamax.defaults(), "weight_decay", -0.5, "weight_decay must be >= 0, got -0.5");
    }

    @Test
    void rejectedSetLeavesTheOldValue() {
        assertRejectedSetKeepsOldValue(ps -> new Adamax(ps, Adamax.defaults()), "eps", Double.NaN,
                "eps must be finite, got NaN");
    }

    @Test
    void stateIsCreatedLazilyWithPyTorchNames() {
        Parameter w = parameter("w", 5, 1);
        Adamax adamax = new Adamax(List.of(w), Adamax.defaults());
        assertNull(adamax.state("w"));
        randomGradient(w, new SplittableRandom(3));
        adamax.step();
        assertEquals(List.of("exp_avg", "exp_inf"), List.copyOf(adamax.state("w").buffers().keySet()));
    }

    @Test
    void firstStepMovesEveryWeightByLrAgainstItsGradient() {
        // Step 1: m / (1 - beta1) = g and u = |g| + eps, so each weight moves by lr * g / (|g| + eps).
        Parameter w = parameter("w", 64, 7);
        float[] before = w.value().toArray();
        randomGradient(w, new SplittableRandom(8));
        new Adamax(List.of(w), Adamax.defaults().with(Adamax.LR, 0.01)).step();
        for (int i = 0; i < w.size(); i++) {
            double g = w.grad().getFlat(i);
            assertEquals(before[i] - 0.01 * g / (Math.abs(g) + 1e-8), w.value().getFlat(i), 1e-6, "element " + i);
        }
    }

    @Test
    void infinityNormDecaysAndTakesTheMaximum() {
        Parameter w = parameter("w", 2, 1);
        Adamax adamax = new Adamax(List.of(w), Adamax.defaults().with(Adamax.BETA2, 0.5).with(Adamax.EPS, 0));
        w.grad().copyFrom(vecopt.tensor.FloatTensor.of(new float[] {-8, 1}));
        adamax.step();
        w.grad().copyFrom(vecopt.tensor.FloatTensor.of(new float[] {1, 3}));
        adamax.step();
        float[] u = adamax.state("w").buffer("exp_inf");
        assertEquals(4f, u[0]);
        assertEquals(3f, u[1]);
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = Adamax.defaults();
        return Stream.of(
                d,
                d.with(Adamax.LR, 1e-2).with(Adamax.WEIGHT_DECAY, 0.1).with(Adamax.MAXIMIZE, true),
                d.with(Adamax.LR, 1e-2).with(Adamax.BETA1, 0.5).with(Adamax.BETA2, 0.9).with(Adamax.EPS, 1e-4));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adamax", h, Adamax::new, 257, 25, 21,
                "exp_avg", "exp_inf");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(Adamax::new, h);
    }
}
