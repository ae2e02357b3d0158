package vecopt.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an element-wise kernel over {@code [0, n)} on several threads by splitting the range into
 * contiguous chunks, one per thread, each starting at a multiple of 64 elements (whole cache lines
 * and whole vectors). Element-wise rules give the same bits whatever the split, so a parallel step
 * equals the single-threaded one. Ranges shorter than {@code minParallelLength} run on the calling
 * thread: below that, handing work to other threads costs more than it saves.
 */
public final class ChunkedExecutor implements AutoCloseable {

    /**
     * Shortest range split across threads by default: 1Mi elements. On the 2-core reference machine
     * two threads lost to one at every size up to 256Ki and first won at 1Mi (SGD momentum, 1.5x);
     * measure with {@code suite --full --include 'SgdBenchmark\.(panama|bandwidth)' --sizes
     * 4Ki,16Ki,64Ki,256Ki,1Mi,4Mi --threads 1,2}.
     */
    public static final int DEFAULT_MIN_PARALLEL_LENGTH = 1 << 20;

    private static final int ALIGNMENT = 64;
    private static final ChunkedExecutor CALLING_THREAD = new ChunkedExecutor(1, Integer.MAX_VALUE, null);

    /** A kernel call over {@code [from, from + length)}. */
    @FunctionalInterface
    public interface RangeTask {
        /**
         * Runs the task over one chunk.
         *
         * @param from the first index of the chunk
         * @param length the chunk's length
         */
        void run(int from, int length);
    }

    private final int threads;
    private final int minParallelLength;
    private final ExecutorService pool;

    private ChunkedExecutor(int threads, int minParallelLength, ExecutorService pool) {
        this.threads = threads;
        this.minParallelLength = minParallelLength;
        this.pool = pool;
    }

    /** {@return an executor that runs everything on the calling thread} */
    public static ChunkedExecutor callingThread() {
        return CALLING_THREAD;
    }

    /** {@return an executor with one chunk per available core and the default threshold} */
    public static ChunkedExecutor allCores() {
        return withThreads(Runtime.getRuntime().availableProcessors(), DEFAULT_MIN_PARALLEL_LENGTH);
    }

    /**
     * Splits ranges of at least {@code minParallelLength} elements into {@code threads} chunks; the
     * calling thread runs one of them, {@code threads - 1} daemon threads the others.
     *
     * @param threads the number of chunks, at least 1
     * @param minParallelLength the shortest range that is split
     * @return the executor; close it to stop its threads
     */
    public static ChunkedExecutor withThreads(int threads, int minParallelLength) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (minParallelLength < 1) {
            throw new IllegalArgumentException("minParallelLength must be >= 1, got " + minParallelLength);
        }
        if (threads == 1) {
            return CALLING_THREAD;
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "vecopt-step-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ChunkedExecutor(threads, minParallelLength, Executors.newFixedThreadPool(threads - 1, factory));
    }

    /** {@return the number of threads a long range is split across} */
    public int threads() {
        return threads;
    }

    /** {@return the shortest range that is split} */
    public int minParallelLength() {
        return minParallelLength;
    }

    /**
     * Runs {@code task} over {@code [0, n)}, split when {@code n} is long enough; returns when all is done.
     *
     * @param n the length of the range
     * @param task the work over one chunk
     */
    public void run(int n, RangeTask task) {
        run(n, ALIGNMENT, task);
    }

    /**
     * As {@link #run(int, RangeTask)}, with every chunk starting at a multiple of {@code alignment}: a
     * reduction whose partial results are kept per aligned block then gives the same blocks, so the
     * same result, on any number of threads.
     *
     * @param n the length of the range
     * @param alignment every chunk but the first starts at a multiple of it
     * @param task the work over one chunk
     */
    public void run(int n, int alignment, RangeTask task) {
        if (alignment < 1) {
            throw new IllegalArgumentException("alignment must be >= 1, got " + alignment);
        }
        if (threads == 1 || n < minParallelLength) {
            task.run(0, n);
            return;
        }
        int perThread = n / threads + (n % threads == 0 ? 0 : 1); // rounded up, or the last elements are lost
        int chunk = (int) Math.min(Integer.MAX_VALUE, ((long) perThread + alignment - 1) / alignment * alignment);
        CompletableFuture<?>[] others = new CompletableFuture<?>[threads - 1];
        int started = 0;
        for (int t = 1; t < threads; t++) {
            long start = (long) t * chunk;
            if (start >= n) {
                break;
            }
            int from = (int) start;
            int length = Math.min(chunk, n - from);
            others[started++] = CompletableFuture.runAsync(() -> task.run(from, length), pool);
        }
        task.run(0, Math.min(chunk, n));
        for (int i = 0; i < started; i++) {
            others[i].join();
        }
    }

    /** {@return true once {@link #close} was called on an executor that has threads of its own} */
    public boolean isClosed() {
        return pool != null && pool.isShutdown();
    }

    /** Stops the pool's threads; ranges then run on the calling thread only if unsplit. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
