package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEpochsWithoutADecreaseLargerThanMinDeltaAndKeepsTheBestSnapshot() {
        EarlyStopping stop = new EarlyStopping(2, 0.01);
        double[] losses = {1.0, 0.8, 0.795, 0.7, 0.695, 0.71};
        boolean[] expected = {false, false, false, false, false, true};
        for (int e = 0; e < losses.length; e++) {
            int epoch = e + 1;
            assertEquals(expected[e], stop.update(epoch, losses[e], () -> "weights of epoch " + epoch), "epoch " + epoch);
        }
        // 0.795 and 0.695 improve by less than 0.01: the best is epoch 4's 0.7
        assertEquals(4, stop.bestEpoch());
        assertEquals(0.7, stop.bestLoss());
        assertEquals("weights of epoch 4", stop.<String>bestSnapshot());
    }

    @Test
    void anImprovementResetsThePatience() {
        EarlyStopping stop = new EarlyStopping(2, 0);
        assertFalse(stop.update(1, 1.0, () -> 1));
        assertFalse(stop.update(2, 1.0, () -> 2));
        assertFalse(stop.update(3, 0.9, () -> 3));
        assertFalse(stop.update(4, 0.95, () -> 4));
        assertTrue(stop.update(5, 0.9, () -> 5));
        assertEquals(3, stop.<Integer>bestSnapshot());
    }

    @Test
    void rejectsNonPositivePatienceAndNegativeMinDelta() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -1e-3));
    }
}
