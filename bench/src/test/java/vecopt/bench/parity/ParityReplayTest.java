package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.engine.kernels.OptimizerKernelsProvider;

class ParityReplayTest {

    @Test
    void ulpDistanceCountsTheFloatsBetweenTwoValues() {
        assertEquals(0, ParityReplay.ulpDistance(1.5f, 1.5f));
        assertEquals(1, ParityReplay.ulpDistance(1f, Math.nextUp(1f)));
        assertEquals(1, ParityReplay.ulpDistance(Math.nextDown(1f), 1f), "across a power of two");
        assertEquals(3, ParityReplay.ulpDistance(-1f, Math.nextDown(Math.nextDown(Math.nextDown(-1f)))));
        assertEquals(0, ParityReplay.ulpDistance(0f, -0f));
        assertEquals(2, ParityReplay.ulpDistance(-Float.MIN_VALUE, Float.MIN_VALUE), "across zero");
        assertEquals(1, ParityReplay.ulpDistance(Float.MAX_VALUE, Float.POSITIVE_INFINITY));
        assertEquals(0, ParityReplay.ulpDistance(Float.NaN, Float.NaN));
        assertEquals(Long.MAX_VALUE, ParityReplay.ulpDistance(Float.NaN, 1f));
    }

    @Test
    void aReplayThatAgreesInEveryBitIsExact() {
        // lr 0.5: 1 - 0.5 * 1 = 0.5, then 0.5 - 0.5 * 0.5 = 0.25, both exact in binary
        ParityReplay.Result r = ParityReplay.replay(sgd(new float[] {0.5f}, new float[] {0.25f}),
                OptimizerKernelsProvider.scalar());
        assertTrue(r.exact());
        assertEquals(0, r.maxUlp());
        assertEquals("", r.firstDifference());
    }

    @Test
    void oneUlpOffPassesTheToleranceButIsNotExact() {
        ParityReplay.Result r = ParityReplay.replay(sgd(new float[] {0.5f}, new float[] {Math.nextUp(0.25f)}),
                OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.PASS, r.verdict());
        assertFalse(r.exact());
        assertEquals(1, r.maxUlp());
        assertEquals("step 2 element 0: got 0.25, want 0.25000003", r.firstDifference());
    }

    @Test
    void theSignOfZeroCountsForExactness() {
        // 0.5 - 0.5 * 1 = +0; a recorded -0 is 0 ulp away but not the same bits
        TrajectoryCase c = new TrajectoryCase("sgd/zero", "SGD", Map.of("lr", 0.5), 1, 1, new float[] {0.5f},
                new float[][] {{1f}}, new float[][] {{-0f}});
        ParityReplay.Result r = ParityReplay.replay(c, OptimizerKernelsProvider.scalar());
        assertEquals(0, r.maxUlp());
        assertFalse(r.exact());
    }

    @Test
    void nanAndInfiniteGradientsPropagateAsInPyTorch() {
        // lr 0.5: NaN flows into element 0 and stays; element 1 becomes 2 - 0.5 = 1.5, then 1.5 - 0.5 * inf
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        TrajectoryCase c = new TrajectoryCase("sgd/nan", "SGD", Map.of("lr", 0.5), 2, 2, new float[] {1f, 2f},
                new float[][] {{nan, 1f}, {1f, inf}}, new float[][] {{nan, 1.5f}, {nan, -inf}});
        ParityReplay.Result r = ParityReplay.replay(c, OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.PASS, r.verdict(), r.detail());
        assertTrue(r.exact(), r.firstDifference());
        assertEquals(0, r.maxUlp());
        assertEquals(0, r.maxAbsError());
        assertEquals(0, r.maxRelError(), "a NaN or an infinity matched by itself is no error");
    }

    @Test
    void aNanWherePyTorchHasANumberOrTheOtherWayRoundFails() {
        float nan = Float.NaN;
        ParityReplay.Result missing = ParityReplay.replay(new TrajectoryCase("sgd/nan-missing", "SGD",
                Map.of("lr", 0.5), 2, 1, new float[] {1f, 2f}, new float[][] {{nan, 1f}}, new float[][] {{1f, 1.5f}}),
                OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.FAIL, missing.verdict());
        assertEquals("step 1 element 0: got NaN, want 1.0", missing.detail());
        ParityReplay.Result moved = ParityReplay.replay(new TrajectoryCase("sgd/nan-moved", "SGD",
                Map.of("lr", 0.5), 2, 1, new float[] {1f, 2f}, new float[][] {{nan, 1f}}, new float[][] {{0.5f, nan}}),
                OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.FAIL, moved.verdict());
        assertEquals("step 1 element 0: got NaN, want 0.5", moved.detail());
    }

    @Test
    void anInfinityMatchesOnlyTheInfinityOfTheSameSign() {
        float inf = Float.POSITIVE_INFINITY;
        // 1 - 0.5 * inf = -inf; PyTorch recorded +inf, and then a finite value
        for (float want : new float[] {inf, Float.MAX_VALUE, 1f}) {
            ParityReplay.Result r = ParityReplay.replay(new TrajectoryCase("sgd/inf", "SGD", Map.of("lr", 0.5), 1, 1,
                    new float[] {1f}, new float[][] {{inf}}, new float[][] {{want}}), OptimizerKernelsProvider.scalar());
            assertEquals(ParityReplay.Verdict.FAIL, r.verdict(), "want " + want);
            assertEquals("step 1 element 0: got -Infinity, want " + want, r.detail());
        }
        // and a finite result where PyTorch has an infinity fails too: 1 - 0.5 * 1 = 0.5
        ParityReplay.Result r = ParityReplay.replay(new TrajectoryCase("sgd/inf-want", "SGD", Map.of("lr", 0.5), 1, 1,
                new float[] {1f}, new float[][] {{1f}}, new float[][] {{-inf}}), OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.FAIL, r.verdict());
    }

    @Test
    void hyperparametersTheEngineRefusesFailTheCaseWithTheReason() {
        ParityReplay.Result r = ParityReplay.replay(new TrajectoryCase("sgd/negative", "SGD", Map.of("lr", -1.0), 1, 1,
                new float[] {1f}, new float[][] {{1f}}, new float[][] {{2f}}), OptimizerKernelsProvider.scalar());
        assertEquals(ParityReplay.Verdict.FAIL, r.verdict());
        assertTrue(r.detail().startsWith("rejected: "), r.detail());
        assertTrue(r.detail().contains("lr"), r.detail());
    }

    private static TrajectoryCase sgd(float[] afterStep1, float[] afterStep2) {
        return new TrajectoryCase("sgd/two", "SGD", Map.of("lr", 0.5), 1, 2, new float[] {1f},
                new float[][] {{1f}, {0.5f}}, new float[][] {afterStep1, afterStep2});
    }
}
