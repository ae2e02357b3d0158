package vecopt.bench.models;

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
import org.openjdk.jmh.annotations.Warmup;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * What a new user sees in a fresh JVM: one parameter of {@code size} elements, its optimizer built
 * ({@code rule}: Adam, SGD with momentum 0.9, or AdEMAMix, which runs the most arrays), and then its
 * first step, against a later step of the same JVM. Every fork is a fresh JVM and each benchmark
 * measures single shots:
 * <ul>
 *   <li>{@code construct}: building the first optimizer of the JVM, which starts the kernel provider
 *       and, unless {@code warmUp} is false, warms the rule's step up on a scratch parameter;</li>
 *   <li>{@code firstStep}: the first step of the JVM (state allocated beforehand with
 *       {@code allocateState}, so that the page faults of new state are not counted);</li>
 *   <li>{@code firstStepCreatingState}: the first step of the JVM without {@code allocateState}, as a
 *       new user runs it: the state's new memory is touched for the first time in it;</li>
 *   <li>{@code laterStep}: steps 11 to 15 of the JVM, the steady state.</li>
 * </ul>
 * {@code warmUp} sets {@code -Dvecopt.warmUp} before the engine is loaded, so one run shows both.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main FirstStepBenchmark -f 3}
 * (256Mi elements of AdEMAMix need 5 GiB: parameter, gradient and three state buffers).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class FirstStepBenchmark {

    /** The parameter's data, filled before the engine is touched. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param({"16777216", "268435456"})
        public int size;

        @Param({"true", "false"})
        public String warmUp;

        @Param({"Adam", "SGD", "AdEMAMix"})
        public String rule;

        Parameter parameter;

        @Setup(Level.Trial)
        public void setUp() {
            System.setProperty("vecopt.warmUp", warmUp); // read when the engine first builds an optimizer
            parameter = new Parameter("w", FloatTensor.zeros(size), FloatTensor.zeros(size));
            float[] w = parameter.value().array();
            float[] g = parameter.grad().array();
            for (int i = 0; i < size; i++) {
                w[i] = (i % 1009) * 1e-3f;
                g[i] = ((i % 17) - 8) * 1e-4f;
            }
        }

        Optimizer optimizer() {
            Map<String, Object> kwargs = rule.equals("SGD") ? Map.of("lr", 1e-4, "momentum", 0.9) : Map.of("lr", 1e-4);
            return Optimizers.fromTorch(rule, List.of(parameter), kwargs);
        }
    }

    /** An optimizer built in the setup, its state not created yet. */
    @State(Scope.Benchmark)
    public static class Fresh {
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            optimizer = data.optimizer();
        }
    }

    /** {@link Fresh}'s optimizer with its state allocated. */
    @State(Scope.Benchmark)
    public static class Built {
        Optimizer optimizer;

        @Setup(Level.Trial)
        public void setUp(Fresh fresh) {
            optimizer = fresh.optimizer;
            optimizer.allocateState();
        }
    }

    /** The first optimizer of the JVM: the provider's start and the warm-up. */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Optimizer construct(Data data) {
        return data.optimizer();
    }

    /** The JVM's first step. */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Optimizer firstStep(Built built) {
        built.optimizer.step();
        return built.optimizer;
    }

    /** The JVM's first step, which creates the state. */
    @Benchmark
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Optimizer firstStepCreatingState(Fresh fresh) {
        fresh.optimizer.step();
        return fresh.optimizer;
    }

    /** Steps 11 to 15 of the JVM: the steady state to compare the first step with. */
    @Benchmark
    @Warmup(iterations = 10)
    @Measurement(iterations = 5)
    public Optimizer laterStep(Built built) {
        built.optimizer.step();
        return built.optimizer;
    }
}
