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
    void alignedChunksStartAtMultiplesOfTheAlignment() {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(3, 10)) {
            for (int n : new int[] {10, 4095, 4097, 12_289, 100_003}) {
                List<int[]> chunks = Collections.synchronizedList(new ArrayList<>());
                executor.run(n, 4096, (from, length) -> chunks.add(new int[] {from, length}));
                chunks.sort((a, b) -> Integer.compare(a[0], b[0]));
                int next = 0;
                for (int[] c : chunks) {
                    assertEquals(next, c[0], "chunks must be contiguous for n=" + n);
                    assertEquals(0, c[0] % 4096, "chunk start " + c[0] + " for n=" + n);
                    next += c[1];
                }
                assertEquals(n, next);
            }
            var e = assertThrows(IllegalArgumentException.class, () -> executor.run(5, 0, (from, length) -> { }));
            assertEquals("alignment must be >= 1, got 0", e.getMessage());
        }
    }

    @Test
    void rejectsZeroThreads() {
        var e = assertThrows(IllegalArgumentException.class, () -> ChunkedExecutor.withThreads(0, 10));
        assertEquals("threads must be >= 1, got 0", e.getMessage());
    }

    @Test
    void aFailingChunkIsRethrownAsThrownAfterEveryChunkHasFinished() {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
            var e = assertThrows(ArithmeticException.class, () -> executor.run(1000, (from, length) -> {
                if (from > 0) {
                    throw new ArithmeticException("chunk at " + from);
                }
                finished.incrementAndGet();
            }));
            assertEquals("chunk at 512", e.getMessage());
            assertEquals(1, finished.get());
            List<int[]> after = Collections.synchronizedList(new ArrayList<>());
            executor.run(1000, (from, length) -> after.add(new int[] {from, length}));
            assertEquals(2, after.size(), "the workers keep serving calls after a failure");
        }
    }

    @Test
    void manyBackToBackCallsEachRunEveryChunkExactlyOnce() {
        for (long spin : new long[] {0, ChunkedExecutor.DEFAULT_SPIN_NANOS}) {
            try (ChunkedExecutor executor = ChunkedExecutor.withThreads(3, 1, spin, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                int[] counts = new int[3 * 64 + 5];
                for (int call = 0; call < 5_000; call++) {
                    int n = 1 + call % counts.length;
                    executor.run(n, (from, length) -> {
                        for (int i = from; i < from + length; i++) {
                            counts[i]++; // chunks are disjoint, and run() returns only when all are done
                        }
                    });
                }
                int[] want = new int[counts.length];
                for (int call = 0; call < 5_000; call++) {
                    for (int i = 0; i < 1 + call % counts.length; i++) {
                        want[i]++;
                    }
                }
                assertArrayEquals(want, counts, "spin " + spin);
            }
        }
    }

    @Test
    void aTaskThatCallsRunAgainRunsTheInnerCallOnItsOwnThread() {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            List<Thread> inner = Collections.synchronizedList(new ArrayList<>());
            executor.run(1000, (from, length) -> executor.run(1000, (f, l) -> inner.add(Thread.currentThread())));
            assertEquals(2, inner.size(), "each outer chunk runs the inner call whole, without deadlock");
        }
    }

    @Test
    void callsFromTwoThreadsAtOnceBothComplete() throws Exception {
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
            Thread other = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    executor.run(256, (from, length) -> sum.addAndGet(length));
                }
            });
            other.start();
            for (int i = 0; i < 5_000; i++) {
                executor.run(256, (from, length) -> sum.addAndGet(length));
            }
            other.join(60_000);
            assertEquals(2L * 5_000 * 256, sum.get());
        }
    }

    @Test
    void aClosedExecutorRefusesRangesItWouldSplit() {
        ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 100);
        executor.close();
        assertTrue(executor.isClosed());
        List<int[]> small = new ArrayList<>();
        executor.run(99, (from, length) -> small.add(new int[] {from, length}));
        assertEquals(1, small.size());
        var e = assertThrows(IllegalStateException.class, () -> executor.run(100, (from, length) -> { }));
        assertEquals("this executor was closed; 100 elements cannot be split across its threads", e.getMessage());
    }

    @Test
    void rejectsANegativeSpin() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ChunkedExecutor.withThreads(2, 10, -1, java.util.concurrent.TimeUnit.MICROSECONDS));
        assertEquals("spin must be >= 0, got -1", e.getMessage());
    }
}
