package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

class LionTest {

    @Test
    void defaultsAreThePapersWithoutWeightDecay() {
        assertEquals(Map.of("lr", 1e-4, "beta1", 0.9, "beta2", 0.99, "weight_decay", 0.0, "maximize", 0.0),
                Lion.defaults().asMap());
    }

    @Test
    void rejectsBeta2OfOne() {
        assertRejected(Lion.defaults(), "beta2", 1, "beta2 must be in [0, 1), got 1");
    }

    /** Every weight moves by exactly lr against the sign of its gradient on the first step (m = 0). */
    @Test
    void firstStepMovesEveryWeightByLrAgainstTheSignOfItsGradient() {
        Parameter w = parameter("w", 64, 7);
        float[] before = w.value().toArray();
        randomGradient(w, new SplittableRandom(8));
        new Lion(List.of(w), Lion.defaults().with(Lion.LR, 0.5)).step();
        for (int i = 0; i < w.size(); i++) {
            float g = w.grad().getFlat(i);
            assertEquals(before[i] - 0.5f * Math.signum(g) + 0f, w.value().getFlat(i), "element " + i);
        }
    }

    /** The decay uses the parameter before the step, then the sign step: p (1 - lr wd) - lr sign(c). */
    @Test
    void weightDecayIsDecoupledAndScaledByLr() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {4f, 4f, 4f}), FloatTensor.of(new float[] {1f, -1f, 0f}));
        new Lion(List.of(w), Lion.defaults().with(Lion.LR, 0.5).with(Lion.WEIGHT_DECAY, 0.25)).step();
        assertEquals(4f * 0.875f - 0.5f, w.value().getFlat(0));
        assertEquals(4f * 0.875f + 0.5f, w.value().getFlat(1));
        assertEquals(4f * 0.875f, w.value().getFlat(2), "sign(0) = 0: decay alone");
    }

    @Test
    void overflowingDecayFactorIsRefusedBeforeAnythingChanges() {
        Parameter w = parameter("w", 3, 1);
        float[] before = w.value().toArray();
        Lion lion = new Lion(List.of(w), Lion.defaults().with(Lion.LR, 3e38).with(Lion.WEIGHT_DECAY, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, lion::step);
        assertTrue(e.getMessage().contains("1 - lr * weight_decay"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, w.value().toArray());
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = Lion.defaults();
        return Stream.of(
                d,
                d.with(Lion.LR, 1e-2).with(Lion.WEIGHT_DECAY, 0.5).with(Lion.MAXIMIZE, true),
                d.with(Lion.LR, 1e-3).with(Lion.BETA1, 0.5).with(Lion.BETA2, 0.9));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Lion", h, Lion::new, 257, 25, 21, "exp_avg");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(Lion::new, h);
    }
}
