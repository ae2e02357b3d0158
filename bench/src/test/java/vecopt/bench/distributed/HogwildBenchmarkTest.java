package vecopt.bench.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vecopt.distributed.Hogwild;

class HogwildBenchmarkTest {

    private static HogwildBenchmark tiny(int threads, Hogwild.Mode mode) {
        HogwildBenchmark b = new HogwildBenchmark();
        b.threads = threads;
        b.mode = mode;
        b.rows = 100;
        b.rank = 3;
        b.observed = 6000;
        b.epochs = 10;
        b.setUp();
        return b;
    }

    @Test
    void eachRunCountsItsUpdatesAndReportsTheErrorItReached() {
        HogwildBenchmark one = tiny(1, Hogwild.Mode.LOCK_FREE);
        var updates = new HogwildBenchmark.Updates();
        var quality = new HogwildBenchmark.Quality();
        Hogwild.Result first = one.train(updates, quality);
        Hogwild.Result second = one.train(updates, quality);
        assertEquals(2L * 10 * 6000, updates.updates);
        assertEquals(second.heldOutRmse(), quality.heldOutRmse);
        assertEquals(first.heldOutRmse(), second.heldOutRmse()); // every run starts from the same factors
        assertTrue(quality.heldOutRmse < 0.2, "held-out RMSE " + quality.heldOutRmse);
    }
}
