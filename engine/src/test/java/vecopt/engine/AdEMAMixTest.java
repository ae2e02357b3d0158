package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static vecopt.engine.AdamFamilyChecks.assertRejected;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.AdEMAMixCoefficients;
import vecopt.tensor.FloatTensor;

class AdEMAMixTest {

    @Test
    void defaultsAreOptaxs() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "beta3", 0.9999, "alpha", 5.0,
                "eps", 1e-8, "weight_decay", 0.0, "t_alpha", 0.0, "t_beta3", 0.0, "maximize", 0.0),
                AdEMAMix.defaults().asMap());
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertRejected(AdEMAMix.defaults(), "beta3", 1, "beta3 must be in [0, 1), got 1");
        assertRejected(AdEMAMix.defaults(), "alpha", -1, "alpha must be >= 0, got -1");
        assertRejected(AdEMAMix.defaults(), "t_alpha", -1, "t_alpha must be >= 0, got -1");
        assertRejected(AdEMAMix.defaults(), "t_beta3", -1, "t_beta3 must be >= 0, got -1");
    }

    /**
     * One step by hand: m1 = m2 = 1, v = 1; m1 / (1 - 0.5) = 2, sqrt(v / (1 - 0.75)) = 2, so
     * u = (2 + 2 * 1) / 2 = 2 and p = 1 * (1 - 0.5 * 0.1) - 0.5 * 2.
     */
    @Test
    void oneStepMixesTheCorrectedFastEmaWithTheUncorrectedSlowOne() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        AdEMAMix o = new AdEMAMix(List.of(w), AdEMAMix.defaults().with(AdEMAMix.LR, 0.5).with(AdEMAMix.BETA1, 0.5)
                .with(AdEMAMix.BETA2, 0.75).with(AdEMAMix.BETA3, 0.5).with(AdEMAMix.ALPHA, 2).with(AdEMAMix.EPS, 0)
                .with(AdEMAMix.WEIGHT_DECAY, 0.1));
        o.step();
        assertArrayEquals(new float[] {1f}, o.state("w").buffer("exp_avg_fast"));
        assertArrayEquals(new float[] {1f}, o.state("w").buffer("exp_avg_slow"));
        assertArrayEquals(new float[] {1f}, o.state("w").buffer("exp_avg_sq"));
        assertArrayEquals(new float[] {0.95f - 1f}, w.value().toArray());
    }

    /** alpha rises linearly from 0 (the count before the step) and stays at alpha after t_alpha steps. */
    @Test
    void alphaWarmsUpLinearlyFromZero() {
        Hyperparameters h = AdEMAMix.defaults().with(AdEMAMix.T_ALPHA, 2);
        assertEquals(0f, AdEMAMixCoefficients.forStep(h, 1, StepContext.NONE).alpha());
        assertEquals(2.5f, AdEMAMixCoefficients.forStep(h, 2, StepContext.NONE).alpha());
        assertEquals(5f, AdEMAMixCoefficients.forStep(h, 3, StepContext.NONE).alpha());
        assertEquals(5f, AdEMAMixCoefficients.forStep(h, 1000, StepContext.NONE).alpha());
        assertEquals(5f, AdEMAMixCoefficients.forStep(AdEMAMix.defaults(), 1, StepContext.NONE).alpha(),
                "t_alpha 0: no warm-up");
    }

    /** beta3 goes from beta1 to beta3 by the paper's scheduler; t_beta3 0 means beta3 throughout. */
    @Test
    void beta3WarmsUpFromBeta1ByThePapersScheduler() {
        Hyperparameters h = AdEMAMix.defaults().with(AdEMAMix.T_BETA3, 4);
        assertEquals(0.9f, AdEMAMixCoefficients.forStep(h, 1, StepContext.NONE).beta3(), 1e-7f);
        double l1 = Math.log(0.9);
        double l3 = Math.log(0.9999);
        double s = 0.25;
        float paper = (float) Math.min(Math.exp(l1 * l3 / ((1 - s) * l3 + s * l1)), 0.9999);
        assertEquals(paper, AdEMAMixCoefficients.forStep(h, 2, StepContext.NONE).beta3(), 1e-7f);
        assertEquals(0.9999f, AdEMAMixCoefficients.forStep(h, 5, StepContext.NONE).beta3());
        assertEquals(0.9999f, AdEMAMixCoefficients.forStep(AdEMAMix.defaults(), 1, StepContext.NONE).beta3(),
                "t_beta3 0: no warm-up");
        Hyperparameters zeros = h.with(AdEMAMix.BETA1, 0).with(AdEMAMix.BETA3, 0);
        assertEquals(0f, AdEMAMixCoefficients.forStep(zeros, 2, StepContext.NONE).beta3(), "both betas 0");
        assertEquals(0f, AdEMAMixCoefficients.forStep(h.with(AdEMAMix.BETA1, 0), 1, StepContext.NONE).beta3(),
                "beta1 0 starts at 0");
    }

    @Test
    void refusesAnOverflowingDecayNamingIt() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        AdEMAMix o = new AdEMAMix(List.of(w), AdEMAMix.defaults().with(AdEMAMix.LR, 3e38)
                .with(AdEMAMix.WEIGHT_DECAY, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::step);
        assertEquals(true, e.getMessage().contains("1 - lr * weight_decay"), e.getMessage());
        assertArrayEquals(new float[] {1f}, w.value().toArray(), "nothing changed");
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = AdEMAMix.defaults();
        return Stream.of(
                d,
                d.with(AdEMAMix.LR, 1e-2).with(AdEMAMix.MAXIMIZE, true).with(AdEMAMix.WEIGHT_DECAY, 0.1)
                        .with(AdEMAMix.T_ALPHA, 10).with(AdEMAMix.T_BETA3, 15),
                d.with(AdEMAMix.BETA1, 0.5).with(AdEMAMix.BETA2, 0.9).with(AdEMAMix.BETA3, 0.99)
                        .with(AdEMAMix.ALPHA, 2).with(AdEMAMix.EPS, 1e-3).with(AdEMAMix.T_ALPHA, 3.5)
                        .with(AdEMAMix.T_BETA3, 40));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("AdEMAMix", h, AdEMAMix::new, 257, 25, 21,
                "exp_avg_fast", "exp_avg_slow", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(AdEMAMix::new, h);
    }
}
