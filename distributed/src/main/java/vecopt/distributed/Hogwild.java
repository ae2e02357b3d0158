package vecopt.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hogwild! (Niu, Recht, Ré and Wright 2011): threads run SGD on one shared parameter array without any
 * lock, on a sparse problem where each update touches few parameters, so they rarely collide. Here the
 * problem is matrix completion: a rank-{@code r} matrix {@code M = U* V*^T} with known factors, of which
 * a random set of entries is observed; each update reads and writes one row of {@code U} and one of
 * {@code V}:
 * <pre>
 * e    = u_i . v_j - M_ij
 * u_i -= lr (e v_j + lambda u_i)
 * v_j -= lr (e u_i + lambda v_j)        (both from the values read before the update)
 * </pre>
 * The same problem runs lock-free ({@link Mode#LOCK_FREE}), with one lock taken around every update
 * ({@link Mode#LOCKED}, the safe baseline Hogwild! is measured against) and on one thread.
 *
 * <p>What Java's memory model guarantees here (JLS 17.4, 17.7): a {@code float} array element is read
 * and written atomically, so a thread never sees a torn float, only a value some thread wrote (or the
 * initial one). It guarantees nothing else: without a happens-before edge a thread may see another's
 * write late or never until it synchronizes (thread start and join give the edges that make the final
 * array visible to the caller), two threads' read-modify-writes of one element can lose one update, and
 * a thread may read {@code u_i} before and {@code v_j} after another thread's update of them. Hogwild!'s
 * analysis allows exactly this: lost and stale sparse updates slow convergence only a little.
 */
public final class Hogwild {

    /** How threads share the parameters. */
    public enum Mode { LOCK_FREE, LOCKED }

    /** A matrix-completion problem with known truth. */
    public static final class Problem {
        final int rows, cols, rank;
        final float[] truthU, truthV;
        final int[] entryRow, entryCol;
        final float[] entryValue;
        final int[] heldRow, heldCol;
        final float[] heldValue;

        /** A rows x cols matrix of rank {@code rank}, {@code observed} entries to train on and as many held out. */
        public Problem(int rows, int cols, int rank, int observed, long seed) {
            if (rows < 1 || cols < 1 || rank < 1 || observed < 1) {
                throw new IllegalArgumentException("rows, cols, rank and observed must be >= 1, got " + rows + ", "
                        + cols + ", " + rank + ", " + observed);
            }
            this.rows = rows;
            this.cols = cols;
            this.rank = rank;
            SplittableRandom random = new SplittableRandom(seed);
            truthU = gaussian(rows * rank, 1 / Math.sqrt(Math.sqrt(rank)), random);
            truthV = gaussian(cols * rank, 1 / Math.sqrt(Math.sqrt(rank)), random);
            entryRow = new int[observed];
            entryCol = new int[observed];
            entryValue = new float[observed];
            heldRow = new int[observed];
            heldCol = new int[observed];
            heldValue = new float[observed];
            for (int k = 0; k < observed; k++) {
                entryRow[k] = random.nextInt(rows);
                entryCol[k] = random.nextInt(cols);
                entryValue[k] = truth(entryRow[k], entryCol[k]);
                heldRow[k] = random.nextInt(rows);
                heldCol[k] = random.nextInt(cols);
                heldValue[k] = truth(heldRow[k], heldCol[k]);
            }
        }

        private float truth(int i, int j) {
            double s = 0;
            for (int k = 0; k < rank; k++) {
                s += (double) truthU[i * rank + k] * truthV[j * rank + k];
            }
            return (float) s;
        }

        /** Parameters: U (rows x rank) then V (cols x rank), small random values. */
        public float[] initialParameters(long seed) {
            float[] p = gaussian((rows + cols) * rank, 0.1, new SplittableRandom(seed));
            return p;
        }

        /** Root mean squared error of {@code params} on the observed entries. */
        public double trainingRmse(float[] params) {
            return rmse(params, entryRow, entryCol, entryValue);
        }

        /** Root mean squared error on held-out entries of the true matrix. */
        public double heldOutRmse(float[] params) {
            return rmse(params, heldRow, heldCol, heldValue);
        }

        private double rmse(float[] p, int[] r, int[] c, float[] v) {
            double sum = 0;
            int vOffset = rows * rank;
            for (int k = 0; k < v.length; k++) {
                double dot = 0;
                for (int q = 0; q < rank; q++) {
                    dot += (double) p[r[k] * rank + q] * p[vOffset + c[k] * rank + q];
                }
                double e = dot - v[k];
                sum += e * e;
            }
            return Math.sqrt(sum / v.length);
        }

        public int observed() {
            return entryValue.length;
        }

        private static float[] gaussian(int n, double scale, SplittableRandom random) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (random.nextGaussian() * scale);
            }
            return a;
        }
    }

    /** One run's result: the parameters, the training RMSE, the held-out RMSE and the wall time. */
    public record Result(float[] params, double trainingRmse, double heldOutRmse, double seconds) {
    }

    private Hogwild() {
    }

    /**
     * Trains {@code epochs} passes over the observed entries, split into {@code threads} equal shares that
     * the threads shuffle and walk each epoch, with step size {@code lr * decay^epoch} and L2 weight
     * {@code lambda}.
     */
    public static Result train(Problem problem, float[] params, int threads, Mode mode, int epochs, double lr,
                               double decay, double lambda, long seed) {
        if (threads < 1 || epochs < 0 || !(lr > 0) || !(decay > 0 && decay <= 1) || !(lambda >= 0)) {
            throw new IllegalArgumentException("need threads >= 1, epochs >= 0, lr > 0, 0 < decay <= 1 and lambda >= 0,"
                    + " got " + threads + ", " + epochs + ", " + lr + ", " + decay + ", " + lambda);
        }
        if (params.length != (problem.rows + problem.cols) * problem.rank) {
            throw new IllegalArgumentException("params must have " + (problem.rows + problem.cols) * problem.rank
                    + " elements, got " + params.length);
        }
        ReentrantLock lock = mode == Mode.LOCKED ? new ReentrantLock() : null;
        int n = problem.observed();
        long start = System.nanoTime();
        List<Integer> failed = Workers.run(threads, 600, t -> {
            int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
            int[] order = new int[to - from];
            for (int k = 0; k < order.length; k++) {
                order[k] = from + k;
            }
            SplittableRandom random = new SplittableRandom(seed + 31L * t);
            float[] u = new float[problem.rank];
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int k = order.length - 1; k > 0; k--) {
                    int j = random.nextInt(k + 1);
                    int tmp = order[k];
                    order[k] = order[j];
                    order[j] = tmp;
                }
                float step = (float) (lr * Math.pow(decay, epoch));
                for (int e : order) {
                    if (lock != null) {
                        lock.lock();
                        try {
                            update(problem, params, e, step, (float) lambda, u);
                        } finally {
                            lock.unlock();
                        }
                    } else {
                        update(problem, params, e, step, (float) lambda, u);
                    }
                }
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!failed.isEmpty()) {
            throw new IllegalStateException("Hogwild! threads " + failed + " failed");
        }
        return new Result(params, problem.trainingRmse(params), problem.heldOutRmse(params), seconds);
    }

    /** One SGD step on observed entry {@code e}; {@code u} is scratch for the row of U as read. */
    private static void update(Problem p, float[] params, int e, float lr, float lambda, float[] u) {
        int r = p.rank;
        int ui = p.entryRow[e] * r;
        int vj = (p.rows + p.entryCol[e]) * r;
        float dot = 0;
        for (int k = 0; k < r; k++) {
            u[k] = params[ui + k];
            dot += u[k] * params[vj + k];
        }
        float err = dot - p.entryValue[e];
        for (int k = 0; k < r; k++) {
            float v = params[vj + k];
            params[ui + k] = u[k] - lr * (err * v + lambda * u[k]);
            params[vj + k] = v - lr * (err * u[k] + lambda * v);
        }
    }

    /**
     * Hogwild! on a dense model: each thread computes the gradient of its minibatches at the shared
     * parameters as it reads them and subtracts {@code lr} times it in place, without a lock
     * ({@link Mode#LOCK_FREE}) or holding one lock for the whole update ({@link Mode#LOCKED}). Thread 0
     * reports progress every {@code reportEvery} steps.
     */
    public static TrainingRun trainDense(float[] params, IntFunction<GradientSource> sources, int threads, int steps,
                                         double lr, Mode mode, int reportEvery, Progress progress) {
        if (threads < 1 || steps < 0 || !(lr > 0) || reportEvery < 1) {
            throw new IllegalArgumentException("need threads >= 1, steps >= 0, lr > 0 and reportEvery >= 1, got "
                    + threads + ", " + steps + ", " + lr + ", " + reportEvery);
        }
        ReentrantLock lock = mode == Mode.LOCKED ? new ReentrantLock() : null;
        AtomicLong examples = new AtomicLong();
        long start = System.nanoTime();
        float step = (float) lr;
        List<Integer> failed = Workers.run(threads, 600, t -> {
            GradientSource source = sources.apply(t);
            float[] grad = new float[params.length];
            for (int s = 0; s < steps; s++) {
                if (t == 0 && s % reportEvery == 0) {
                    progress.report(examples.get(), params.clone());
                }
                if (lock != null) {
                    lock.lock();
                }
                try {
                    source.lossAndGradient(params, grad, s);
                    for (int i = 0; i < params.length; i++) {
                        params[i] -= step * grad[i];
                    }
                } finally {
                    if (lock != null) {
                        lock.unlock();
                    }
                }
                examples.addAndGet(source.batchSize());
            }
        });
        progress.report(examples.get(), params.clone());
        return new TrainingRun(params, examples.get(), 0, List.of(), failed, (System.nanoTime() - start) / 1e9);
    }
}
