package vecopt.bench.handoff;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vecopt.engine.ChunkedExecutor;

/**
 * What handing a kernel call to other threads costs: {@link ChunkedExecutor#run} over a range that is
 * split into {@code threads} chunks whose work is one store each. With one thread it is the cost of the
 * call itself; the difference is the hand-off. {@code spinMicros = 0} makes every call wake parked
 * workers, the cost a training step pays when its workers went idle during forward and backward.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main HandOffBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandOffBenchmark {

    @Param({"1", "2"})
    public int threads;

    @Param({"0", "50"})
    public int spinMicros;

    private final int[] touched = new int[4096];
    private ChunkedExecutor executor;
    private ChunkedExecutor.RangeTask touch;

    @Setup(Level.Trial)
    public void setUp() {
        executor = ChunkedExecutor.withThreads(threads, 1, spinMicros, TimeUnit.MICROSECONDS);
        touch = (from, length) -> touched[from / 16]++;
    }

    /** One split call whose chunks do almost nothing. */
    @Benchmark
    public int emptyCall() {
        executor.run(threads * 64, touch);
        return touched[0];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }
}
