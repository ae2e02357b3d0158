// A probe kept for the record of docs/benchmarks.md ("Plain SGD"), not built: vector code belongs in
// vecopt.engine.kernels (VectorApiConfinementTest). To run it, copy it to
// bench/src/main/java/vecopt/bench/storage/ and build the benchmark jar.
package vecopt.bench.storage;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
import vecopt.engine.Sgd;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * Why plain SGD's Panama kernel loses to the scalar loop C2 auto-vectorizes: the same update
 * ({@code p = fma(-lr, fma(wd, p, g), p)}) as the engine's Panama kernel, as the scalar kernel, and as
 * stripped-down vector loops (no gradient scale or clipping branch; then also four vectors per
 * iteration), over {@code p} and {@code g} in one humongous pool array (see
 * {@link HeapAlignmentBenchmark}) at element offset 0 (16 bytes past a cache line) or 12 (on one).
 * The vector loops use {@link FloatVector#SPECIES_PREFERRED}; the engine kernel the provider's width.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main SgdLoopBenchmark
 * -jvmArgsAppend "-Xmx4g -XX:G1HeapRegionSize=2m --add-modules jdk.incubator.vector -Dvecopt.kernels=panama
 * -Dvecopt.vectorBitSize=512"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-XX:G1HeapRegionSize=2m", "--add-modules", "jdk.incubator.vector",
        "-Dvecopt.kernels=panama", "-Dvecopt.vectorBitSize=512"})
public class SgdLoopBenchmark {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final OptimizerKernels PANAMA = OptimizerKernelsProvider.get();
    private static final OptimizerKernels SCALAR = OptimizerKernelsProvider.scalar();
    private static final SgdCoefficients C = SgdCoefficients.forStep(
            Sgd.defaults().withValues(Map.of("lr", 1e-6, "weight_decay", 1e-4)), false, StepContext.NONE);
    private static final int MIN_POOL = (1 << 18) + 1024;

    @Param({"4096", "65536"})
    public int size;

    @Param({"0", "12"})
    public int elementOffset;

    private float[] pool;
    private int p;
    private int g;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new float[Math.max(MIN_POOL, 2 * (size + 80) + 16)];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (float) Math.sin(0.001 * i);
        }
        p = elementOffset;
        g = p + size + 80;
    }

    @Benchmark
    public float[] engineScalar() {
        SCALAR.sgd(pool, p, pool, g, size, C);
        return pool;
    }

    @Benchmark
    public float[] enginePanama() {
        PANAMA.sgd(pool, p, pool, g, size, C);
        return pool;
    }

    @Benchmark
    public float[] plainVectorLoop() {
        float[] a = pool;
        int pOff = p;
        int gOff = g;
        int n = size;
        FloatVector negLr = FloatVector.broadcast(S, C.negLr());
        FloatVector wd = FloatVector.broadcast(S, C.weightDecay());
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, a, pOff + i);
            FloatVector gv = FloatVector.fromArray(S, a, gOff + i);
            negLr.fma(wd.fma(pv, gv), pv).intoArray(a, pOff + i);
        }
        for (; i < n; i++) {
            float pi = a[pOff + i];
            a[pOff + i] = Math.fma(C.negLr(), Math.fma(C.weightDecay(), pi, a[gOff + i]), pi);
        }
        return a;
    }

    @Benchmark
    public float[] unrolledVectorLoop() {
        float[] a = pool;
        int pOff = p;
        int gOff = g;
        int n = size;
        int lanes = S.length();
        FloatVector negLr = FloatVector.broadcast(S, C.negLr());
        FloatVector wd = FloatVector.broadcast(S, C.weightDecay());
        int bound = n - n % (4 * lanes);
        int i = 0;
        for (; i < bound; i += 4 * lanes) {
            FloatVector p0 = FloatVector.fromArray(S, a, pOff + i);
            FloatVector p1 = FloatVector.fromArray(S, a, pOff + i + lanes);
            FloatVector p2 = FloatVector.fromArray(S, a, pOff + i + 2 * lanes);
            FloatVector p3 = FloatVector.fromArray(S, a, pOff + i + 3 * lanes);
            FloatVector g0 = FloatVector.fromArray(S, a, gOff + i);
            FloatVector g1 = FloatVector.fromArray(S, a, gOff + i + lanes);
            FloatVector g2 = FloatVector.fromArray(S, a, gOff + i + 2 * lanes);
            FloatVector g3 = FloatVector.fromArray(S, a, gOff + i + 3 * lanes);
            negLr.fma(wd.fma(p0, g0), p0).intoArray(a, pOff + i);
            negLr.fma(wd.fma(p1, g1), p1).intoArray(a, pOff + i + lanes);
            negLr.fma(wd.fma(p2, g2), p2).intoArray(a, pOff + i + 2 * lanes);
            negLr.fma(wd.fma(p3, g3), p3).intoArray(a, pOff + i + 3 * lanes);
        }
        for (; i < n; i++) {
            float pi = a[pOff + i];
            a[pOff + i] = Math.fma(C.negLr(), Math.fma(C.weightDecay(), pi, a[gOff + i]), pi);
        }
        return a;
    }
}
