package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static vecopt.engine.AdamFamilyChecks.assertRejected;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.FloatTensor;

class YogiTest {

    @Test
    void defaultsAreOptaxs() {
        assertEquals(Map.of("lr", 1e-2, "beta1", 0.9, "beta2", 0.999, "eps", 1e-3, "initial_accumulator_value", 1e-6,
                "maximize", 0.0), Yogi.defaults().asMap());
    }

    @Test
    void rejectsNegativeInitialAccumulatorValue() {
        assertRejected(Yogi.defaults(), "initial_accumulator_value", -1,
                "initial_accumulator_value must be >= 0, got -1");
    }

    /**
     * Both moments start at initial_accumulator_value (optax); v moves by (1 - beta2) g^2 towards
     * g^2 and stays when equal to it.
     */
    @Test
    void secondMomentMovesAdditivelyTowardsTheSquaredGradient() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {0f, 0f, 0f}),
                FloatTensor.of(new float[] {2f, 0.5f, 1f}));
        Yogi o = new Yogi(List.of(w), Yogi.defaults().with(Yogi.BETA1, 0.5).with(Yogi.BETA2, 0.75)
                .with(Yogi.INITIAL_ACCUMULATOR_VALUE, 1));
        o.step();
        float[] m = o.state("w").buffer("exp_avg");
        float[] v = o.state("w").buffer("exp_avg_sq");
        assertEquals(1.5f, m[0]);
        assertEquals(2f, v[0], "1 + 0.25 * 4");
        assertEquals(0.9375f, v[1], "1 - 0.25 * 0.25");
        assertEquals(1f, v[2], "v = g^2: unchanged");
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = Yogi.defaults();
        return Stream.of(
                d,
                d.with(Yogi.LR, 1e-3).with(Yogi.MAXIMIZE, true).with(Yogi.INITIAL_ACCUMULATOR_VALUE, 0.1),
                d.with(Yogi.BETA1, 0.5).with(Yogi.BETA2, 0.9).with(Yogi.EPS, 1e-6));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Yogi", h, Yogi::new, 257, 25, 21, "exp_avg", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(Yogi::new, h);
    }
}
