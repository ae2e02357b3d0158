package vecopt.distributed;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Downpour SGD (Dean et al. 2012): each worker, on its own, fetches the parameters every
 * {@code nFetch} steps, computes gradients at the parameters it last fetched, accumulates them, and
 * pushes the sum every {@code nPush} steps; the server's rule (Adagrad in the paper, or
 * {@link ServerRule.DelayTolerantAdagrad}) applies each push as it arrives. Staleness is recorded per
 * push: how many updates the pushed blocks took between the worker's fetch and the push. For
 * delay-tolerant Adagrad the fetch also brings each block's gradient sum, sent back with the push.
 *
 * <p>A worker that fails stops pushing; the others go on.
 */
public final class Downpour {

    private Downpour() {
    }

    /** Runs {@code steps} minibatch steps on each of {@code workers} workers. */
    public static TrainingRun train(ParameterServer server, IntFunction<GradientSource> sources, int workers,
                                    int steps, int nFetch, int nPush, int reportEvery, Progress progress) {
        if (workers < 1 || steps < 0 || nFetch < 1 || nPush < 1 || reportEvery < 1) {
            throw new IllegalArgumentException("workers, nFetch, nPush and reportEvery must be >= 1 and steps >= 0, "
                    + "got " + workers + ", " + nFetch + ", " + nPush + ", " + reportEvery + ", " + steps);
        }
        AtomicLong examples = new AtomicLong();
        AtomicLong pushes = new AtomicLong();
        List<Long> staleness = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Integer> failed = Workers.run(workers, ParameterServer.TIMEOUT_SECONDS * (steps + 1L), w -> {
            GradientSource source = sources.apply(w);
            int n = server.length();
            float[] grad = new float[n];
            float[] accumulated = new float[n];
            ParameterServer.Snapshot fetched = null;
            long sequence = 0;
            for (int step = 0; step < steps; step++) {
                if (step % nFetch == 0) {
                    fetched = server.pull();
                }
                if (w == 0 && step % reportEvery == 0) {
                    progress.report(examples.get(), fetched.values());
                }
                source.lossAndGradient(fetched.values(), grad, step);
                examples.addAndGet(source.batchSize());
                for (int i = 0; i < n; i++) {
                    accumulated[i] += grad[i];
                }
                if ((step + 1) % nPush == 0 || step == steps - 1) {
                    PushReceipt[] receipts = server.pushAll(w, sequence++, accumulated, fetched.gradientSums());
                    long stale = 0;
                    for (int b = 0; b < receipts.length; b++) {
                        stale = Math.max(stale, receipts[b].versionBefore() - fetched.versions()[b]);
                    }
                    staleness.add(stale);
                    pushes.incrementAndGet();
                    java.util.Arrays.fill(accumulated, 0f);
                }
            }
        });
        float[] last = server.pull().values();
        progress.report(examples.get(), last);
        return new TrainingRun(last, examples.get(), pushes.get(), List.copyOf(staleness), failed,
                (System.nanoTime() - start) / 1e9);
    }
}
