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
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * SGD with Nesterov momentum and weight decay over one tensor, per implementation. Each
 * implementation runs in its own fork because the kernels are chosen once per JVM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SgdBenchmark {

    /** Constant after class init, so C2 sees through the interface call. */
    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    private static final SgdCoefficients COEFFICIENTS =
            new SgdCoefficients(-1e-6f, 1f, 1e-4f, 0.9f, 1f, 0.9f, 1f);

    @Param({"4096", "65536", "1048576"})
    public int size;

    private float[] p;
    private float[] g;
    private float[] b;

    @Setup(Level.Trial)
    public void setUp() {
        p = BenchData.params(size, 1);
        g = BenchData.gradients(size, 2);
        b = new float[size];
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecopt.kernels=panama"})
    public float[] panama() {
        KERNELS.sgdMomentum(p, 0, g, 0, b, 0, size, COEFFICIENTS);
        return p;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dvecopt.kernels=scalar"})
    public float[] scalar() {
        KERNELS.sgdMomentum(p, 0, g, 0, b, 0, size, COEFFICIENTS);
        return p;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Dvecopt.kernels=scalar", "-XX:-UseSuperWord"})
    public float[] scalarNoSuperWord() {
        KERNELS.sgdMomentum(p, 0, g, 0, b, 0, size, COEFFICIENTS);
        return p;
    }

    @TearDown(Level.Trial)
    public void checkFinite() {
        BenchData.requireFinite("p", p);
    }
}
