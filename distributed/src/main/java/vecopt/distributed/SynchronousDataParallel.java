package vecopt.distributed;

import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Synchronous data parallelism, the baseline: each round every worker pulls the parameters
 * (all-gather), computes the gradient of its own minibatch and sends each block's share to the block's
 * owner (reduce-scatter by shard); the owner sums the workers' shares in worker order and takes one
 * step of the server's rule on the sum. The result is that of one worker stepping on the summed
 * gradient of all the minibatches, bit for bit. Each worker's gradient is scaled by {@code 1 / workers}
 * when {@code mean} is set, so the sum is the mean gradient of the combined batch.
 *
 * <p>A round needs every worker: if one fails, the others stop at the next barrier (the run reports it).
 */
public final class SynchronousDataParallel {

    private SynchronousDataParallel() {
    }

    /** Runs {@code rounds} rounds with one worker per source. */
    public static TrainingRun train(ParameterServer server, IntFunction<GradientSource> sources, int workers,
                                    int rounds, boolean mean, int reportEvery, Progress progress) {
        if (workers < 1 || rounds < 0 || reportEvery < 1) {
            throw new IllegalArgumentException("workers must be >= 1, rounds >= 0 and reportEvery >= 1, got "
                    + workers + ", " + rounds + ", " + reportEvery);
        }
        CyclicBarrier barrier = new CyclicBarrier(workers);
        AtomicLong examples = new AtomicLong();
        AtomicLong pushes = new AtomicLong();
        long start = System.nanoTime();
        float scale = mean ? 1f / workers : 1f;
        long firstRound = server.block(0).syncRound(); // the server may have taken rounds before
        List<Integer> failed = Workers.run(workers, ParameterServer.TIMEOUT_SECONDS * (rounds + 1L), w -> {
            try {
                GradientSource source = sources.apply(w);
                float[] grad = new float[server.length()];
                for (int round = 0; round < rounds; round++) {
                    float[] params = server.pull().values();
                    if (w == 0 && round % reportEvery == 0) {
                        progress.report(examples.get(), params);
                    }
                    source.lossAndGradient(params, grad, round);
                    if (scale != 1f) {
                        for (int i = 0; i < grad.length; i++) {
                            grad[i] *= scale;
                        }
                    }
                    server.contributeAll(w, workers, firstRound + round, grad);
                    pushes.incrementAndGet();
                    examples.addAndGet(source.batchSize());
                    await(barrier); // every share of this round has been applied before anyone pulls again
                }
            } catch (RuntimeException | Error e) {
                barrier.reset(); // the others stop at the barrier instead of waiting for this worker
                throw e;
            }
        });
        float[] last = server.pull().values();
        progress.report(examples.get(), last);
        return new TrainingRun(last, examples.get(), pushes.get(), List.of(), failed,
                (System.nanoTime() - start) / 1e9);
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await(ParameterServer.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the round's barrier", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("another worker left the synchronous round", e);
        }
    }
}
