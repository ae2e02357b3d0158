package vecopt.bench.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float LR = 1e-3f;
    private static final float EPS = 1e-8f;

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
        int n = p.length;
        FloatVector b1 = FloatVector.broadcast(S, B1);
        FloatVector c1 = FloatVector.broadcast(S, 1 - B1);
        FloatVector b2 = FloatVector.broadcast(S, B2);
        FloatVector c2 = FloatVector.broadcast(S, 1 - B2);
        FloatVector lr = FloatVector.broadcast(S, -LR);
        FloatVector eps = FloatVector.broadcast(S, EPS);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = gv.fma(c1, FloatVector.fromArray(S, m, i).mul(b1));
            FloatVector vv = gv.mul(c2).fma(gv, FloatVector.fromArray(S, v, i).mul(b2));
            FloatVector pv = lr.mul(mv).div(vv.sqrt().add(eps)).add(FloatVector.fromArray(S, p, i));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            pv.intoArray(p, i);
        }
        for (; i < n; i++) {
            float mi = Math.fma(g[i], 1 - B1, m[i] * B1);
            float vi = Math.fma(g[i] * (1 - B2), g[i], v[i] * B2);
            m[i] = mi;
            v[i] = vi;
            p[i] = -LR * mi / ((float) Math.sqrt(vi) + EPS) + p[i];
        }
        return p;
    }

    @Benchmark
    public MemorySegment heapSegments() {
        segments(hp, hg, hm, hv);
        return hp;
    }

    @Benchmark
    public MemorySegment nativeSegments() {
        segments(np, ng, nm, nv);
        return np;
    }

    private static void segments(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v) {
        long n = p.byteSize() / Float.BYTES;
        FloatVector b1 = FloatVector.broadcast(S, B1);
        FloatVector c1 = FloatVector.broadcast(S, 1 - B1);
        FloatVector b2 = FloatVector.broadcast(S, B2);
        FloatVector c2 = FloatVector.broadcast(S, 1 - B2);
        FloatVector lr = FloatVector.broadcast(S, -LR);
        FloatVector eps = FloatVector.broadcast(S, EPS);
        long i = 0;
        long bound = n - n % S.length();
        for (; i < bound; i += S.length()) {
            long at = i * Float.BYTES;
            FloatVector gv = FloatVector.fromMemorySegment(S, g, at, LE);
            FloatVector mv = gv.fma(c1, FloatVector.fromMemorySegment(S, m, at, LE).mul(b1));
            FloatVector vv = gv.mul(c2).fma(gv, FloatVector.fromMemorySegment(S, v, at, LE).mul(b2));
            FloatVector pv = lr.mul(mv).div(vv.sqrt().add(eps)).add(FloatVector.fromMemorySegment(S, p, at, LE));
            mv.intoMemorySegment(m, at, LE);
            vv.intoMemorySegment(v, at, LE);
            pv.intoMemorySegment(p, at, LE);
        }
        for (; i < n; i++) {
            float gi = g.getAtIndex(F, i);
            float mi = Math.fma(gi, 1 - B1, m.getAtIndex(F, i) * B1);
            float vi = Math.fma(gi * (1 - B2), gi, v.getAtIndex(F, i) * B2);
            m.setAtIndex(F, i, mi);
            v.setAtIndex(F, i, vi);
            p.setAtIndex(F, i, -LR * mi / ((float) Math.sqrt(vi) + EPS) + p.getAtIndex(F, i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
