package vecopt.bench.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import vecopt.engine.kernels.StorageReferenceKernels;

/**
 * What the storage under a fused kernel costs: the same Adam-shaped update (read p, g, m, v; write p,
 * m, v; one square root and one division per element) over {@code float[]} arrays, over heap segments
 * wrapping those arrays, and over native segments from an {@link Arena}, 64-byte aligned. The question
 * it answers: can one kernel written over {@link MemorySegment} serve every storage without costing the
 * heap arrays anything.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main StorageAccessBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class StorageAccessBenchmark {

    @Param({"65536", "16777216"})
    public int size;

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private MemorySegment hp;
    private MemorySegment hg;
    private MemorySegment hm;
    private MemorySegment hv;
    private Arena arena;
    private MemorySegment np;
    private MemorySegment ng;
    private MemorySegment nm;
    private MemorySegment nv;

    @Setup(Level.Trial)
    public void setUp() {
        p = fill(size, 1);
        g = fill(size, 2);
        m = new float[size];
        v = new float[size];
        hp = MemorySegment.ofArray(p);
        hg = MemorySegment.ofArray(g);
        hm = MemorySegment.ofArray(m);
        hv = MemorySegment.ofArray(v);
        arena = Arena.ofShared();
        np = copy(p);
        ng = copy(g);
        nm = copy(m);
        nv = copy(v);
    }

    private MemorySegment copy(float[] a) {
        MemorySegment s = arena.allocate((long) a.length * Float.BYTES, 64);
        MemorySegment.copy(MemorySegment.ofArray(a), 0, s, 0, s.byteSize());
        return s;
    }

    private static float[] fill(int n, int seed) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i * 0.001 + seed) * 0.01f;
        }
        return a;
    }

    @Benchmark
    public float[] heapArrays() {
        StorageReferenceKernels.adamShaped(p, g, m, v);
        return p;
    }

    @Benchmark
    public MemorySegment heapSegments() {
        StorageReferenceKernels.adamShaped(hp, hg, hm, hv);
        return hp;
    }

    @Benchmark
    public MemorySegment nativeSegments() {
        StorageReferenceKernels.adamShaped(np, ng, nm, nv);
        return np;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
