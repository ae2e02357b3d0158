package vecopt.bench.speed;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.kernels.ReferenceKernels;

/**
 * Adam's square root and division alone, {@code out = a / (sqrt(b) + eps)}, with the Panama kernels'
 * vectors: in cache no rule that divides by a square root per element can beat it.
 */
@Reference(label = "Adam divider bound (sqrt + div)", reads = {"a", "b"}, writes = "out")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AdamDividerBoundBenchmark {

    private static final float EPS = 1e-8f;

    @Param({"4096", "65536", "1048576"})
    public int size;

    @Param({"1"})
    public int threads;

    private float[] out;
    private float[] a;
    private float[] b;
    private ChunkedExecutor executor;
    private ChunkedExecutor.RangeTask sqrtDivide;

    @Setup(Level.Trial)
    public void setUp() {
        out = new float[size];
        a = BenchData.gradients(size, 1);
        b = BenchData.squares(size, 2);
        executor = ChunkedExecutor.withThreads(threads, 1);
        sqrtDivide = (from, n) -> ReferenceKernels.sqrtDivide(out, a, b, from, n, EPS);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = RuleBenchmark.HEAP, jvmArgsAppend = {
            RuleBenchmark.ADD_MODULES, RuleBenchmark.VECTOR_MODULE, RuleBenchmark.PANAMA})
    public float[] panama() {
        executor.run(size, sqrtDivide);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
        BenchData.requireFinite("out", out);
    }
}
