package vecopt.bench.speed;

import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Rule;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.ReferenceKernels;

/**
 * One update rule over one tensor of {@code size} elements, every implementation side by side. A
 * rule's benchmark extends this class, names its registered rule and options with {@link Measures},
 * computes its coefficients from those options with the rule's {@code forStep} factory, allocates its
 * arrays, and supplies the fused kernel call and the EJML composition; the benchmark methods, the
 * forks, the threads and the bandwidth reference are all here, so every rule is measured the same way.
 *
 * <p>Each implementation runs in its own fork because the kernels are picked once per JVM:
 * {@code panama} (the fused Vector API kernel), {@code scalar} (the scalar fallback as C2 compiles it,
 * called as a step calls it: see {@link #offsets}), {@code scalarNoSuperWord} (the same with
 * auto-vectorization off: the true scalar),
 * {@code ejmlUnfused} (EJML whole-array operations, one pass each) and {@code bandwidth} (a Panama
 * kernel with the rule's traffic and one FMA per written element, see {@link ReferenceKernels}).
 *
 * <p>With {@code threads > 1} the call goes through a {@link ChunkedExecutor} that splits every size,
 * so comparing thread counts finds the size where splitting starts to pay. EJML's operations are
 * single-threaded, so {@code ejmlUnfused} runs with one thread only.
 *
 * <p>Adding a rule: a class like {@link SgdBenchmark} ({@code @Measures(rule = "Adam") public class
 * AdamBenchmark extends RuleBenchmark}, the Adam family with {@link EjmlUnfusedAdam} as its
 * {@link #ejmlStep}). Its label and traffic come from the rule's descriptor ({@link MeasuredRule}). The
 * suite finds it in JMH's benchmark list, and {@code RuleBenchmarksTest} checks that every registered
 * rule has one, that its EJML composition computes the fused update, that its arrays match the rule's
 * traffic and that threads change no bit.
 *
 * <p>A rule whose step makes several passes (a norm, then the update: {@link LAMBBenchmark}) runs them
 * in {@link #fusedStep} instead of implementing {@link #fusedKernel}, and lists the passes of its
 * bandwidth reference in {@link #bandwidthPasses}, which together move the rule's traffic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class RuleBenchmark {

    /** Room for 64Mi-element tensors: five arrays and two EJML temporaries of 256 MiB each. */
    static final String HEAP = "-Xmx4g";
    static final String ADD_MODULES = "--add-modules";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String PANAMA = "-Dvecopt.kernels=panama";
    static final String SCALAR = "-Dvecopt.kernels=scalar";
    static final String NO_SUPERWORD = "-XX:-UseSuperWord";

    /**
     * The kernels the measured rule runs ({@link OptimizerKernelsProvider#forRule}: its own width on a
     * 512-bit CPU unless {@code -Dvecopt.vectorBitSize} forces one). One class per fork, so the
     * call's type profile lets C2 inline through the interface.
     */
    protected final OptimizerKernels kernels =
            OptimizerKernelsProvider.forRule(MeasuredRule.of(getClass()).rule());

    /**
     * The step the coefficients are taken at: past the first, so the bias corrections are below 1 and
     * RAdam's rectified step runs (rho_t > 5 from step 6 with its defaults).
     */
    protected static final long STEP = 10;

    /**
     * Each array's offset in the kernel calls ({@code from + offsets[k]} for the k-th array): 0, but read
     * from this array, not one variable shared by every array. A step passes each tensor's own offset,
     * and C2 auto-vectorizes a scalar loop only when its arrays share one offset variable, so a call
     * {@code sgd(p, from, g, from, ...)} timed a loop that a step runs one element per instruction
     * (plain SGD's scalar loop at 64Ki: 0.035 ns per element here, 0.38 in {@code Optimizer.step}).
     */
    protected final int[] offsets = new int[5];

    /** FMA coefficient of the bandwidth kernels: small, so the arrays stay finite for billions of calls. */
    private static final float BANDWIDTH_COEFFICIENT = 1e-9f;

    @Param({"4096", "65536", "1048576"})
    public int size;

    @Param({"1"})
    public int threads;

    private ChunkedExecutor executor;
    private ChunkedExecutor.RangeTask fused;
    private List<ChunkedExecutor.RangeTask> bandwidth;
    private float[] result;
    /** Where a read-only bandwidth pass leaves its sum, so that its reads are not optimised away. */
    private float bandwidthSink;

    /**
     * One pass of the bandwidth reference over every array's {@code [0, size)}: the arrays it only reads
     * and those it reads and writes back.
     */
    protected record StreamPass(float[][] readOnly, float[][] readWrite) {
    }

    /** Allocates and fills the rule's arrays and EJML matrices for {@code n} elements. */
    protected abstract void allocate(int n);

    /**
     * The fused kernel over {@code [from, from + n)} of every array. A rule of several passes overrides
     * {@link #fusedStep} instead and leaves this one alone.
     */
    protected void fusedKernel(int from, int n) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " runs its passes in fusedStep");
    }

    /**
     * One fused step over the whole tensor on {@code executor}: {@link #fusedKernel} split across its
     * threads, or, for a rule of several passes, each pass in turn (a blocked one through
     * {@link ChunkedExecutor#run(int, int, ChunkedExecutor.RangeTask)}).
     */
    protected void fusedStep(ChunkedExecutor executor) {
        executor.run(size, fused);
    }

    /**
     * The passes of the bandwidth reference, which together move the rule's traffic: one by default,
     * reading the gradient and updating {@link #updated()}. Besides the updated arrays, a pass may write
     * scratch arrays of the benchmark's own where the step writes and reads back working memory (Muon's
     * update matrix).
     */
    protected List<StreamPass> bandwidthPasses() {
        return List.of(new StreamPass(new float[][] {gradient()}, updated()));
    }

    /** The same update as a sequence of whole-array EJML operations, one pass each. */
    protected abstract void ejmlStep();

    /** The gradient: read, not written. */
    protected abstract float[] gradient();

    /** The arrays the rule reads and writes back, parameters first: its traffic is these plus the gradient. */
    protected abstract float[][] updated();

    @Setup(Level.Trial)
    public final void setUpTrial(BenchmarkParams params) {
        setUp(params.getBenchmark().endsWith(".ejmlUnfused"));
    }

    /** Prepares one trial; {@code ejml} when the trial runs {@link #ejmlStep}. */
    final void setUp(boolean ejml) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (ejml && threads != 1) {
            throw new IllegalArgumentException("ejmlUnfused runs on one thread (EJML's element-wise operations are"
                    + " single-threaded), got threads=" + threads);
        }
        MeasuredRule measured = MeasuredRule.of(getClass());
        try {
            allocate(size);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException(measured.label() + " at size " + size + " needs more than the "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap (-Xmx)", e);
        }
        float[][] updated = updated();
        List<StreamPass> passes = bandwidthPasses();
        int reads = passes.stream().mapToInt(p -> p.readOnly().length + p.readWrite().length).sum();
        int writes = passes.stream().mapToInt(p -> p.readWrite().length).sum();
        Rule.Traffic traffic = measured.traffic();
        if (traffic.reads() != reads || traffic.writes() != writes || writes < updated.length) {
            throw new IllegalStateException(getClass().getSimpleName() + " updates " + updated.length
                    + " arrays and its bandwidth passes move " + new Rule.Traffic(reads, writes).shape() + ", but "
                    + measured.label() + " is " + traffic.shape());
        }
        result = updated[0];
        executor = ChunkedExecutor.withThreads(threads, 1);
        fused = this::fusedKernel;
        bandwidth = new ArrayList<>();
        for (StreamPass pass : passes) {
            bandwidth.add(bandwidthKernel(pass.readWrite(), pass.readOnly()));
        }
    }

    /** The hyperparameters {@code benchmark} measures with: its rule's defaults and its {@link Measures} kwargs. */
    protected static Hyperparameters hyperparameters(Class<? extends RuleBenchmark> benchmark) {
        return MeasuredRule.of(benchmark).hyperparameters();
    }

    /**
     * A pass reading {@code r} and writing {@code w} back. Built as lambdas, so a fork without the vector
     * module never links {@link ReferenceKernels}.
     */
    private ChunkedExecutor.RangeTask bandwidthKernel(float[][] w, float[][] r) {
        float c = BANDWIDTH_COEFFICIENT;
        if (r.length == 2) {
            return switch (w.length) {
                case 0 -> (from, n) -> bandwidthSink = ReferenceKernels.read2Write0(r[0], r[1], from, n);
                case 1 -> (from, n) -> ReferenceKernels.read3Write1(w[0], r[0], r[1], from, n, c);
                case 2 -> (from, n) -> ReferenceKernels.read4Write2(w[0], w[1], r[0], r[1], from, n, c);
                default -> throw new IllegalStateException("no bandwidth kernel reads 2 arrays and writes " + w.length);
            };
        }
        if (r.length != 1) {
            throw new IllegalStateException("no bandwidth kernel reads " + r.length + " arrays only");
        }
        float[] g = r[0];
        return switch (w.length) {
            case 0 -> (from, n) -> bandwidthSink = ReferenceKernels.read1(g, from, n);
            case 1 -> (from, n) -> ReferenceKernels.read2Write1(w[0], g, from, n, c);
            case 2 -> (from, n) -> ReferenceKernels.read3Write2(w[0], w[1], g, from, n, c);
            case 3 -> (from, n) -> ReferenceKernels.read4Write3(w[0], w[1], w[2], g, from, n, c);
            case 4 -> (from, n) -> ReferenceKernels.read5Write4(w[0], w[1], w[2], w[3], g, from, n, c);
            default -> throw new IllegalStateException("no bandwidth kernel writes " + w.length + " arrays");
        };
    }

    /** Each pass of the bandwidth reference in turn. */
    private void bandwidthStep() {
        for (ChunkedExecutor.RangeTask pass : bandwidth) {
            executor.run(size, pass);
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = HEAP, jvmArgsAppend = {ADD_MODULES, VECTOR_MODULE, PANAMA})
    public float[] panama() {
        fusedStep(executor);
        return result;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = HEAP, jvmArgsAppend = SCALAR)
    public float[] scalar() {
        fusedStep(executor);
        return result;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = HEAP, jvmArgsAppend = {SCALAR, NO_SUPERWORD})
    public float[] scalarNoSuperWord() {
        fusedStep(executor);
        return result;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = HEAP, jvmArgsAppend = SCALAR)
    public float[] ejmlUnfused() {
        ejmlStep();
        return result;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsPrepend = HEAP, jvmArgsAppend = {ADD_MODULES, VECTOR_MODULE, PANAMA})
    public float[] bandwidth() {
        bandwidthStep();
        return result;
    }

    /** Closes the pool and fails the trial if any value became NaN or infinite. */
    @TearDown(Level.Trial)
    public final void tearDownTrial() {
        if (executor == null) {
            return; // set-up failed
        }
        executor.close();
        float[][] updated = updated();
        for (int a = 0; a < updated.length; a++) {
            BenchData.requireFinite(a == 0 ? "p" : "state " + a, updated[a]);
        }
    }

    /** Runs the fused kernel once, as the benchmark methods do; for tests. */
    final void runFused() {
        fusedStep(executor);
    }

    /** Runs the bandwidth kernel once; for tests. */
    final void runBandwidth() {
        bandwidthStep();
    }
}
