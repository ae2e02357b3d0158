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

class LARSTest {

    /** trust_coefficient 0.5 and lr 1, so the ratios below are easy to follow. */
    private static final Hyperparameters HALF = LARS.defaults().with(LARS.TRUST_COEFFICIENT, 0.5);

    private static Parameter vector(float[] value, float[] grad) {
        return new Parameter("w", FloatTensor.of(value), FloatTensor.of(grad));
    }

    @Test
    void defaultsAreOptaxsWithTimmsLearningRate() {
        assertEquals(Map.of("lr", 1.0, "momentum", 0.9, "weight_decay", 0.0, "trust_coefficient", 1e-3, "eps", 0.0,
                "nesterov", 0.0, "use_trust_ratio", 1.0, "maximize", 0.0), LARS.defaults().asMap());
    }

    @Test
    void rejectsNesterovWithoutMomentumAndNegativeValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LARS.defaults().withValues(Map.of("momentum", 0.0, "nesterov", 1.0)));
        assertEquals("nesterov requires momentum > 0, got momentum=0", e.getMessage());
        assertRejected(LARS.defaults(), "trust_coefficient", -1, "trust_coefficient must be >= 0, got -1");
        assertRejected(LARS.defaults(), "eps", -1, "eps must be >= 0, got -1");
    }

    @Test
    void trafficIsTheNormPassAndSgdsPass() {
        assertEquals(new Rule.Traffic(5, 2), LARS.RULE.traffic(LARS.defaults()));
        assertEquals(new Rule.Traffic(4, 1), LARS.RULE.traffic(LARS.defaults().with(LARS.MOMENTUM, 0)));
        assertEquals(new Rule.Traffic(3, 2), LARS.RULE.traffic(LARS.defaults().with(LARS.USE_TRUST_RATIO, false)));
    }

    /**
     * p = (3, 4) and g = (0.6, 0.8): ratio 0.5 * 5 / 1 = 2.5, b = 2.5 g = (1.5, 2), p = (1.5, 2). Again:
     * ratio 0.5 * 2.5 / 1 = 1.25, b = 0.9 (1.5, 2) + 1.25 g = (2.1, 2.8), p = (-0.6, -0.8).
     */
    @Test
    void twoStepsWithMomentumByHand() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {0.6f, 0.8f});
        LARS lars = new LARS(List.of(w), HALF);
        lars.step();
        assertArrayEquals(new float[] {1.5f, 2f}, w.value().toArray(), 1e-6f);
        assertArrayEquals(new float[] {1.5f, 2f}, lars.state("w").buffer("momentum_buffer"), 1e-6f);
        lars.step();
        assertArrayEquals(new float[] {2.1f, 2.8f}, lars.state("w").buffer("momentum_buffer"), 1e-6f);
        assertArrayEquals(new float[] {-0.6f, -0.8f}, w.value().toArray(), 1e-6f);
    }

    /** Nesterov: the step is ratio * u + momentum * b = 2.5 g + 0.9 * 2.5 g on the first step. */
    @Test
    void nesterovAddsTheScaledDirectionToTheBuffer() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {0.6f, 0.8f});
        new LARS(List.of(w), HALF.with(LARS.NESTEROV, true)).step();
        assertArrayEquals(new float[] {3f - 4.75f * 0.6f, 4f - 4.75f * 0.8f}, w.value().toArray(), 1e-6f);
    }

    /** u = g + 0.5 p = (2.1, 2.8), ||u|| = 3.5; eps 1.5 makes the ratio 0.5 * 5 / 5 = 0.5. */
    @Test
    void weightDecayIsInsideTheNormAndEpsAddsToIt() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {0.6f, 0.8f});
        new LARS(List.of(w), HALF.with(LARS.WEIGHT_DECAY, 0.5).with(LARS.EPS, 1.5).with(LARS.MOMENTUM, 0)).step();
        assertArrayEquals(new float[] {3f - 0.5f * 2.1f, 4f - 0.5f * 2.8f}, w.value().toArray(), 1e-6f);
    }

    @Test
    void withoutMomentumThereIsNoBuffer() {
        Parameter w = vector(new float[] {3f, 4f}, new float[] {0.6f, 0.8f});
        LARS lars = new LARS(List.of(w), HALF.with(LARS.MOMENTUM, 0));
        lars.step();
        assertEquals(Map.of(), lars.state("w").buffers());
        assertArrayEquals(new float[] {3f - 2.5f * 0.6f, 4f - 2.5f * 0.8f}, w.value().toArray(), 1e-6f);
    }

    /** A zero parameter (a new bias) has ratio 1, not trust_coefficient: it takes the plain SGD step. */
    @Test
    void aZeroParameterTakesThePlainStep() {
        Parameter w = vector(new float[] {0f, 0f}, new float[] {0.6f, 0.8f});
        new LARS(List.of(w), HALF.with(LARS.LR, 0.1)).step();
        assertArrayEquals(new float[] {-0.06f, -0.08f}, w.value().toArray(), 1e-7f);
    }

    /** Without the trust ratio LARS runs SGD's kernel with SGD's coefficients: the same bits as SGD. */
    @Test
    void aGroupWithoutTheTrustRatioStepsAsSgdWithMomentumBitForBit() {
        Parameter a = parameter("w", 1000, 3);
        Parameter b = parameter("w", 1000, 3);
        LARS lars = new LARS(List.of(a), LARS.defaults().with(LARS.USE_TRUST_RATIO, false).with(LARS.LR, 0.01)
                .with(LARS.WEIGHT_DECAY, 0.01).with(LARS.NESTEROV, true));
        Sgd sgd = new Sgd(List.of(b), Sgd.defaults().withValues(Map.of("lr", 0.01, "momentum", 0.9,
                "weight_decay", 0.01, "nesterov", 1.0)));
        SplittableRandom random = new SplittableRandom(4);
        for (int step = 0; step < 4; step++) {
            randomGradient(a, random);
            b.grad().copyFrom(a.grad());
            lars.step();
            sgd.step();
        }
        assertArrayEquals(b.value().toArray(), a.value().toArray());
        assertArrayEquals(sgd.state("w").buffer("momentum_buffer"), lars.state("w").buffer("momentum_buffer"));
    }

    @Test
    void withExcludedPutsMatchingNamesInAGroupWithoutDecayOrTrustRatio() {
        Parameter conv = Parameter.of("conv1.weight", FloatTensor.zeros(4));
        Parameter bn = Parameter.of("bn1.weight", FloatTensor.zeros(2));
        Hyperparameters h = LARS.defaults().with(LARS.WEIGHT_DECAY, 1e-6);
        LARS lars = LARS.withExcluded(List.of(conv, bn), h, "^bn|bias");
        assertEquals(List.of(conv), lars.paramGroups().get(0).parameters());
        assertEquals(List.of(bn), lars.paramGroups().get(1).parameters());
        assertEquals(h.with(LARS.WEIGHT_DECAY, 0).with(LARS.USE_TRUST_RATIO, false),
                lars.paramGroups().get(1).hyperparameters());
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = LARS.defaults();
        return Stream.of(
                d.with(LARS.LR, 0.5),
                d.with(LARS.LR, 0.5).with(LARS.WEIGHT_DECAY, 0.1).with(LARS.NESTEROV, true).with(LARS.MAXIMIZE, true),
                d.with(LARS.LR, 0.1).with(LARS.MOMENTUM, 0).with(LARS.TRUST_COEFFICIENT, 0.02).with(LARS.EPS, 1e-3),
                d.with(LARS.LR, 1e-4).with(LARS.USE_TRUST_RATIO, false).with(LARS.WEIGHT_DECAY, 0.01));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        String[] state = h.get(LARS.MOMENTUM) != 0 ? new String[] {"momentum_buffer"} : new String[0];
        TrajectoryAgainstTextbook.assertFollowsTextbook("LARS", h, LARS::new, 257, 25, 51, state);
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64TextbookOverSeveralBlocks(Hyperparameters h) {
        String[] state = h.get(LARS.MOMENTUM) != 0 ? new String[] {"momentum_buffer"} : new String[0];
        TrajectoryAgainstTextbook.assertFollowsTextbook("LARS", h, LARS::new, 3 * 4096 + 77, 6, 52, state);
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(LARS::new, h);
    }
}
