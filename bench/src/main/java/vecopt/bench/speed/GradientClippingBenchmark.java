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
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.NoiseCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * What gradient clipping, the non-finite check and gradient noise cost an Adam step on the Panama
 * kernels, fused against unfused, in cache (64Ki elements) and in DRAM (16Mi):
 * <ul>
 *   <li>{@code adam}: the step alone, as with no clipping and {@code NonFinitePolicy.PROPAGATE};
 *   <li>{@code adamNormClipFused}: the norm pass (a read of g) and the step with the clipping
 *       coefficient in its gradient scale, what the optimizer does;
 *   <li>{@code adamNormClipUnfused}: the norm pass, a pass that scales g in place (as
 *       {@code clip_grad_norm_} does) and the step;
 *   <li>{@code adamValueClipFused}: the step clamping g as it reads it; against {@code adam}, the cost
 *       of the clamp itself;
 *   <li>{@code adamValueClipUnfused}: a pass that clamps g in place, then the step;
 *   <li>{@code sumOfSquares}: the norm pass alone, which is also the whole cost of the default
 *       {@code NonFinitePolicy.ERROR} check;
 *   <li>{@code gradientNoise}: the noise pass alone (one read and write of g).
 * </ul>
 * The unfused passes are plain loops, which C2 auto-vectorizes. With {@code threads > 1} every pass is
 * split across a {@link ChunkedExecutor}, the norm pass at multiples of its 4096-element blocks as the
 * optimizer does. The suite files these under Adam ({@code @Measures}): its GB/s are Adam's 28 bytes
 * per element over each method's time, ns per element is the figure to compare.
 */
@Measures(rule = "Adam", kwargs = "lr=1e-6")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsPrepend = RuleBenchmark.HEAP,
        jvmArgsAppend = {RuleBenchmark.ADD_MODULES, RuleBenchmark.VECTOR_MODULE, RuleBenchmark.PANAMA})
public class GradientClippingBenchmark {

    /** Constant after class init, so C2 sees through the interface call. */
    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final Hyperparameters H = MeasuredRule.of(GradientClippingBenchmark.class).hyperparameters();
    /** Below the gradients' norm, so that every step clips. */
    private static final double MAX_NORM = 1.0;
    private static final float CLIP_VALUE = 0.1f;
    private static final NoiseCoefficients NOISE = new NoiseCoefficients(NoiseCoefficients.key(1, 2, 3), 1e-7f);

    @Param({"65536", "16777216"})
    public int size;

    @Param({"1"})
    public int threads;

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private double[] blockSums;
    private ChunkedExecutor executor;

    @Setup(Level.Trial)
    public void setUp() {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        p = BenchData.params(size, 1);
        g = BenchData.gradients(size, 2);
        m = BenchData.gradients(size, 3);
        v = BenchData.squares(size, 4);
        blockSums = new double[(size + OptimizerKernels.SUM_OF_SQUARES_BLOCK - 1) / OptimizerKernels.SUM_OF_SQUARES_BLOCK];
        executor = ChunkedExecutor.withThreads(threads, 1);
    }

    /** Adam's coefficients at {@link RuleBenchmark#STEP}, with the given norm-clipping scale and clamp. */
    private static AdamCoefficients coefficients(float normScale, float clipValue) {
        return AdamCoefficients.forStep(H, AdamCoefficients.WeightDecay.BY_FLAG, RuleBenchmark.STEP,
                new StepContext(normScale, clipValue));
    }

    private static final AdamCoefficients PLAIN = coefficients(1f, Float.POSITIVE_INFINITY);
    private static final AdamCoefficients CLAMPED = coefficients(1f, CLIP_VALUE);

    /** {@code min(max_norm / (norm + 1e-6), 1)}, as the optimizer computes it. */
    private static float clipCoefficient(double sumOfSquares) {
        return (float) Math.min(MAX_NORM / (Math.sqrt(sumOfSquares) + 1e-6), 1.0);
    }

    private void adamStep(AdamCoefficients c) {
        executor.run(size, (from, n) -> KERNELS.adam(p, from, g, from, m, from, v, from, n, c));
    }

    /** The sum of squares of g, block sums added in block order: the same bits on any thread count. */
    private double sumOfSquaresPass() {
        int block = OptimizerKernels.SUM_OF_SQUARES_BLOCK;
        executor.run(size, block, (from, n) -> {
            for (int start = from; start < from + n; start += block) {
                blockSums[start / block] = KERNELS.sumOfSquares(g, start, Math.min(block, size - start));
            }
        });
        double sum = 0;
        for (double s : blockSums) {
            sum += s;
        }
        return sum;
    }

    @Benchmark
    public float[] adam() {
        adamStep(PLAIN);
        return p;
    }

    @Benchmark
    public float[] adamNormClipFused() {
        float coefficient = clipCoefficient(sumOfSquaresPass());
        adamStep(coefficients(coefficient, Float.POSITIVE_INFINITY));
        return p;
    }

    @Benchmark
    public float[] adamNormClipUnfused() {
        float coefficient = clipCoefficient(sumOfSquaresPass());
        if (coefficient < 1) {
            executor.run(size, (from, n) -> scale(g, from, n, coefficient));
        }
        adamStep(PLAIN);
        return p;
    }

    @Benchmark
    public float[] adamValueClipFused() {
        adamStep(CLAMPED);
        return p;
    }

    @Benchmark
    public float[] adamValueClipUnfused() {
        executor.run(size, (from, n) -> clamp(g, from, n, CLIP_VALUE));
        adamStep(PLAIN);
        return p;
    }

    @Benchmark
    public double sumOfSquares() {
        return sumOfSquaresPass();
    }

    @Benchmark
    public float[] gradientNoise() {
        executor.run(size, (from, n) -> KERNELS.addGradientNoise(g, from, n, from, NOISE));
        return g;
    }

    /** {@code g *= c} over {@code [from, from + n)}, the separate pass of unfused norm clipping. */
    private static void scale(float[] g, int from, int n, float c) {
        for (int i = from; i < from + n; i++) {
            g[i] *= c;
        }
    }

    /** {@code g = clamp(g, -c, c)} over {@code [from, from + n)}, the separate pass of unfused value clipping. */
    private static void clamp(float[] g, int from, int n, float c) {
        for (int i = from; i < from + n; i++) {
            g[i] = Math.max(-c, Math.min(c, g[i]));
        }
    }

    @TearDown(Level.Trial)
    public void checkFinite() {
        executor.close();
        BenchData.requireFinite("p", p);
        BenchData.requireFinite("g", g);
        BenchData.requireFinite("exp_avg", m);
        BenchData.requireFinite("exp_avg_sq", v);
    }
}
