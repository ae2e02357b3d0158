package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static vecopt.engine.AdamFamilyChecks.assertRejected;
import static vecopt.engine.AdamFamilyChecks.parameter;
import static vecopt.engine.AdamFamilyChecks.randomGradient;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.FloatTensor;

class LAMBTest {

    /** beta1 0.5 and beta2 0.75 with eps 0: the first step's Adam direction is sign(g). */
    private static final Hyperparameters SIGN_STEP = LAMB.defaults().with(LAMB.BETA1, 0.5).with(LAMB.BETA2, 0.75)
            .with(LAMB.EPS, 0).with(LAMB.WEIGHT_DECAY, 0).with(LAMB.LR, 0.1);

    private static Parameter vector(float[] value, float[] grad) {
        return new Parameter("w", FloatTensor.of(value), FloatTensor.of(grad));
    }

    @Test
    void defaultsAreOptaxsWithApexsLearningRate() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-6, "weight_decay", 1e-4,
                "bias_correction", 1.0, "trust_clip", 0.0, "use_trust_ratio", 1.0, "maximize", 0.0),
                LAMB.defaults().asMap());
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertRejected(LAMB.defaults(), "beta2", 1, "beta2 must be in [0, 1), got 1");
        assertRejected(LAMB.defaults(), "eps", -1e-6, "eps must be >= 0, got -1.0E-6");
        assertRejected(LAMB.defaults(), "weight_decay", -1, "weight_decay must be >= 0, got -1");
    }

    /** Two passes: p, g, m, v read and m, v written, then p, m, v read and p written. */
    @Test
    void trafficIsTheTwoPassesTogether() {
        assertEquals(new Rule.Traffic(7, 3), LAMB.RULE.traffic(LAMB.defaults()));
    }

    /**
     * p = (3, 4), so ||p|| = 5; g = (1, -1) gives u = (1, -1) and ||u|| = sqrt(2): the step is
     * lr * 5 / sqrt(2) along -u.
     */
    @Test
    void oneStepScalesTheAdamDirectionByTheNormRatio() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {1f, -1f});
        new LAMB(List.of(w), SIGN_STEP).step();
        double step = 0.1 * 5 / Math.sqrt(2);
        assertArrayEquals(new float[] {(float) (3 - step), (float) (4 + step)}, w.value().toArray(), 1e-6f);
    }

    /** The decay enters u before the norm: u = sign(g) + 0.5 p = (2.5, 1), ||u|| = sqrt(7.25). */
    @Test
    void weightDecayIsInsideTheTrustRatio() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {1f, -1f});
        new LAMB(List.of(w), SIGN_STEP.with(LAMB.WEIGHT_DECAY, 0.5)).step();
        double ratio = 5 / Math.sqrt(7.25);
        assertArrayEquals(new float[] {(float) (3 - 0.1 * ratio * 2.5), (float) (4 - 0.1 * ratio * 1)},
                w.value().toArray(), 1e-6f);
    }

    @Test
    void aZeroParameterTakesThePlainStep() {
        Parameter w = vector(new float[] {0f, 0f}, new float[] {1f, -1f});
        new LAMB(List.of(w), SIGN_STEP).step();
        assertArrayEquals(new float[] {-0.1f, 0.1f}, w.value().toArray());
    }

    @Test
    void aZeroUpdateLeavesTheParameter() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {0f, 0f});
        new LAMB(List.of(w), SIGN_STEP.with(LAMB.EPS, 1e-6)).step();
        assertArrayEquals(new float[] {3f, 4f}, w.value().toArray());
    }

    @Test
    void trustClipCapsTheRatioAtOne() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {1f, -1f});
        new LAMB(List.of(w), SIGN_STEP.with(LAMB.TRUST_CLIP, true)).step();
        assertArrayEquals(new float[] {2.9f, 4.1f}, w.value().toArray(), 1e-6f);
    }

    @Test
    void aGroupWithoutTheTrustRatioTakesThePlainStep() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {1f, -1f});
        new LAMB(List.of(w), SIGN_STEP.with(LAMB.USE_TRUST_RATIO, false)).step();
        assertArrayEquals(new float[] {2.9f, 4.1f}, w.value().toArray(), 1e-6f);
    }

    /**
     * Without the ratio, the bias correction shows: its first moments are 0.5 g and 0.25 g^2, so
     * u = 0.5 / (0.5 + eps) instead of 1 / (1 + eps).
     */
    @Test
    void biasCorrectionCanBeTurnedOff() {
        Hyperparameters plain = SIGN_STEP.with(LAMB.USE_TRUST_RATIO, false).with(LAMB.EPS, 0.5);
        Parameter corrected = vector(new float[] {3f}, new float[] {1f});
        Parameter uncorrected = vector(new float[] {3f}, new float[] {1f});
        new LAMB(List.of(corrected), plain).step();
        new LAMB(List.of(uncorrected), plain.with(LAMB.BIAS_CORRECTION, false)).step();
        assertEquals((float) (3 - 0.1 * 1 / 1.5), corrected.value().getFlat(0), 1e-6f);
        assertEquals((float) (3 - 0.1 * 0.5 / 1.0), uncorrected.value().getFlat(0), 1e-6f);
    }

    /** Squares of 1e20 overflow float32: the block is summed again in double, so ||p|| = 2e20, ratio 1e20. */
    @Test
    void theNormOfHugeParametersIsSummedInDouble() {
        Parameter w = vector(new float[] {1e20f, 1e20f, 1e20f, 1e20f}, new float[] {1f, 1f, 1f, 1f});
        new LAMB(List.of(w), SIGN_STEP.with(LAMB.LR, 0.01)).step();
        float want = (float) (1e20f - 0.01 * 1e20f);
        assertArrayEquals(new float[] {want, want, want, want}, w.value().toArray(), Math.ulp(want));
    }

    /** Squares of 1e-25 vanish in float32: the block is summed again in double, so the ratio is 1e-25. */
    @Test
    void theNormOfTinyParametersIsSummedInDouble() {
        Parameter w = vector(new float[] {1e-25f, 1e-25f, 1e-25f, 1e-25f}, new float[] {1f, 1f, 1f, 1f});
        new LAMB(List.of(w), SIGN_STEP).step();
        float want = (float) (1e-25f - 0.1 * 1e-25f);
        assertArrayEquals(new float[] {want, want, want, want}, w.value().toArray(), want * 1e-6f);
    }

    @Test
    void withExcludedPutsMatchingNamesInAGroupWithoutDecayOrTrustRatio() {
        Parameter weight = Parameter.of("fc.weight", FloatTensor.zeros(4));
        Parameter bias = Parameter.of("fc.bias", FloatTensor.zeros(2));
        Parameter norm = Parameter.of("encoder.LayerNorm.weight", FloatTensor.zeros(2));
        Hyperparameters h = LAMB.defaults().with(LAMB.WEIGHT_DECAY, 0.01);
        LAMB lamb = LAMB.withExcluded(List.of(bias, weight, norm), h, "bias|LayerNorm");
        assertEquals(2, lamb.paramGroups().size());
        assertEquals(List.of(weight), lamb.paramGroups().get(0).parameters());
        assertEquals(h, lamb.paramGroups().get(0).hyperparameters());
        assertEquals(List.of(bias, norm), lamb.paramGroups().get(1).parameters());
        assertEquals(h.with(LAMB.WEIGHT_DECAY, 0).with(LAMB.USE_TRUST_RATIO, false),
                lamb.paramGroups().get(1).hyperparameters());
    }

    @Test
    void withExcludedMakesOneGroupWhenEverythingOrNothingMatches() {
        Parameter bias = Parameter.of("fc.bias", FloatTensor.zeros(2));
        LAMB all = LAMB.withExcluded(List.of(bias), LAMB.defaults(), "bias");
        assertEquals(1, all.paramGroups().size());
        assertEquals(false, all.paramGroups().get(0).hyperparameters().flag(LAMB.USE_TRUST_RATIO));
        LAMB none = LAMB.withExcluded(List.of(bias), LAMB.defaults(), "LayerNorm");
        assertEquals(1, none.paramGroups().size());
        assertEquals(LAMB.defaults(), none.paramGroups().get(0).hyperparameters());
    }

    @Test
    void withExcludedRejectsAnInvalidPattern() {
        Parameter bias = Parameter.of("fc.bias", FloatTensor.zeros(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LAMB.withExcluded(List.of(bias), LAMB.defaults(), "bias|("));
        assertEquals(true, e.getMessage().startsWith("regex must be a regular expression, got 'bias|(': "),
                e.getMessage());
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = LAMB.defaults();
        return Stream.of(
                d,
                d.with(LAMB.LR, 1e-2).with(LAMB.WEIGHT_DECAY, 0.1).with(LAMB.MAXIMIZE, true),
                d.with(LAMB.BETA1, 0.5).with(LAMB.BETA2, 0.9).with(LAMB.EPS, 1e-3).with(LAMB.BIAS_CORRECTION, false)
                        .with(LAMB.TRUST_CLIP, true),
                d.with(LAMB.LR, 1e-2).with(LAMB.USE_TRUST_RATIO, false).with(LAMB.WEIGHT_DECAY, 0.01));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("LAMB", h, LAMB::new, 257, 25, 31, "exp_avg", "exp_avg_sq");
    }

    /** Three blocks and a partial one: the norms add block sums. */
    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64TextbookOverSeveralBlocks(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("LAMB", h, LAMB::new, 3 * 4096 + 77, 6, 32, "exp_avg",
                "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(LAMB::new, h);
    }

    /** A parameter of five blocks and a partial one, split in two at a block boundary, gives the same bits. */
    @Test
    void twoThreadsGiveTheBitsOfOneOverManyBlocks() {
        int n = 5 * 4096 + 1000;
        Parameter single = parameter("w", n, 41);
        Parameter split = parameter("w", n, 41);
        LAMB one = new LAMB(List.of(single), LAMB.defaults().with(LAMB.WEIGHT_DECAY, 0.01));
        LAMB two = new LAMB(List.of(split), LAMB.defaults().with(LAMB.WEIGHT_DECAY, 0.01));
        SplittableRandom random = new SplittableRandom(42);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            two.setExecutor(executor);
            for (int step = 0; step < 5; step++) {
                randomGradient(single, random);
                split.grad().copyFrom(single.grad());
                one.step();
                two.step();
            }
        }
        assertArrayEquals(single.value().toArray(), split.value().toArray());
        assertArrayEquals(one.state("w").buffer("exp_avg"), two.state("w").buffer("exp_avg"));
        assertArrayEquals(one.state("w").buffer("exp_avg_sq"), two.state("w").buffer("exp_avg_sq"));
    }
}
