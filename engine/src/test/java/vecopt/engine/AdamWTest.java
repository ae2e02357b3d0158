package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.params.provider.ValueSource;

class AdamWTest {

    @Test
    void defaultsAreTorchDefaults() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 1e-2,
                "amsgrad", 0.0, "maximize", 0.0), AdamW.defaults().asMap());
        assertFalse(AdamW.defaults().has("decoupled_weight_decay"), "AdamW's decay is always decoupled");
    }

    @Test
    void rejectsNegativeLearningRate() {
        assertRejected(AdamW.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
    }

    @Test
    void rejectsInfiniteLearningRate() {
        assertRejected(AdamW.defaults(), "lr", Double.POSITIVE_INFINITY, "lr must be finite, got Infinity");
    }

    @Test
    void rejectsNanEps() {
        assertRejected(AdamW.defaults(), "eps", Double.NaN, "eps must be finite, got NaN");
    }

    @Test
    void rejectsBeta1OfOne() {
        assertRejected(AdamW.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    @Test
    void rejectsBeta2AboveOne() {
        assertRejected(AdamW.defaults(), "beta2", 1.5, "beta2 must be in [0, 1), got 1.5");
    }

    @Test
    void rejectsNegativeWeightDecay() {
        assertRejected(AdamW.defaults(), "weight_decay", -0.1, "weight_decay must be >= 0, got -0.1");
    }

    @Test
    void rejectsNanWeightDecay() {
        assertRejected(AdamW.defaults(), "weight_decay", Double.NaN, "weight_decay must be finite, got NaN");
    }

    @Test
    void rejectedSetLeavesTheOldValue() {
        assertRejectedSetKeepsOldValue(ps -> new AdamW(ps, AdamW.defaults()), "weight_decay", -1,
                "weight_decay must be >= 0, got -1");
    }

    @Test
    void stateIsCreatedLazilyWithPyTorchNames() {
        Parameter w = parameter("w", 5, 1);
        AdamW adamW = new AdamW(List.of(w), AdamW.defaults().with(AdamW.AMSGRAD, true));
        assertNull(adamW.state("w"));
        randomGradient(w, new SplittableRandom(3));
        adamW.step();
        assertEquals(List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
                List.copyOf(adamW.state("w").buffers().keySet()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void isAdamWithDecoupledWeightDecayBitForBit(boolean amsgrad) {
        Parameter a = parameter("w", 37, 4);
        Parameter b = parameter("w", 37, 4);
        AdamW adamW = new AdamW(List.of(a), AdamW.defaults().with(AdamW.LR, 0.01).with(AdamW.WEIGHT_DECAY, 0.1)
                .with(AdamW.AMSGRAD, amsgrad));
        Adam adam = new Adam(List.of(b), Adam.defaults().with(Adam.LR, 0.01).with(Adam.WEIGHT_DECAY, 0.1)
                .with(Adam.AMSGRAD, amsgrad).with(Adam.DECOUPLED_WEIGHT_DECAY, true));
        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 5; step++) {
            randomGradient(a, random);
            b.grad().copyFrom(a.grad());
            adamW.step();
            adam.step();
        }
        assertArrayEquals(b.value().toArray(), a.value().toArray());
        assertArrayEquals(adam.state("w").buffer("exp_avg_sq"), adamW.state("w").buffer("exp_avg_sq"));
    }

    @Test
    void zeroGradientOnlyShrinksTheParameter() {
        Parameter w = parameter("w", 16, 10);
        float[] before = w.value().toArray();
        new AdamW(List.of(w), AdamW.defaults().with(AdamW.LR, 0.1)).step();
        for (int i = 0; i < w.size(); i++) {
            assertEquals(before[i] * (float) (1 - 0.1 * 1e-2), w.value().getFlat(i));
        }
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = AdamW.defaults();
        return Stream.of(
                d,
                d.with(AdamW.LR, 1e-2).with(AdamW.WEIGHT_DECAY, 0.1).with(AdamW.AMSGRAD, true),
                d.with(AdamW.LR, 1e-2).with(AdamW.BETA1, 0.5).with(AdamW.BETA2, 0.9).with(AdamW.MAXIMIZE, true));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("AdamW", h, AdamW::new, 257, 25, 21,
                h.flag(AdamW.AMSGRAD)
                        ? new String[] {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"} : new String[] {"exp_avg", "exp_avg_sq"});
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(AdamW::new, h);
    }
}
