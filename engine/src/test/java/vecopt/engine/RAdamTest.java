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

class RAdamTest {

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0,
                "decoupled_weight_decay", 0.0, "maximize", 0.0), RAdam.defaults().asMap());
    }

    @Test
    void rejectsNegativeLearningRate() {
        assertRejected(RAdam.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
    }

    @Test
    void rejectsNanLearningRate() {
        assertRejected(RAdam.defaults(), "lr", Double.NaN, "lr must be finite, got NaN");
    }

    @Test
    void rejectsNegativeEps() {
        assertRejected(RAdam.defaults(), "eps", -1e-3, "eps must be >= 0, got -0.001");
    }

    @Test
    void rejectsNanEps() {
        assertRejected(RAdam.defaults(), "eps", Double.NaN, "eps must be finite, got NaN");
    }

    @Test
    void rejectsBeta1OfOne() {
        assertRejected(RAdam.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    @Test
    void rejectsBeta2OfOne() {
        assertRejected(RAdam.defaults(), "beta2", 1, "beta2 must be in [0, 1), got 1");
    }

    @Test
    void rejectsInfiniteWeightDecay() {
        assertRejected(RAdam.defaults(), "weight_decay", Double.POSITIVE_INFINITY,
                "weight_decay must be finite, got Infinity");
    }

    @Test
    void rejectedSetLeavesTheOldValue() {
        assertRejectedSetKeepsOldValue(ps -> new RAdam(ps, RAdam.defaults()), "beta2", 1,
                "beta2 must be in [0, 1), got 1");
    }

    @Test
    void stateIsCreatedLazilyWithPyTorchNames() {
        Parameter w = parameter("w", 5, 1);
        RAdam radam = new RAdam(List.of(w), RAdam.defaults());
        assertNull(radam.state("w"));
        randomGradient(w, new SplittableRandom(3));
        radam.step();
        assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(radam.state("w").buffers().keySet()));
    }

    @Test
    void stepsUpToRhoFiveAreUnadaptedAndLaterOnesRectified() {
        // A constant gradient g makes m / (1 - beta1^t) = g and sqrt(v / (1 - beta2^t)) = |g|. With
        // beta2 = 0.999, rho_t <= 5 for t <= 5: each step moves by lr * g. From step 6 on the step is
        // lr * r_t * g / (|g| + eps / sqrt(1 - beta2^t)).
        double lr = 1e-3;
        Parameter w = parameter("w", 8, 11);
        float[] gradient = {3f, -3f, 0.25f, -0.01f, 100f, -7f, 1e-3f, 0.5f};
        w.grad().copyFrom(vecopt.tensor.FloatTensor.of(gradient));
        RAdam radam = new RAdam(List.of(w), RAdam.defaults());
        double[] expected = new double[w.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = w.value().getFlat(i);
        }
        double rhoInf = 2 / (1 - 0.999) - 1;
        for (int t = 1; t <= 8; t++) {
            radam.step();
            double bias2 = 1 - Math.pow(0.999, t);
            double rhoT = rhoInf - 2 * t * Math.pow(0.999, t) / bias2;
            for (int i = 0; i < expected.length; i++) {
                double g = gradient[i];
                if (t <= 5) {
                    expected[i] -= lr * g;
                } else {
                    double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    expected[i] -= lr * rect * g / (Math.abs(g) + 1e-8 / Math.sqrt(bias2));
                }
                assertEquals(expected[i], w.value().getFlat(i), 2e-6 + 1e-5 * Math.abs(lr * g),
                        "step " + t + " element " + i);
            }
            assertEquals(t <= 5, rhoT <= 5, "step " + t);
        }
    }

    @Test
    void decoupledWeightDecayShrinksTheParameter() {
        Parameter w = parameter("w", 16, 10);
        float[] before = w.value().toArray();
        new RAdam(List.of(w), RAdam.defaults().with(RAdam.LR, 0.1).with(RAdam.WEIGHT_DECAY, 0.5)
                .with(RAdam.DECOUPLED_WEIGHT_DECAY, true)).step();
        for (int i = 0; i < w.size(); i++) {
            assertEquals(before[i] * 0.95f, w.value().getFlat(i));
        }
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = RAdam.defaults();
        return Stream.of(
                d,
                d.with(RAdam.LR, 1e-2).with(RAdam.WEIGHT_DECAY, 0.1).with(RAdam.MAXIMIZE, true),
                d.with(RAdam.LR, 1e-2).with(RAdam.WEIGHT_DECAY, 0.1).with(RAdam.DECOUPLED_WEIGHT_DECAY, true),
                d.with(RAdam.LR, 1e-2).with(RAdam.BETA1, 0.8).with(RAdam.BETA2, 0.9).with(RAdam.EPS, 1e-6));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("RAdam", h, RAdam::new, 257, 25, 21,
                "exp_avg", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(RAdam::new, h);
    }
}
