package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

class AdamTest {

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0,
                "amsgrad", 0.0, "maximize", 0.0, "decoupled_weight_decay", 0.0), Adam.defaults().asMap());
    }

    @Test
    void rejectsNegativeLearningRate() {
        assertRejected(Adam.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
    }

    @Test
    void rejectsNanLearningRate() {
        assertRejected(Adam.defaults(), "lr", Double.NaN, "lr must be finite, got NaN");
    }

    @Test
    void rejectsNegativeEps() {
        assertRejected(Adam.defaults(), "eps", -1e-8, "eps must be >= 0, got -1.0E-8");
    }

    @Test
    void rejectsNanEps() {
        assertRejected(Adam.defaults(), "eps", Double.NaN, "eps must be finite, got NaN");
    }

    @Test
    void rejectsInfiniteEps() {
        assertRejected(Adam.defaults(), "eps", Double.POSITIVE_INFINITY, "eps must be finite, got Infinity");
    }

    @Test
    void rejectsBeta1OfOne() {
        assertRejected(Adam.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    @Test
    void rejectsNegativeBeta2() {
        assertRejected(Adam.defaults(), "beta2", -0.5, "beta2 must be in [0, 1), got -0.5");
    }

    @Test
    void rejectsNanBeta2() {
        assertRejected(Adam.defaults(), "beta2", Double.NaN, "beta2 must be finite, got NaN");
    }

    @Test
    void rejectsNegativeWeightDecay() {
        assertRejected(Adam.defaults(), "weight_decay", -1e-2, "weight_decay must be >= 0, got -0.01");
    }

    @Test
    void rejectsInfiniteWeightDecay() {
        assertRejected(Adam.defaults(), "weight_decay", Double.NEGATIVE_INFINITY,
                "weight_decay must be finite, got -Infinity");
    }

    @Test
    void acceptsTheBoundariesPyTorchAccepts() {
        Hyperparameters h = Adam.defaults().with(Adam.LR, 0).with(Adam.EPS, 0).with(Adam.BETA1, 0).with(Adam.BETA2, 0);
        assertEquals(0, h.get(Adam.BETA2));
    }

    @Test
    void rejectedSetLeavesTheOldValue() {
        assertRejectedSetKeepsOldValue(ps -> new Adam(ps, Adam.defaults()), "lr", -1, "lr must be >= 0, got -1");
        assertRejectedSetKeepsOldValue(ps -> new Adam(ps, Adam.defaults()), "beta1", Double.NaN,
                "beta1 must be finite, got NaN");
    }

    @Test
    void stateIsCreatedLazilyWithPyTorchNames() {
        Parameter w = parameter("w", 5, 1);
        Adam adam = new Adam(List.of(w), Adam.defaults());
        assertNull(adam.state("w"));
        randomGradient(w, new SplittableRandom(3));
        adam.step();
        assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(adam.state("w").buffers().keySet()));
        assertEquals(1, adam.state("w").step());
        assertEquals(Map.of(), adam.state("w").scalars());
    }

    @Test
    void amsgradKeepsTheRunningMaximumOfTheSecondMoment() {
        Parameter w = parameter("w", 4, 1);
        Adam adam = new Adam(List.of(w), Adam.defaults().with(Adam.AMSGRAD, true).with(Adam.BETA2, 0.5));
        w.grad().copyFrom(vecopt.tensor.FloatTensor.of(new float[] {10, -10, 1, 0}));
        adam.step();
        w.grad().fill(0.1f);
        adam.step();
        adam.step();
        ParameterState s = adam.state("w");
        assertEquals(List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), List.copyOf(s.buffers().keySet()));
        float[] v = s.buffer("exp_avg_sq");
        float[] vMax = s.buffer("max_exp_avg_sq");
        assertArrayEquals(new float[] {50f, 50f, 0.5f, 0.0075f}, vMax, 1e-6f);
        for (int i = 0; i < v.length; i++) {
            assertTrue(vMax[i] >= v[i], "max_exp_avg_sq below exp_avg_sq at " + i);
        }
    }

    @Test
    void firstStepMovesEveryWeightByLrAgainstItsGradient() {
        // Step 1: m / (1 - beta1) = g and sqrt(v / (1 - beta2)) = |g|, so each weight moves by lr * sign(g).
        Parameter w = parameter("w", 64, 7);
        float[] before = w.value().toArray();
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < w.size(); i++) {
            w.grad().setFlat(i, (float) (Math.pow(10, random.nextDouble(-6, 3)) * (random.nextBoolean() ? 1 : -1)));
        }
        Adam adam = new Adam(List.of(w), Adam.defaults().with(Adam.LR, 0.01).with(Adam.EPS, 0));
        adam.step();
        for (int i = 0; i < w.size(); i++) {
            double expected = before[i] - 0.01 * Math.signum(w.grad().getFlat(i));
            assertEquals(expected, w.value().getFlat(i), 1e-6, "element " + i);
        }
    }

    @Test
    void maximizeMovesWithTheGradient() {
        Parameter w = parameter("w", 16, 9);
        float[] before = w.value().toArray();
        w.grad().fill(2f);
        new Adam(List.of(w), Adam.defaults().with(Adam.MAXIMIZE, true)).step();
        for (int i = 0; i < w.size(); i++) {
            assertEquals(before[i] + 1e-3, w.value().getFlat(i), 1e-6);
        }
    }

    @Test
    void decoupledWeightDecayShrinksTheParameterBeforeTheStep() {
        // A zero gradient leaves m = 0, so the only change is p * (1 - lr * weight_decay).
        Parameter w = parameter("w", 16, 10);
        float[] before = w.value().toArray();
        new Adam(List.of(w), Adam.defaults().with(Adam.LR, 0.1).with(Adam.WEIGHT_DECAY, 0.5)
                .with(Adam.DECOUPLED_WEIGHT_DECAY, true)).step();
        for (int i = 0; i < w.size(); i++) {
            assertEquals(before[i] * 0.95f, w.value().getFlat(i));
        }
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = Adam.defaults();
        return Stream.of(
                d,
                d.with(Adam.LR, 1e-2).with(Adam.WEIGHT_DECAY, 0.1).with(Adam.MAXIMIZE, true),
                d.with(Adam.LR, 1e-2).with(Adam.BETA1, 0.8).with(Adam.BETA2, 0.9).with(Adam.EPS, 1e-6)
                        .with(Adam.AMSGRAD, true),
                d.with(Adam.LR, 1e-2).with(Adam.WEIGHT_DECAY, 0.1).with(Adam.DECOUPLED_WEIGHT_DECAY, true),
                d.with(Adam.WEIGHT_DECAY, 0.05).with(Adam.AMSGRAD, true).with(Adam.MAXIMIZE, true));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adam", h, Adam::new, 257, 25, 21,
                h.flag(Adam.AMSGRAD)
                        ? new String[] {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"} : new String[] {"exp_avg", "exp_avg_sq"});
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(Adam::new, h);
    }
}
