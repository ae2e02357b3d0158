package vecopt.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an element-wise kernel over {@code [0, n)} on several threads by splitting the range into
 * contiguous chunks, one per thread, each starting at a multiple of 64 elements (whole cache lines
 * and whole vectors). Element-wise rules give the same bits whatever the split, so a parallel step
 * equals the single-threaded one. Ranges shorter than {@code minParallelLength} run on the calling
 * thread: below that, handing work to other threads costs more than it saves.
 *
 * <p>The hand-off is built for back-to-back kernel calls of a few microseconds: {@code threads - 1}
 * persistent workers wait for the next call by spinning for {@code spin} after their last one and
 * only then park, as OpenMP's runtime does. Handing a call to a spinning worker costs a cache-line
 * transfer; waking a parked one costs the operating system's wake-up (tens of microseconds on a
 * virtual machine). {@link #wake} lets a caller start that wake-up early, before the first call of a
 * step. One caller at a time uses the workers; a call that finds them busy (another caller's call,
 * or a task that calls {@code run} itself) runs on its own thread, which gives the same bits.
 */
public final class ChunkedExecutor implements AutoCloseable {

    /**
     * Shortest range split across threads by default: 32Ki elements. With spinning workers, two
     * threads beat one on the 2-core reference machine from the smallest size measured, 16Ki (Adam
     * 1.39x, SGD momentum 1.29x), and reach 1.8-1.9x at 32Ki; below that a split saves less than the
     * hand-off risks when a worker has parked. Measure with {@code suite --include
     * '(Adam|Sgd)Benchmark\.panama' --sizes 16384,32768,65536,131072,262144,524288,1048576 --threads 1,2}.
     */
    public static final int DEFAULT_MIN_PARALLEL_LENGTH = 1 << 15;

    /**
     * How long an idle worker spins before it parks, by default: 50 microseconds. Long enough to
     * catch the next kernel call of the same step (the next parameter, the next pass) and short
     * enough that idle workers on a shared machine give their core back well within a millisecond.
     */
    public static final long DEFAULT_SPIN_NANOS = 50_000;

    private static final int ALIGNMENT = 64;
    private static final ChunkedExecutor CALLING_THREAD = new ChunkedExecutor(1, Integer.MAX_VALUE, 0);

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
    private final long spinNanos;
    private final Worker[] workers;
    private final ReentrantLock caller = new ReentrantLock();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    // The call being handed out; written by the caller before the volatile write of generation.
    private RangeTask task;
    private int length;
    private int chunk;
    private volatile long generation;
    private volatile boolean closed;

    private ChunkedExecutor(int threads, int minParallelLength, long spinNanos) {
        this.threads = threads;
        this.minParallelLength = minParallelLength;
        this.spinNanos = spinNanos;
        this.workers = new Worker[threads - 1];
        for (int t = 1; t < threads; t++) {
            workers[t - 1] = new Worker(t);
        }
        for (Worker w : workers) {
            w.start();
        }
    }

    /** {@return an executor that runs everything on the calling thread} */
    public static ChunkedExecutor callingThread() {
        return CALLING_THREAD;
    }

    /** {@return an executor with one chunk per available core and the default threshold and spin} */
    public static ChunkedExecutor allCores() {
        return withThreads(Runtime.getRuntime().availableProcessors(), DEFAULT_MIN_PARALLEL_LENGTH);
    }

    /**
     * Splits ranges of at least {@code minParallelLength} elements into {@code threads} chunks; the
     * calling thread runs one of them, {@code threads - 1} daemon workers the others. Idle workers
     * spin for {@link #DEFAULT_SPIN_NANOS} before they park.
     *
     * @param threads the number of chunks, at least 1
     * @param minParallelLength the shortest range that is split
     * @return the executor; close it to stop its threads
     */
    public static ChunkedExecutor withThreads(int threads, int minParallelLength) {
        return withThreads(threads, minParallelLength, DEFAULT_SPIN_NANOS, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #withThreads(int, int)}, with idle workers spinning for {@code spin} before they park:
     * 0 parks at once (lowest CPU use while idle, slowest hand-off); longer spins suit a machine whose
     * cores belong to this process.
     *
     * @param threads the number of chunks, at least 1
     * @param minParallelLength the shortest range that is split, at least 1
     * @param spin how long an idle worker spins before it parks, in {@code unit}; at least 0
     * @param unit the unit of {@code spin}, not null
     * @return the executor (one that runs every range on the calling thread when {@code threads} is 1);
     *     close it to stop its threads
     * @throws IllegalArgumentException naming the argument and its value if one is out of range or null
     */
    public static ChunkedExecutor withThreads(int threads, int minParallelLength, long spin, TimeUnit unit) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (minParallelLength < 1) {
            throw new IllegalArgumentException("minParallelLength must be >= 1, got " + minParallelLength);
        }
        if (spin < 0) {
            throw new IllegalArgumentException("spin must be >= 0, got " + spin);
        }
        if (unit == null) {
            throw new IllegalArgumentException("unit must not be null");
        }
        if (threads == 1) {
            return CALLING_THREAD;
        }
        return new ChunkedExecutor(threads, minParallelLength, unit.toNanos(spin));
    }

    /** {@return the number of threads a long range is split across} */
    public int threads() {
        return threads;
    }

    /** {@return the shortest range that is split} */
    public int minParallelLength() {
        return minParallelLength;
    }

    /** {@return how long, in nanoseconds, an idle worker spins before it parks} */
    public long spinNanos() {
        return spinNanos;
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
     * same result, on any number of threads. If a chunk throws, the call still waits for the other
     * chunks, then rethrows the first failure as it was thrown.
     *
     * @param n the length of the range
     * @param alignment every chunk but the first starts at a multiple of it
     * @param task the work over one chunk
     */
    public void run(int n, int alignment, RangeTask task) {
        if (alignment < 1) {
            throw new IllegalArgumentException("alignment must be >= 1, got " + alignment);
        }
        if (threads == 1 || n < minParallelLength || caller.isHeldByCurrentThread() || !caller.tryLock()) {
            task.run(0, n);
            return;
        }
        try {
            if (closed) {
                throw new IllegalStateException("this executor was closed; " + n + " elements cannot be split across its threads");
            }
            int perThread = n / threads + (n % threads == 0 ? 0 : 1); // rounded up, or the last elements are lost
            int c = (int) Math.min(Integer.MAX_VALUE, ((long) perThread + alignment - 1) / alignment * alignment);
            this.task = task;
            this.length = n;
            this.chunk = c;
            failure.set(null);
            // Every worker acknowledges every call, even one with no chunk for it, so no worker can
            // still be reading these fields when the next call overwrites them.
            pending.set(workers.length);
            generation++; // publishes the call; only this thread writes it, under the lock
            wake();
            try {
                task.run(0, Math.min(c, n));
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
            awaitHelpers();
            this.task = null;
            Throwable first = failure.getAndSet(null);
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
        } finally {
            caller.unlock();
        }
    }

    /**
     * Unparks idle workers so that they are spinning when the next call arrives: a step calls it before
     * it plans, so the operating system's wake-up overlaps the planning. Costs nothing when the
     * workers are already spinning or the executor is single-threaded.
     */
    public void wake() {
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
    }

    private void awaitHelpers() {
        long spinUntil = System.nanoTime() + Math.max(spinNanos, 10_000);
        while (pending.get() != 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** {@return true once {@link #close} was called on an executor that has threads of its own} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the workers once the call in flight, if any, has finished. Ranges shorter than
     * {@code minParallelLength} still run on the calling thread; longer ones are refused.
     */
    @Override
    public void close() {
        if (workers.length == 0) {
            return;
        }
        caller.lock(); // waits for a call in flight, so no call is published to stopped workers
        try {
            closed = true;
        } finally {
            caller.unlock();
        }
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private static final AtomicInteger WORKER_COUNT = new AtomicInteger();

    /** A persistent worker: runs chunk {@code index} of every call until the executor is closed. */
    private final class Worker extends Thread {
        private final int index;
        volatile boolean parked;

        Worker(int index) {
            super("vecopt-step-" + WORKER_COUNT.incrementAndGet());
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long next = awaitCall(seen);
                if (next < 0) {
                    return;
                }
                seen = next;
                long from = (long) index * chunk;
                if (from < length) {
                    try {
                        task.run((int) from, (int) Math.min(chunk, length - from));
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }
                pending.decrementAndGet();
            }
        }

        /** The generation of the next call after {@code seen}, or -1 once the executor is closed. */
        private long awaitCall(long seen) {
            long spinUntil = System.nanoTime() + spinNanos;
            while (true) {
                long g = generation;
                if (g != seen) {
                    return g;
                }
                if (closed) {
                    return -1;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (generation == seen && !closed) { // re-checked after announcing: no lost wake-up
                        LockSupport.park(this);
                    }
                    parked = false;
                    spinUntil = System.nanoTime() + spinNanos;
                }
            }
        }
    }
}
