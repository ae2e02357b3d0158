package vecopt.bench.storage;

import java.util.List;
import java.util.Map;
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
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.engine.StateFormat;
import vecopt.tensor.FloatTensor;

/**
 * A whole {@link Optimizer#step()} of one parameter with its state in each {@link StateFormat}, for
 * rules whose compressed state takes the engine's block path (their own float32 kernel on blocks of
 * state decoded into scratch and encoded again, {@code CompressedStatePass}) and, for comparison,
 * Adam, whose compressed state has fused kernels. The step's time per format against float32's is
 * what compressed state costs or saves a rule without a fused kernel; no norm pass
 * ({@link NonFinitePolicy#PROPAGATE}), no clipping.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main CompressedStateStepBenchmark
 * -p size=65536,16777216 -p threads=1 -wi 2 -i 3 -w 1 -r 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class CompressedStateStepBenchmark {

    /** In L2, beyond L3. */
    @Param({"65536", "16777216"})
    public int size;

    /** float32, bfloat16 (nearest even), bfloat16 with stochastic rounding, 8-bit block-wise. */
    @Param({"fp32", "bf16", "bf16sr", "int8"})
    public String format;

    /** The rule's {@code torch.optim} name: NAdam and RAdam take the block path, Adam its fused kernels. */
    @Param({"NAdam", "RAdam", "Adam"})
    public String rule;

    /** Threads the step is split across. */
    @Param({"1", "2"})
    public int threads;

    private ChunkedExecutor executor;
    private Optimizer optimizer;
    private float[] value;

    @Setup(Level.Trial)
    public void setUp() {
        value = new float[size];
        float[] grad = new float[size];
        for (int i = 0; i < size; i++) {
            value[i] = (float) Math.sin(i * 0.001) * 0.1f;
            grad[i] = (float) Math.cos(i * 0.0007) * 0.01f;
        }
        optimizer = Optimizers.fromTorch(rule, List.of(new Parameter("w", FloatTensor.of(value), FloatTensor.of(grad))),
                Map.of("lr", 1e-4));
        optimizer.setStateFormat(switch (format) {
            case "fp32" -> StateFormat.float32();
            case "bf16" -> StateFormat.bfloat16();
            case "bf16sr" -> StateFormat.bfloat16Stochastic(1);
            case "int8" -> StateFormat.blockwise8bit();
            default -> throw new IllegalArgumentException("format must be fp32, bf16, bf16sr or int8, got " + format);
        });
        executor = ChunkedExecutor.withThreads(threads, 1);
        optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        optimizer.setExecutor(executor);
        optimizer.allocateState();
    }

    @Benchmark
    public Optimizer step() {
        optimizer.step();
        return optimizer;
    }

    @TearDown(Level.Trial)
    public void check() {
        executor.close();
        for (int i = 0; i < size; i += 4097) {
            if (!Float.isFinite(value[i])) {
                throw new IllegalStateException(rule + " " + format + ": parameter " + i + " is " + value[i]
                        + " after the run");
            }
        }
    }
}
