package vecopt.bench.storage;

import java.util.Map;
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
import vecopt.engine.Adam;
import vecopt.engine.Sgd;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * What a misaligned start costs the {@code float[]} kernels, where Java code cannot see addresses:
 * every array of the kernel is a range of one pool array of more than 1 MiB, which G1 allocates as a
 * humongous object at a region boundary, so that its body starts 16 bytes past a cache line (with the
 * default 16-byte array header). Element offset 0 is then at +16 bytes, 12 at a 64-byte boundary; the
 * ranges are {@code size + 80} elements apart (a multiple of 16 plus 5 cache lines: the same
 * misalignment, not the same page offset). The kernels are {@link OptimizerKernelsProvider#get()}'s:
 * run it once with the Panama kernels at a forced width and once with {@code -Dvecopt.kernels=scalar}.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main HeapAlignmentBenchmark
 * -jvmArgsAppend "--add-modules jdk.incubator.vector -Dvecopt.kernels=panama -Dvecopt.vectorBitSize=512"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=2m"})
public class HeapAlignmentBenchmark {

    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final SgdCoefficients SGD = SgdCoefficients.forStep(
            Sgd.defaults().withValues(Map.of("weight_decay", 1e-4)), false, StepContext.NONE);
    private static final SgdCoefficients MOMENTUM = SgdCoefficients.forStep(
            Sgd.defaults().withValues(Map.of("momentum", 0.9, "nesterov", 1.0)), false, StepContext.NONE);
    private static final AdamCoefficients ADAM =
            AdamCoefficients.forStep(Adam.defaults(), AdamCoefficients.WeightDecay.BY_FLAG, 10, StepContext.NONE);
    /** More than half a 2 MiB region: a humongous object. */
    private static final int MIN_POOL = (1 << 18) + 1024;

    @Param({"65536"})
    public int size;

    /** Element offset of every range: 0 starts 16 bytes past a cache line, 12 on one. */
    @Param({"0", "12"})
    public int elementOffset;

    @Param({"sgd", "sgdMomentum", "adam"})
    public String kernel;

    private float[] pool;
    private int p;
    private int g;
    private int m;
    private int v;
    private Runnable step;

    @Setup(Level.Trial)
    public void setUp() {
        int stride = size + 80;
        pool = new float[Math.max(MIN_POOL, 4 * stride + 16)];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (float) Math.abs(Math.sin(0.001 * i)) * 1e-2f;
        }
        p = elementOffset;
        g = p + stride;
        m = g + stride;
        v = m + stride;
        step = switch (kernel) {
            case "sgd" -> () -> KERNELS.sgd(pool, p, pool, g, size, SGD);
            case "sgdMomentum" -> () -> KERNELS.sgdMomentum(pool, p, pool, g, pool, m, size, MOMENTUM);
            case "adam" -> () -> KERNELS.adam(pool, p, pool, g, pool, m, pool, v, size, ADAM);
            default -> throw new IllegalArgumentException("kernel must be sgd, sgdMomentum or adam, got " + kernel);
        };
    }

    @Benchmark
    public float[] step() {
        step.run();
        return pool;
    }
}
