package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static vecopt.engine.AdamFamilyChecks.assertRejected;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.FloatTensor;

class AdamWScheduleFreeTest {

    @Test
    void defaultsAreTheSchedulefreePackages() {
        assertEquals(Map.of("lr", 0.0025, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0,
                "warmup_steps", 0.0, "r", 0.0, "weight_lr_power", 2.0, "maximize", 0.0),
                AdamWScheduleFree.defaults().asMap());
    }

    @Test
    void rejectsOutOfRangeValuesNamingThem() {
        assertRejected(AdamWScheduleFree.defaults(), "beta1", 0, "beta1 must be in (0, 1), got 0");
        assertRejected(AdamWScheduleFree.defaults(), "beta1", 1, "beta1 must be in (0, 1), got 1");
        assertRejected(AdamWScheduleFree.defaults(), "beta2", 1, "beta2 must be in [0, 1), got 1");
        assertRejected(AdamWScheduleFree.defaults(), "eps", -1e-8, "eps must be >= 0, got -1.0E-8");
        assertRejected(AdamWScheduleFree.defaults(), "warmup_steps", -1, "warmup_steps must be >= 0, got -1");
    }

    @Test
    void aRejectedBeta1KeepsTheOldOne() {
        AdamFamilyChecks.assertRejectedSetKeepsOldValue(ps -> new AdamWScheduleFree(ps, AdamWScheduleFree.defaults()),
                "beta1", 0, "beta1 must be in (0, 1), got 0");
    }

    /**
     * By hand, the first step with beta2 0.75: v = 0.25 * 4 = 1, sqrt(v / (1 - 0.75)) = 2, so
     * u = 2 / 2 + 0.1 * 1 = 1.1, and y = z = 1 - 0.5 * 1.1 (c = 1).
     */
    @Test
    void firstStepNormalisesByTheCorrectedRootAndDecaysAtY() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        AdamWScheduleFree o = new AdamWScheduleFree(List.of(w), AdamWScheduleFree.defaults()
                .with(AdamWScheduleFree.LR, 0.5).with(AdamWScheduleFree.BETA2, 0.75).with(AdamWScheduleFree.EPS, 0)
                .with(AdamWScheduleFree.WEIGHT_DECAY, 0.1));
        o.step();
        assertArrayEquals(new float[] {1f}, o.state("w").buffer("exp_avg_sq"));
        assertArrayEquals(new float[] {0.45f}, w.value().toArray());
        assertArrayEquals(w.value().toArray(), o.state("w").buffer("z"));
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = AdamWScheduleFree.defaults();
        return Stream.of(
                d,
                d.with(AdamWScheduleFree.LR, 1e-2).with(AdamWScheduleFree.MAXIMIZE, true)
                        .with(AdamWScheduleFree.WEIGHT_DECAY, 0.1).with(AdamWScheduleFree.WARMUP_STEPS, 10),
                d.with(AdamWScheduleFree.BETA1, 0.5).with(AdamWScheduleFree.BETA2, 0.9).with(AdamWScheduleFree.EPS, 1e-3)
                        .with(AdamWScheduleFree.R, 2).with(AdamWScheduleFree.WEIGHT_LR_POWER, 0));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("AdamWScheduleFree", h, AdamWScheduleFree::new, 257, 25, 41,
                "z", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(AdamWScheduleFree::new, h);
    }
}
