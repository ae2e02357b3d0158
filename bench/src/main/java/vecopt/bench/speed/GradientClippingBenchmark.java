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
 * The unfused passes are plain loops, which C2 auto-vectorizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecopt.kernels=panama", "-Xmx2g"})
public class GradientClippingBenchmark {

    /** Constant after class init, so C2 sees through the interface call. */
    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final float LR = 1e-6f;
    private static final int STEP = 10;
    /** Below the gradients' norm, so that every step clips. */
    private static final double MAX_NORM = 1.0;
    private static final float CLIP_VALUE = 0.1f;
    private static final NoiseCoefficients NOISE = new NoiseCoefficients(NoiseCoefficients.key(1, 2, 3), 1e-7f);

    @Param({"65536", "16777216"})
    public int size;

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;

    @Setup(Level.Trial)
    public void setUp() {
        p = BenchData.params(size, 1);
        g = BenchData.gradients(size, 2);
        m = BenchData.gradients(size, 3);
        v = BenchData.squares(size, 4);
    }

    /** Adam's coefficients at a fixed step, with the given gradient scale and clamp. */
    private static AdamCoefficients coefficients(float gradScale, float gradClip) {
        double beta1 = 0.9;
        double beta2 = 0.999;
        return new AdamCoefficients(gradScale, 0f, 1f, (float) beta1, (float) (1 - beta1), (float) beta2,
                (float) (1 - beta2), (float) (1 / Math.sqrt(1 - Math.pow(beta2, STEP))), 1e-8f,
                (float) (-LR / (1 - Math.pow(beta1, STEP))), gradClip);
    }

    private static final AdamCoefficients PLAIN = coefficients(1f, Float.POSITIVE_INFINITY);
    private static final AdamCoefficients CLAMPED = coefficients(1f, CLIP_VALUE);

    /** {@code min(max_norm / (norm + 1e-6), 1)}, as the optimizer computes it. */
    private static float clipCoefficient(double sumOfSquares) {
        return (float) Math.min(MAX_NORM / (Math.sqrt(sumOfSquares) + 1e-6), 1.0);
    }

    @Benchmark
    public float[] adam() {
        KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, PLAIN);
        return p;
    }

    @Benchmark
    public float[] adamNormClipFused() {
        float coefficient = clipCoefficient(KERNELS.sumOfSquares(g, 0, size));
        KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, coefficients(coefficient, Float.POSITIVE_INFINITY));
        return p;
    }

    @Benchmark
    public float[] adamNormClipUnfused() {
        float coefficient = clipCoefficient(KERNELS.sumOfSquares(g, 0, size));
        if (coefficient < 1) {
            scale(g, coefficient);
        }
        KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, PLAIN);
        return p;
    }

    @Benchmark
    public float[] adamValueClipFused() {
        KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, CLAMPED);
        return p;
    }

    @Benchmark
    public float[] adamValueClipUnfused() {
        clamp(g, CLIP_VALUE);
        KERNELS.adam(p, 0, g, 0, m, 0, v, 0, size, PLAIN);
        return p;
    }

    @Benchmark
    public double sumOfSquares() {
        return KERNELS.sumOfSquares(g, 0, size);
    }

    @Benchmark
    public float[] gradientNoise() {
        KERNELS.addGradientNoise(g, 0, size, 0, NOISE);
        return g;
    }

    /** {@code g *= c}, the separate pass of unfused norm clipping. */
    private static void scale(float[] g, float c) {
        for (int i = 0; i < g.length; i++) {
            g[i] *= c;
        }
    }

    /** {@code g = clamp(g, -c, c)}, the separate pass of unfused value clipping. */
    private static void clamp(float[] g, float c) {
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.max(-c, Math.min(c, g[i]));
        }
    }

    @TearDown(Level.Trial)
    public void checkFinite() {
        BenchData.requireFinite("p", p);
        BenchData.requireFinite("g", g);
        BenchData.requireFinite("exp_avg", m);
        BenchData.requireFinite("exp_avg_sq", v);
    }
}
