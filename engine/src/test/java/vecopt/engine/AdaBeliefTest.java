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

class AdaBeliefTest {

    @Test
    void defaultsAreTheAuthorsPackages() {
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-16, "weight_decay", 0.0,
                "maximize", 0.0), AdaBelief.defaults().asMap());
    }

    @Test
    void rejectsNegativeEps() {
        assertRejected(AdaBelief.defaults(), "eps", -1, "eps must be >= 0, got -1");
    }

    /** A constant gradient is perfectly predicted: the variance is eps alone (plus the first step's). */
    @Test
    void theSecondMomentIsTheVarianceAroundThePredictionWithEpsInside() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {0f}), FloatTensor.of(new float[] {2f}));
        AdaBelief o = new AdaBelief(List.of(w), AdaBelief.defaults().with(AdaBelief.BETA1, 0.5)
                .with(AdaBelief.BETA2, 0.5).with(AdaBelief.EPS, 0.25));
        o.step(); // m = 1, s = 0.5 * (2 - 1)^2 + 0.25
        assertEquals(1f, o.state("w").buffer("exp_avg")[0]);
        assertEquals(0.75f, o.state("w").buffer("exp_avg_var")[0]);
        o.step(); // m = 1.5, s = 0.375 + 0.5 * 0.25 + 0.25
        assertEquals(1.5f, o.state("w").buffer("exp_avg")[0]);
        assertEquals(0.75f, o.state("w").buffer("exp_avg_var")[0]);
    }

    static Stream<Hyperparameters> textbookCases() {
        Hyperparameters d = AdaBelief.defaults();
        return Stream.of(
                d,
                d.with(AdaBelief.LR, 1e-2).with(AdaBelief.WEIGHT_DECAY, 0.1).with(AdaBelief.MAXIMIZE, true),
                d.with(AdaBelief.LR, 1e-2).with(AdaBelief.BETA1, 0.5).with(AdaBelief.BETA2, 0.9)
                        .with(AdaBelief.EPS, 1e-8));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("AdaBelief", h, AdaBelief::new, 257, 25, 21,
                "exp_avg", "exp_avg_var");
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void parallelStepIsBitIdenticalToSingleThreaded(Hyperparameters h) {
        AdamFamilyChecks.assertParallelStepIsBitIdentical(AdaBelief::new, h);
    }
}
