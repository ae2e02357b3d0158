package vecopt.bench.storage;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
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
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.StateRounding;

/**
 * Adam with float32, bfloat16 and block-wise 8-bit moments, each beside its own bandwidth reference:
 * one pass over the same arrays, reading and writing the same bytes (28, 20 and 16 per element; the
 * 8-bit scales add 8 per 256) with one add per written element and no arithmetic to speak of. The
 * fused kernel's time over its reference's is its distance from the memory bound; the fused times
 * across formats give the speed-ups compressed state buys (targets: bf16 at least 1.3x, 8-bit at
 * least 1.5x faster than float32 out of cache, each within 1.1x of its reference).
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main CompressedStateBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class CompressedStateBenchmark {

    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final CompressedStateKernels COMPRESSED = CompressedStateKernels.get();
    /** 256-bit floats; the narrow state moves as 128-bit shorts and 64-bit bytes of the same lane count. */
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> H = ShortVector.SPECIES_128;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final int BLOCK = 256;
    private static final AdamCoefficients C = new AdamCoefficients(1f, 0f, 1f, 0.9f, 0.1f, 0.999f, 0.001f,
            (float) (1 / Math.sqrt(1 - Math.pow(0.999, 10))), 1e-8f, (float) (-1e-3 / (1 - Math.pow(0.9, 10))));
    private static final StateRounding STOCHASTIC = StateRounding.stochastic(1, 2, 10);

    /** In L2, beyond L3, far beyond L3. */
    @Param({"262144", "16777216", "67108864"})
    public int size;

    /** float32, bfloat16 (nearest even), bfloat16 with stochastic rounding, 8-bit block-wise. */
    @Param({"fp32", "bf16", "bf16sr", "int8"})
    public String format;

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private short[] mh;
    private short[] vh;
    private byte[] mq;
    private byte[] vq;
    private float[] ms;
    private float[] vs;

    @Setup(Level.Trial)
    public void setUp() {
        p = new float[size];
        g = new float[size];
        for (int i = 0; i < size; i++) {
            p[i] = (float) Math.sin(i * 0.001) * 0.1f;
            g[i] = (float) Math.cos(i * 0.0007) * 0.01f;
        }
        switch (format) {
            case "fp32" -> {
                m = new float[size];
                v = new float[size];
            }
            case "bf16", "bf16sr" -> {
                mh = new short[size];
                vh = new short[size];
            }
            case "int8" -> {
                mq = new byte[size];
                vq = new byte[size];
                ms = new float[(size + BLOCK - 1) / BLOCK];
                vs = new float[ms.length];
            }
            default -> throw new IllegalArgumentException("format must be fp32, bf16, bf16sr or int8, got " + format);
        }
    }

    @Benchmark
    public float[] fused() {
        switch (format) {
            case "fp32" -> KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, C);
            case "bf16" -> COMPRESSED.adamBf16(p, 0, g, 0, mh, vh, 0, size, C, StateRounding.NEAREST_EVEN);
            case "bf16sr" -> COMPRESSED.adamBf16(p, 0, g, 0, mh, vh, 0, size, C, STOCHASTIC);
            default -> COMPRESSED.adam8bit(p, 0, g, 0, mq, ms, vq, vs, 0, size, BLOCK, C);
        }
        return p;
    }

    /** The same bytes read and written in one pass, with one add per written vector. */
    @Benchmark
    public float[] bandwidth() {
        FloatVector c = FloatVector.broadcast(F, 1e-9f);
        int n = size;
        int bound = F.loopBound(n);
        switch (format) {
            case "fp32" -> {
                for (int i = 0; i < bound; i += F.length()) {
                    FloatVector gv = FloatVector.fromArray(F, g, i);
                    FloatVector.fromArray(F, m, i).add(gv).intoArray(m, i);
                    FloatVector.fromArray(F, v, i).add(gv).intoArray(v, i);
                    c.fma(gv, FloatVector.fromArray(F, p, i)).intoArray(p, i);
                }
            }
            case "bf16", "bf16sr" -> {
                for (int i = 0; i < bound; i += F.length()) {
                    FloatVector gv = FloatVector.fromArray(F, g, i);
                    ShortVector.fromArray(H, mh, i).add((short) 1).intoArray(mh, i);
                    ShortVector.fromArray(H, vh, i).add((short) 1).intoArray(vh, i);
                    c.fma(gv, FloatVector.fromArray(F, p, i)).intoArray(p, i);
                }
            }
            default -> {
                for (int i = 0; i < bound; i += F.length()) {
                    FloatVector gv = FloatVector.fromArray(F, g, i);
                    ByteVector.fromArray(B, mq, i).add((byte) 1).intoArray(mq, i);
                    ByteVector.fromArray(B, vq, i).add((byte) 1).intoArray(vq, i);
                    c.fma(gv, FloatVector.fromArray(F, p, i)).intoArray(p, i);
                    if ((i & (BLOCK - 1)) == 0) {
                        ms[i / BLOCK] += 1f;
                        vs[i / BLOCK] += 1f;
                    }
                }
            }
        }
        return p;
    }

    @TearDown(Level.Trial)
    public void check() {
        for (int i = 0; i < size; i += 4097) {
            if (!Float.isFinite(p[i])) {
                throw new IllegalStateException(format + ": parameter " + i + " is " + p[i] + " after the run");
            }
        }
    }
}
