package vecopt.bench.storage;

import java.lang.foreign.MemorySegment;
import java.util.List;
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
import vecopt.engine.Adam;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.WeightRounding;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.StateRounding;
import vecopt.engine.kernels.StorageReferenceKernels;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision Adam as offload trainers run it: bfloat16 weights and gradients, float32 master copy
 * and moments, 30 bytes per element (16 read, 14 written), two ways. {@link #fused} is the fused kernel
 * {@link CompressedStateKernels#adamMixedBf16} alone; {@link #generic} is a whole {@link Adam} step over
 * a mixed-precision {@link Parameter} (no norm pass: {@link NonFinitePolicy#PROPAGATE}, no clipping).
 * The engine steps such a parameter with the same fused kernel ({@code Adam.fusedMixedCall}); until
 * commit {@code 81dbb20} it took the path every other rule takes, Adam's float32 kernel on the master
 * copy block by block with the gradient widened before and the weights rounded after, and
 * docs/storage.md has that path measured against the fused kernel. Beside them the bandwidth reference
 * moving the same bytes ({@link StorageReferenceKernels#streamMixed}) and, in the same run, float32
 * Adam and its 28-byte reference ({@code config=fp32}; there {@code generic} is an Adam step over a
 * float32 parameter). {@code mixed} rounds the weights to nearest, {@code mixedsr} stochastically.
 * With {@code threads} 2 the range is split by a {@link ChunkedExecutor} as an optimizer's step is,
 * from any size on.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main MixedPrecisionBenchmark
 * -p size=16777216 -p threads=1,2}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class MixedPrecisionBenchmark {

    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final CompressedStateKernels COMPRESSED = CompressedStateKernels.get();
    private static final AdamCoefficients ADAM = new AdamCoefficients(1f / 1024, 0f, 1f, 0.9f, 0.1f, 0.999f, 0.001f,
            (float) (1 / Math.sqrt(1 - Math.pow(0.999, 10))), 1e-8f, (float) (-1e-3 / (1 - Math.pow(0.9, 10))));
    private static final StateRounding STOCHASTIC = StateRounding.stochastic(1, 2, 10);

    /** In L2, beyond L3, far beyond L3. */
    @Param({"262144", "16777216", "67108864"})
    public int size;

    /** Mixed precision rounding the weights to nearest, stochastically, or float32 Adam for comparison. */
    @Param({"mixed", "mixedsr", "fp32"})
    public String config;

    /** Threads the range is split across, as an optimizer's {@link ChunkedExecutor} splits a step. */
    @Param({"1", "2"})
    public int threads;

    private ChunkedExecutor executor;
    private ChunkedExecutor.RangeTask fused;
    private ChunkedExecutor.RangeTask bandwidth;
    /** The engine's step of the same update: Adam over a mixed-precision (or, for fp32, a float32) parameter. */
    private Optimizer optimizer;

    private short[] w;
    private short[] gh;
    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;

    @Setup(Level.Trial)
    public void setUp() {
        if (size % 64 != 0) {
            throw new IllegalArgumentException("size must be a multiple of 64, got " + size);
        }
        p = new float[size]; // the master copy, or float32 Adam's parameter
        m = new float[size];
        v = new float[size];
        for (int i = 0; i < size; i++) {
            p[i] = (float) Math.sin(i * 0.001) * 0.1f;
        }
        switch (config) {
            case "mixed", "mixedsr" -> {
                w = new short[size];
                gh = new short[size];
                for (int i = 0; i < size; i++) {
                    w[i] = BFloat16.fromFloat(p[i]);
                    gh[i] = BFloat16.fromFloat((float) Math.cos(i * 0.0007) * 0.01f * 1024); // loss-scaled
                }
                StateRounding rounding = config.equals("mixedsr") ? STOCHASTIC : StateRounding.NEAREST_EVEN;
                fused = (from, n) -> COMPRESSED.adamMixedBf16(w, from, gh, from, p, m, v, from, n, ADAM, rounding);
                bandwidth = (from, n) -> StorageReferenceKernels.streamMixed(w, gh, p, m, v, from, n);
                optimizer = new Adam(List.of(Parameter.mixed("w",
                        SegmentTensor.wrap(MemorySegment.ofArray(w), DType.BFLOAT16, size),
                        SegmentTensor.wrap(MemorySegment.ofArray(gh), DType.BFLOAT16, size))), Adam.defaults());
                optimizer.setLossScale(1024);
                if (config.equals("mixedsr")) {
                    optimizer.setWeightRounding(WeightRounding.stochastic(1));
                }
            }
            case "fp32" -> {
                g = new float[size];
                for (int i = 0; i < size; i++) {
                    g[i] = (float) Math.cos(i * 0.0007) * 0.01f;
                }
                fused = (from, n) -> KERNELS.adam(p, from, g, from, m, from, v, from, n, ADAM);
                bandwidth = (from, n) -> StorageReferenceKernels.streamFloat32(p, g, m, v, from, n);
                float[] value = p.clone();
                optimizer = new Adam(List.of(new Parameter("w", FloatTensor.of(value), FloatTensor.of(g))),
                        Adam.defaults());
            }
            default -> throw new IllegalArgumentException("config must be mixed, mixedsr or fp32, got " + config);
        }
        executor = ChunkedExecutor.withThreads(threads, 1);
        optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE); // no norm pass: the fused kernel makes none
        optimizer.setExecutor(executor);
        optimizer.allocateState();
    }

    @Benchmark
    public float[] fused() {
        executor.run(size, 64, fused);
        return p;
    }

    /** The engine's step over a mixed-precision parameter: Adam's float32 kernel on the master copy, block by block. */
    @Benchmark
    public Optimizer generic() {
        optimizer.step();
        return optimizer;
    }

    /** The same bytes read and written in one pass ({@link StorageReferenceKernels}). */
    @Benchmark
    public float[] bandwidth() {
        executor.run(size, 64, bandwidth);
        return p;
    }

    @TearDown(Level.Trial)
    public void check() {
        executor.close();
        float[] engineMaster = optimizer.state("w").buffer(config.equals("fp32") ? "exp_avg" : Optimizer.MASTER);
        for (int i = 0; i < size; i += 4097) {
            if (!Float.isFinite(p[i])) {
                throw new IllegalStateException(config + ": master " + i + " is " + p[i] + " after the run");
            }
            if (!Float.isFinite(engineMaster[i])) {
                throw new IllegalStateException(config + ": the engine's state " + i + " is " + engineMaster[i]
                        + " after the run");
            }
        }
    }
}
