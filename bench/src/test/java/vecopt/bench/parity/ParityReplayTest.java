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

    private static TrajectoryCase sgd(float[] afterStep1, float[] afterStep2) {
        return new TrajectoryCase("sgd/two", "SGD", Map.of("lr", 0.5), 1, 2, new float[] {1f},
                new float[][] {{1f}, {0.5f}}, new float[][] {afterStep1, afterStep2});
    }
}
