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
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.LionCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.SgdCoefficients;
import vecopt.engine.kernels.StateRounding;
import vecopt.engine.kernels.StorageReferenceKernels;

/**
 * Adam (two moments), SGD with momentum and Lion (one buffer each) with float32, bfloat16 and
 * block-wise 8-bit state, each beside its own bandwidth reference: one pass over the same arrays,
 * reading and writing the same bytes (Adam 28, 20 and 16 per element, the 8-bit scales adding 8 per
 * 256; SGD and Lion 20, 16 and 14, plus 4 per 256) with one add per written element and no arithmetic
 * to speak of. The fused kernel's time over its reference's is its distance from the memory bound;
 * the fused times across formats give the speed-ups compressed state buys (Adam's targets: bf16 at
 * least 1.3x, 8-bit at least 1.5x faster than float32 out of cache, each within 1.1x of its reference).
 *
 * <p>With {@code threads} 2 both the kernel and its reference run split by a {@link ChunkedExecutor}
 * as an optimizer's step is (chunks aligned to 64 elements, to the 8-bit blocks for 8-bit state),
 * here from any size on so that every size measures two threads.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main CompressedStateBenchmark
 * -p rule=adam -p threads=1,2}.
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
    private static final AdamCoefficients ADAM = new AdamCoefficients(1f, 0f, 1f, 0.9f, 0.1f, 0.999f, 0.001f,
            (float) (1 / Math.sqrt(1 - Math.pow(0.999, 10))), 1e-8f, (float) (-1e-3 / (1 - Math.pow(0.9, 10))));
    private static final SgdCoefficients SGD = new SgdCoefficients(-1e-3f, 1f, 0f, 0.9f, 1f, 1f, 0f);
    private static final LionCoefficients LION = new LionCoefficients(1f, 1f, 0.9f, 0.1f, 0.99f, 0.01f, -1e-4f);
    private static final StateRounding STOCHASTIC = StateRounding.stochastic(1, 2, 10);

    /** In L2, beyond L3, far beyond L3. */
    @Param({"262144", "16777216", "67108864"})
    public int size;

    /** float32, bfloat16 (nearest even), bfloat16 with stochastic rounding, 8-bit block-wise. */
    @Param({"fp32", "bf16", "bf16sr", "int8"})
    public String format;

    /** Adam's two moments, SGD's momentum buffer or Lion's exp_avg. */
    @Param({"adam", "sgd", "lion"})
    public String rule;

    /** Threads the range is split across, as an optimizer's {@link ChunkedExecutor} splits a step. */
    @Param({"1", "2"})
    public int threads;

    private ChunkedExecutor executor;
    private int alignment;
    private ChunkedExecutor.RangeTask fused;
    private ChunkedExecutor.RangeTask bandwidth;

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
        if (size % 64 != 0) {
            throw new IllegalArgumentException("size must be a multiple of 64, got " + size);
        }
        boolean twoMoments = switch (rule) {
            case "adam" -> true;
            case "sgd", "lion" -> false;
            default -> throw new IllegalArgumentException("rule must be adam, sgd or lion, got " + rule);
        };
        p = new float[size];
        g = new float[size];
        for (int i = 0; i < size; i++) {
            p[i] = (float) Math.sin(i * 0.001) * 0.1f;
            g[i] = (float) Math.cos(i * 0.0007) * 0.01f;
        }
        alignment = 64;
        switch (format) {
            case "fp32" -> {
                m = new float[size];
                v = twoMoments ? new float[size] : null;
            }
            case "bf16", "bf16sr" -> {
                mh = new short[size];
                vh = twoMoments ? new short[size] : null;
            }
            case "int8" -> {
                mq = new byte[size];
                vq = twoMoments ? new byte[size] : null;
                ms = new float[(size + BLOCK - 1) / BLOCK];
                vs = twoMoments ? new float[ms.length] : null;
                alignment = BLOCK;
            }
            default -> throw new IllegalArgumentException("format must be fp32, bf16, bf16sr or int8, got " + format);
        }
        fused = fusedTask();
        bandwidth = switch (format) {
            case "fp32" -> (from, n) -> StorageReferenceKernels.streamFloat32(p, g, m, v, from, n);
            case "bf16", "bf16sr" -> (from, n) -> StorageReferenceKernels.streamBf16(p, g, mh, vh, from, n);
            default -> (from, n) -> StorageReferenceKernels.streamInt8(p, g, mq, vq, ms, vs, BLOCK, from, n);
        };
        executor = ChunkedExecutor.withThreads(threads, 1);
    }

    /** The kernel call over elements {@code [from, from + n)} of this rule and format. */
    private ChunkedExecutor.RangeTask fusedTask() {
        StateRounding rounding = format.equals("bf16sr") ? STOCHASTIC : StateRounding.NEAREST_EVEN;
        return switch (rule + " " + format) {
            case "adam fp32" -> (from, n) -> KERNELS.adam(p, from, g, from, m, from, v, from, n, ADAM);
            case "adam bf16", "adam bf16sr" -> (from, n) -> COMPRESSED.adamBf16(p, from, g, from, mh, vh, from, n, ADAM, rounding);
            case "adam int8" -> (from, n) -> COMPRESSED.adam8bit(p, from, g, from, mq, ms, vq, vs, from, n, BLOCK, ADAM);
            case "sgd fp32" -> (from, n) -> KERNELS.sgdMomentum(p, from, g, from, m, from, n, SGD);
            case "sgd bf16", "sgd bf16sr" -> (from, n) -> COMPRESSED.sgdMomentumBf16(p, from, g, from, mh, from, n, SGD, rounding);
            case "sgd int8" -> (from, n) -> COMPRESSED.sgdMomentum8bit(p, from, g, from, mq, ms, from, n, BLOCK, SGD);
            case "lion fp32" -> (from, n) -> KERNELS.lion(p, from, g, from, m, from, n, LION);
            case "lion bf16", "lion bf16sr" -> (from, n) -> COMPRESSED.lionBf16(p, from, g, from, mh, from, n, LION, rounding);
            default -> (from, n) -> COMPRESSED.lion8bit(p, from, g, from, mq, ms, from, n, BLOCK, LION);
        };
    }

    @Benchmark
    public float[] fused() {
        executor.run(size, alignment, fused);
        return p;
    }

    /** The same bytes read and written in one pass, with one add per written vector ({@link StorageReferenceKernels}). */
    @Benchmark
    public float[] bandwidth() {
        executor.run(size, alignment, bandwidth);
        return p;
    }

    @TearDown(Level.Trial)
    public void check() {
        executor.close();
        for (int i = 0; i < size; i += 4097) {
            if (!Float.isFinite(p[i])) {
                throw new IllegalStateException(rule + " " + format + ": parameter " + i + " is " + p[i] + " after the run");
            }
        }
    }
}
