package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vecopt.engine.AdamFamilyChecks.assertRejected;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.ScheduleFreeAveraging;
import vecopt.tensor.FloatTensor;

class SGDScheduleFreeTest {

    @Test
    void defaultsAreTheSchedulefreePackages() {
        assertEquals(Map.of("lr", 1.0, "momentum", 0.9, "weight_decay", 0.0, "warmup_steps", 0.0, "r", 0.0,
                "weight_lr_power", 2.0, "maximize", 0.0), SGDScheduleFree.defaults().asMap());
    }

    @Test
    void rejectsOutOfRangeValuesNamingThem() {
        assertRejected(SGDScheduleFree.defaults(), "momentum", 0, "momentum must be in (0, 1), got 0");
        assertRejected(SGDScheduleFree.defaults(), "momentum", 1, "momentum must be in (0, 1), got 1");
        assertRejected(SGDScheduleFree.defaults(), "lr", -0.1, "lr must be >= 0, got -0.1");
        assertRejected(SGDScheduleFree.defaults(), "warmup_steps", -1, "warmup_steps must be >= 0, got -1");
        assertRejected(SGDScheduleFree.defaults(), "r", -1, "r must be >= 0, got -1");
        assertRejected(SGDScheduleFree.defaults(), "weight_lr_power", -2, "weight_lr_power must be >= 0, got -2");
    }

    @Test
    void aRejectedMomentumKeepsTheOldOne() {
        AdamFamilyChecks.assertRejectedSetKeepsOldValue(ps -> new SGDScheduleFree(ps, SGDScheduleFree.defaults()),
                "momentum", 0, "momentum must be in (0, 1), got 0");
    }

    @Test
    void fromTorchTakesThePackagesKwargs() {
        Optimizer o = Optimizers.fromTorch("SGDScheduleFree", List.of(Parameter.of("w", FloatTensor.zeros(2))),
                Map.of("lr", 0.5, "momentum", 0.8, "warmup_steps", 100, "r", 1.0, "weight_lr_power", 1.0, "foreach", true));
        assertTrue(o instanceof SGDScheduleFree);
        assertEquals(0.8, o.paramGroups().get(0).hyperparameters().get("momentum"));
        assertEquals(100, o.paramGroups().get(0).hyperparameters().get("warmup_steps"));
    }

    /**
     * By hand: the first step reads z as y and has c = 1, so y and z both become
     * {@code y - lr (g + weight_decay y)} = 1 - 0.5 (2 + 0.1) = -0.05, the same bits.
     */
    @Test
    void firstStepMovesYAndZTogether() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        SGDScheduleFree o = new SGDScheduleFree(List.of(w), SGDScheduleFree.defaults().with(SGDScheduleFree.LR, 0.5)
                .with(SGDScheduleFree.WEIGHT_DECAY, 0.1));
        o.step();
        assertArrayEquals(new float[] {Math.fma(-0.5f, 2.1f, 1f)}, w.value().toArray());
        assertArrayEquals(w.value().toArray(), o.state("w").buffer("z"));
        assertEquals(0.25, o.state("w").scalar("weight_sum"));
        assertEquals(0.5, o.state("w").scalar("lr_max"));
    }

    /**
     * c_{t+1}: 1/t by default (the uniform average); during a warm-up of 4 steps at lr 1 the weights
     * are lr_t^2 = 1/16, 4/16, 9/16, 1, 1; with r = 1 they are t, so c = 2 / (t + 1).
     */
    @Test
    void averagingWeightsFollowThePapersWarmUpAndPolynomialWeighting() {
        assertEquals(List.of(1.0, 0.5, 1.0 / 3, 0.25), weights(SGDScheduleFree.defaults(), 4));
        List<Double> warm = weights(SGDScheduleFree.defaults().with(SGDScheduleFree.WARMUP_STEPS, 4), 5);
        double[] w = {1 / 16.0, 4 / 16.0, 9 / 16.0, 1, 1};
        double sum = 0;
        for (int t = 0; t < 5; t++) {
            sum += w[t];
            assertEquals(w[t] / sum, warm.get(t), 1e-15, "c at step " + (t + 1));
        }
        List<Double> linear = weights(SGDScheduleFree.defaults().with(SGDScheduleFree.R, 1), 4);
        for (int t = 1; t <= 4; t++) {
            assertEquals(2.0 / (t + 1), linear.get(t - 1), 1e-15);
        }
    }

    private static List<Double> weights(Hyperparameters h, int steps) {
        double lrMax = ScheduleFreeAveraging.INITIAL_LR_MAX;
        double sum = 0;
        List<Double> c = new java.util.ArrayList<>();
        for (int t = 1; t <= steps; t++) {
            ScheduleFreeAveraging a = ScheduleFreeAveraging.forStep("SGDScheduleFree", h, t, lrMax, sum);
            lrMax = a.lrMax();
            sum = a.weightSum();
            c.add(a.ckp1());
        }
        return c;
    }

    /** lr 0 on the first step: the weight is 0^2, the sum 0, and c 0 (the package's ZeroDivisionError case). */
    @Test
    void aZeroLearningRateLeavesTheParametersAndAveragesNothing() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f, -2f}), FloatTensor.of(new float[] {3f, 4f}));
        SGDScheduleFree o = new SGDScheduleFree(List.of(w), SGDScheduleFree.defaults().with(SGDScheduleFree.LR, 0));
        o.step();
        assertArrayEquals(new float[] {1f, -2f}, w.value().toArray());
        assertEquals(0.0, o.state("w").scalar("weight_sum"));
    }

    @Test
    void refusesAnOverflowingAveragingWeightNamingIt() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        SGDScheduleFree o = new SGDScheduleFree(List.of(w), SGDScheduleFree.defaults().with(SGDScheduleFree.LR, 1e30)
                .with(SGDScheduleFree.WEIGHT_LR_POWER, 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::step);
        assertTrue(e.getMessage().startsWith("SGDScheduleFree's coefficient weight_sum"), e.getMessage());
        assertArrayEquals(new float[] {1f}, w.value().toArray(), "nothing changed");
        assertEquals(null, o.state("w"), "no state was created");
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = SGDScheduleFree.defaults().with(SGDScheduleFree.LR, 1e-3);
        return Stream.of(
                d,
                d.with(SGDScheduleFree.LR, 1e-2).with(SGDScheduleFree.MOMENTUM, 0.5)
                        .with(SGDScheduleFree.WEIGHT_DECAY, 0.1).with(SGDScheduleFree.MAXIMIZE, true),
                d.with(SGDScheduleFree.WARMUP_STEPS, 7).with(SGDScheduleFree.R, 1.5)
                        .with(SGDScheduleFree.WEIGHT_LR_POWER, 1).with(SGDScheduleFree.MOMENTUM, 0.98));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("SGDScheduleFree", h, SGDScheduleFree::new, 257, 25, 31, "z");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(SGDScheduleFree::new, h);
    }
}
