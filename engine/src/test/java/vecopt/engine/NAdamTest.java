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

class NAdamTest {

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(Map.of("lr", 2e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0,
                "momentum_decay", 4e-3, "decoupled_weight_decay", 0.0, "maximize", 0.0), NAdam.defaults().asMap());
    }

    @Test
    void rejectsNegativeLearningRate() {
        assertRejected(NAdam.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
    }

    @Test
    void rejectsNanEps() {
        assertRejected(NAdam.defaults(), "eps", Double.NaN, "eps must be finite, got NaN");
    }

    @Test
    void rejectsBeta1OfOne() {
        assertRejected(NAdam.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    @Test
    void rejectsNegativeBeta2() {
        assertRejected(NAdam.defaults(), "beta2", -0.1, "beta2 must be in [0, 1), got -0.1");
    }

    @Test
    void rejectsNegativeWeightDecay() {
        assertRejected(NAdam.defaults(), "weight_decay", -1, "weight_decay must be >= 0, got -1");
    }

    @Test
    void rejectsNegativeMomentumDecay() {
        assertRejected(NAdam.defaults(), "momentum_decay", -0.001, "momentum_decay must be >= 0, got -0.001");
    }

    @Test
    void rejectsNanMomentumDecay() {
        assertRejected(NAdam.defaults(), "momentum_decay", Double.NaN, "momentum_decay must be finite, got NaN");
    }

    @Test
    void rejectsInfiniteMomentumDecay() {
        assertRejected(NAdam.defaults(), "momentum_decay", Double.POSITIVE_INFINITY,
                "momentum_decay must be finite, got Infinity");
    }

    @Test
    void rejectedSetLeavesTheOldValue() {
        assertRejectedSetKeepsOldValue(ps -> new NAdam(ps, NAdam.defaults()), "momentum_decay", -1,
                "momentum_decay must be >= 0, got -1");
    }

    @Test
    void stateIsCreatedLazilyWithPyTorchNames() {
        Parameter w = parameter("w", 5, 1);
        NAdam nadam = new NAdam(List.of(w), NAdam.defaults());
        assertNull(nadam.state("w"));
        randomGradient(w, new SplittableRandom(3));
        nadam.step();
        ParameterState s = nadam.state("w");
        assertEquals(List.of("exp_avg", "exp_avg_sq"), List.copyOf(s.buffers().keySet()));
        assertEquals(List.of("mu_product"), List.copyOf(s.scalars().keySet()));
    }

    @Test
    void muProductIsTheProductOfTheMomentumSchedule() {
        Parameter w = parameter("w", 3, 1);
        NAdam nadam = new NAdam(List.of(w), NAdam.defaults().with(NAdam.MOMENTUM_DECAY, 0.3));
        double product = 1;
        for (int t = 1; t <= 4; t++) {
            randomGradient(w, new SplittableRandom(t));
            nadam.step();
            product *= 0.9 * (1 - 0.5 * Math.pow(0.96, t * 0.3));
            assertEquals(product, nadam.state("w").scalar("mu_product"));
        }
    }

    @Test
    void firstStepFollowsTheNesterovFormula() {
        // Step 1: d / denom = m / ((1 - beta1) denom) = g / (|g| + eps) = s.
        double lr = 0.01;
        double mu1 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.004));
        double mu2 = 0.9 * (1 - 0.5 * Math.pow(0.96, 0.008));
        double factor = lr * (1 + mu2 * 0.1 / (1 - mu1 * mu2));
        Parameter w = parameter("w", 64, 7);
        float[] before = w.value().toArray();
        randomGradient(w, new SplittableRandom(8));
        new NAdam(List.of(w), NAdam.defaults().with(NAdam.LR, lr)).step();
        for (int i = 0; i < w.size(); i++) {
            double g = w.grad().getFlat(i);
            assertEquals(before[i] - factor * g / (Math.abs(g) + 1e-8), w.value().getFlat(i), 1e-6, "element " + i);
        }
    }

    @Test
    void decoupledWeightDecayShrinksTheParameter() {
        Parameter w = parameter("w", 16, 10);
        float[] before = w.value().toArray();
        new NAdam(List.of(w), NAdam.defaults().with(NAdam.LR, 0.1).with(NAdam.WEIGHT_DECAY, 0.5)
                .with(NAdam.DECOUPLED_WEIGHT_DECAY, true)).step();
        for (int i = 0; i < w.size(); i++) {
            assertEquals(before[i] * 0.95f, w.value().getFlat(i));
        }
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = NAdam.defaults();
        return Stream.of(
                d,
                d.with(NAdam.LR, 1e-2).with(NAdam.WEIGHT_DECAY, 0.1).with(NAdam.MAXIMIZE, true),
                d.with(NAdam.LR, 1e-2).with(NAdam.WEIGHT_DECAY, 0.1).with(NAdam.DECOUPLED_WEIGHT_DECAY, true),
                d.with(NAdam.LR, 1e-2).with(NAdam.BETA1, 0.8).with(NAdam.BETA2, 0.9).with(NAdam.MOMENTUM_DECAY, 0.1)
                        .with(NAdam.EPS, 1e-6));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("NAdam", h, NAdam::new, 257, 25, 21,
                "exp_avg", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(NAdam::new, h);
    }
}
