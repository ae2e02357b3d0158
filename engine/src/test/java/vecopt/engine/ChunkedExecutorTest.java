package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

class ChunkedExecutorTest {

    @Test
    void chunksCoverTheRangeOnceAlignedTo64() {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(3, 10)) {
            for (int n : new int[] {10, 63, 64, 65, 193, 1000, 100_003}) {
                List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
                executor.run(n, (from, length) -> chunks.add(new int[] {from, length}));
                chunks.sort((a, b) -> Integer.compare(a[0], b[0]));
                int next = 0;
                for (int[] c : chunks) {
                    assertEquals(next, c[0], "chunks must be contiguous for n=" + n);
                    assertEquals(0, c[0] % 64, "chunk start " + c[0] + " for n=" + n);
                    assertTrue(c[1] > 0);
                    next += c[1];
                }
                assertEquals(n, next);
                assertTrue(chunks.size() <= 3);
            }
        }
    }

    @Test
    void shortRangesStayOnTheCallingThread() {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1000)) {
            Thread caller = Thread.currentThread();
            List<Thread> seen = new ArrayList<>();
            executor.run(999, (from, length) -> seen.add(Thread.currentThread()));
            assertEquals(List.of(caller), seen);
        }
    }

    @Test
    void parallelSgdStepIsBitIdenticalToSingleThreaded() {
        int n = 300_001;
        float[] single = FloatTensor.randomNormal(1, n).toArray();
        float[] parallel = single.clone();
        float[] grad = FloatTensor.randomNormal(2, n).toArray();
        Hyperparameters h = Sgd.defaults().with("lr", 0.1).with("momentum", 0.9).with("nesterov", true)
                .with("weight_decay", 1e-3);
        Sgd one = new Sgd(List.of(new Parameter("w", FloatTensor.of(single), FloatTensor.of(grad))), h);
        Sgd many = new Sgd(List.of(new Parameter("w", FloatTensor.of(parallel), FloatTensor.of(grad))), h);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(4, 1024)) {
            many.setExecutor(executor);
            for (int step = 0; step < 3; step++) {
                one.step();
                many.step();
            }
        }
        assertArrayEquals(single, parallel);
        assertArrayEquals(one.state("w").buffer("momentum_buffer"), many.state("w").buffer("momentum_buffer"));
    }

    @Test
    void rejectsZeroThreads() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChunkedExecutor.withThreads(0, 10));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }
}
