package vecopt.bench.storage;

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
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.StateRounding;
import vecopt.engine.kernels.StorageReferenceKernels;

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

    /** The same bytes read and written in one pass, with one add per written vector ({@link StorageReferenceKernels}). */
    @Benchmark
    public float[] bandwidth() {
        switch (format) {
            case "fp32" -> StorageReferenceKernels.streamFloat32(p, g, m, v);
            case "bf16", "bf16sr" -> StorageReferenceKernels.streamBf16(p, g, mh, vh);
            default -> StorageReferenceKernels.streamInt8(p, g, mq, vq, ms, vs, BLOCK);
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
