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

class ADOPTTest {

    @Test
    void defaultsAreOptaxs() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.9999, "eps", 1e-6, "weight_decay", 0.0,
                "use_clipping", 1.0, "maximize", 0.0), ADOPT.defaults().asMap());
    }

    @Test
    void rejectsNegativeEps() {
        assertRejected(ADOPT.defaults(), "eps", -1, "eps must be >= 0, got -1");
    }

    /**
     * The first step only sets v = g^2; the second normalises by that v (not the current gradient's),
     * clamps at 1^0.25 = 1 and moves p by lr * (1 - beta1) * x.
     */
    @Test
    void firstStepOnlyStoresTheSquaredGradientAndTheSecondNormalisesByIt() {
        float[] grad = {2f, -0.5f, 4f};
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f, 1f, -0f}), FloatTensor.of(grad));
        ADOPT o = new ADOPT(List.of(w), ADOPT.defaults().with(ADOPT.LR, 0.5).with(ADOPT.BETA1, 0.5)
                .with(ADOPT.BETA2, 0.75).with(ADOPT.WEIGHT_DECAY, 0.1));
        o.step();
        assertArrayEquals(new float[] {1f, 1f, -0f}, w.value().toArray(), "no update, no decay on step 1");
        assertArrayEquals(new float[] {0f, 0f, 0f}, o.state("w").buffer("exp_avg"));
        assertArrayEquals(new float[] {4f, 0.25f, 16f}, o.state("w").buffer("exp_avg_sq"));
        grad[0] = 1f;
        grad[1] = -2f;
        grad[2] = 2f;
        o.step();
        // x = g / sqrt(v_prev) = (0.5, -4 -> clamped -1, 0.5); m = 0.5 x
        assertArrayEquals(new float[] {0.25f, -0.5f, 0.25f}, o.state("w").buffer("exp_avg"));
        // p = p * (1 - 0.05) - 0.5 m
        assertArrayEquals(new float[] {0.95f - 0.125f, 0.95f + 0.25f, -0.125f}, w.value().toArray());
        // v = 0.75 v + 0.25 g^2
        assertArrayEquals(new float[] {3.25f, 1.1875f, 13f}, o.state("w").buffer("exp_avg_sq"));
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = ADOPT.defaults();
        return Stream.of(
                d,
                d.with(ADOPT.LR, 1e-2).with(ADOPT.MAXIMIZE, true).with(ADOPT.WEIGHT_DECAY, 0.1),
                d.with(ADOPT.BETA1, 0.5).with(ADOPT.BETA2, 0.9).with(ADOPT.EPS, 1e-3).with(ADOPT.USE_CLIPPING, false));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("ADOPT", h, ADOPT::new, 257, 25, 21, "exp_avg", "exp_avg_sq");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(ADOPT::new, h);
    }
}
