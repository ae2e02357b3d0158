package vecopt.distributed;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Elastic averaging SGD (Zhang, Choromanska and LeCun 2015). Each worker keeps its own parameters
 * {@code x_i} and takes local SGD steps (EASGD) or Nesterov momentum steps (EAMSGD, vecopt's
 * {@code SGD} with {@code nesterov}); every {@code tau} steps it pulls the centre variable {@code c} from
 * the server and both move toward each other by the moving rate {@code alpha}:
 * <pre>
 * d    = alpha (x_i - c)
 * x_i -= d                  on the worker
 * c   += d                  on the server (ServerRule.ElasticCentre, pushed as an entry processor)
 * </pre>
 * Asynchronous: each worker does this on its own clock. Synchronous: all workers pull the same centre
 * and push together, so {@code c += alpha sum_i (x_i - c)}. The server must hold the centre with the
 * {@link ServerRule.ElasticCentre} rule.
 *
 * <p>Asynchronous runs: a worker that fails stops; the others go on. Synchronous runs stop at the next
 * exchange.
 */
public final class ElasticAveraging {

    /** The algorithm's settings: local {@code lr}, {@code momentum} (0 for EASGD), {@code tau}, {@code alpha}. */
    public record Settings(double lr, double momentum, int tau, double alpha, boolean synchronous) {
        public Settings {
            if (!(lr > 0) || !(momentum >= 0 && momentum < 1) || tau < 1 || !(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("need lr > 0, 0 <= momentum < 1, tau >= 1 and 0 < alpha < 1, got lr "
                        + lr + ", momentum " + momentum + ", tau " + tau + ", alpha " + alpha);
            }
        }

        /** EAMSGD rather than EASGD. */
        public boolean usesMomentum() {
            return momentum > 0;
        }
    }

    private ElasticAveraging() {
    }

    /** Runs {@code steps} local steps on each of {@code workers} workers; returns the centre variable. */
    public static TrainingRun train(ParameterServer centre, IntFunction<GradientSource> sources, int workers,
                                    int steps, Settings settings, int reportEvery, Progress progress) {
        if (workers < 1 || steps < 0 || reportEvery < 1) {
            throw new IllegalArgumentException("workers and reportEvery must be >= 1 and steps >= 0, got "
                    + workers + ", " + reportEvery + ", " + steps);
        }
        if (!(centre.block(0).rule() instanceof ServerRule.ElasticCentre)) {
            throw new IllegalArgumentException("the centre variable's server must run ServerRule.ElasticCentre, got "
                    + centre.block(0).rule().name());
        }
        CyclicBarrier barrier = new CyclicBarrier(workers);
        AtomicLong examples = new AtomicLong();
        AtomicLong pushes = new AtomicLong();
        long start = System.nanoTime();
        float alpha = (float) settings.alpha();
        List<Integer> failed = Workers.run(workers, ParameterServer.TIMEOUT_SECONDS * (steps + 1L), w -> {
            try {
                GradientSource source = sources.apply(w);
                int n = centre.length();
                float[] x = centre.pull().values();
                float[] grad = new float[n];
                float[] d = new float[n];
                Optimizer local = Optimizers.fromTorch("SGD", List.of(new Parameter("x", FloatTensor.of(x),
                        FloatTensor.of(grad))), settings.usesMomentum()
                        ? Map.of("lr", settings.lr(), "momentum", settings.momentum(), "nesterov", true)
                        : Map.of("lr", settings.lr()));
                long sequence = 0;
                for (int step = 0; step < steps; step++) {
                    if (step % settings.tau() == 0) {
                        if (settings.synchronous()) {
                            SynchronousDataParallel.await(barrier); // every push of the last exchange has landed
                        }
                        float[] c = centre.pull().values();
                        if (settings.synchronous()) {
                            SynchronousDataParallel.await(barrier); // everyone has the same centre
                        }
                        if (w == 0 && step % reportEvery < settings.tau()) {
                            progress.report(examples.get(), c);
                        }
                        for (int i = 0; i < n; i++) {
                            d[i] = alpha * (x[i] - c[i]);
                            x[i] -= d[i];
                        }
                        centre.pushAll(w, sequence++, d, null);
                        pushes.incrementAndGet();
                    }
                    source.lossAndGradient(x, grad, step);
                    examples.addAndGet(source.batchSize());
                    local.step();
                }
            } catch (RuntimeException | Error e) {
                barrier.reset(); // synchronous runs: the others stop at the barrier instead of waiting
                throw e;
            }
        });
        float[] last = centre.pull().values();
        progress.report(examples.get(), last);
        return new TrainingRun(last, examples.get(), pushes.get(), List.of(), failed,
                (System.nanoTime() - start) / 1e9);
    }
}
