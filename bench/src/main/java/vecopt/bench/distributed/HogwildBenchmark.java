package vecopt.bench.distributed;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import vecopt.distributed.Hogwild;

/**
 * Hogwild!'s speed-up against threads, at equal quality: {@link Hogwild#train} on its matrix-completion
 * problem (a {@code rows x rows} matrix of rank {@code rank}, {@code observed} entries) for a fixed
 * number of updates ({@code epochs} passes over the observed entries, split among the threads), with
 * {@code threads} = 1 or 2, lock-free ({@code LOCK_FREE}) or with one lock taken around every update
 * ({@code LOCKED}). One thread lock-free is the sequential baseline; one thread locked shows what an
 * uncontended lock costs per update.
 *
 * <p>Results: the primary score is the time of one whole run (ns/op); the secondary {@code updates}
 * is the time per update (ns per update: the run's time over {@code epochs * observed}); the secondary
 * {@code heldOutRmse} is the held-out root mean squared error of each iteration's last run, so a
 * speed-up is read next to the error it reached. JMH sums an event counter over the measurement
 * iterations: the summary table's {@code heldOutRmse} is {@code Cnt} times the error (the per-iteration
 * lines and the JSON's {@code rawData} show each one). With the defaults the error falls from about 1
 * to about 0.015 in one thread. Each run starts from the same initial factors; the threads' share
 * of the entries and their shuffles are seeded, so one thread gives the same error every run.
 *
 * <p>Run (quiet machine; 2 cores fit threads 1 and 2):
 * {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main HogwildBenchmark -rf json -rff hogwild.json}.
 * Smoke run: {@code ... HogwildBenchmark -wi 0 -i 1 -f 1 -p rows=200 -p observed=20000 -p epochs=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = "-Xmx2g")
public class HogwildBenchmark {

    @Param({"1", "2"})
    public int threads;

    @Param({"LOCK_FREE", "LOCKED"})
    public Hogwild.Mode mode;

    /** Rows and columns of the matrix. */
    @Param({"2000"})
    public int rows;

    @Param({"10"})
    public int rank;

    /** Observed entries trained on (and as many held out). */
    @Param({"400000"})
    public int observed;

    /** Passes over the observed entries: {@code epochs * observed} updates per run. */
    @Param({"5"})
    public int epochs;

    /** SGD's step size (decayed by {@link #DECAY} per epoch) and L2 weight, those of the module's tests. */
    static final double LR = 0.05, DECAY = 0.9, LAMBDA = 1e-4;
    static final long PROBLEM_SEED = 7, INIT_SEED = 1, THREAD_SEED = 3;

    private Hogwild.Problem problem;
    private float[] initial;

    /** Updates done, reported by JMH as time per update. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Updates {
        public long updates;

        @Setup(Level.Iteration)
        public void reset() {
            updates = 0;
        }
    }

    /** The held-out error of the iteration's last run. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Quality {
        public double heldOutRmse;

        @Setup(Level.Iteration)
        public void reset() {
            heldOutRmse = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        problem = new Hogwild.Problem(rows, rows, rank, observed, PROBLEM_SEED);
        initial = problem.initialParameters(INIT_SEED);
    }

    /** One training run of {@code epochs * observed} updates from the same start (copying it is part of the run). */
    @Benchmark
    public Hogwild.Result train(Updates updates, Quality quality) {
        Hogwild.Result result = Hogwild.train(problem, initial.clone(), threads, mode, epochs, LR, DECAY, LAMBDA,
                THREAD_SEED);
        updates.updates += (long) epochs * problem.observed();
        quality.heldOutRmse = result.heldOutRmse();
        return result;
    }
}
