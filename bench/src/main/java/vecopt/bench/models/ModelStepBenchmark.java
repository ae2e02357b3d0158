package vecopt.bench.models;

import java.util.ArrayList;
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
import vecopt.engine.FlatParameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * One step over a real model's parameters: as one {@link Parameter} per tensor, as PyTorch users
 * pass {@code model.parameters()}, and as one {@link FlatParameters} buffer holding the same tensors;
 * AdamW ({@code lr=1e-4}) or SGD with momentum 0.9 and weight decay 1e-4 (ResNet's recipe). The
 * ratio of the two is what many small tensors cost (a kernel call, a plan and a hand-off each); with
 * {@code -prof gc} JMH reports the bytes a step allocates.
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main ModelStepBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class ModelStepBenchmark {

    @Param({"GPT2_SMALL", "BERT_BASE", "RESNET50"})
    public ModelShapes model;

    @Param({"1", "2"})
    public int threads;

    @Param({"separate", "flat"})
    public String layout;

    @Param({"AdamW", "SGD"})
    public String rule;

    private Optimizer optimizer;
    private ChunkedExecutor executor;

    @Setup(Level.Trial)
    public void setUp() {
        List<Parameter> parameters = new ArrayList<>();
        if (layout.equals("flat")) {
            FlatParameters.Builder b = FlatParameters.builder(model.name());
            for (ModelShapes.Tensor t : model.tensors()) {
                b.add(t.name(), t.shape());
            }
            FlatParameters flat = b.build();
            fill(flat.parameter());
            parameters.add(flat.parameter());
        } else {
            for (ModelShapes.Tensor t : model.tensors()) {
                Parameter p = new Parameter(t.name(), FloatTensor.zeros(t.shape()), FloatTensor.zeros(t.shape()));
                fill(p);
                parameters.add(p);
            }
        }
        optimizer = Optimizers.fromTorch(rule, parameters, rule.equals("SGD")
                ? Map.of("lr", 1e-4, "momentum", 0.9, "weight_decay", 1e-4)
                : Map.of("lr", 1e-4));
        executor = ChunkedExecutor.withThreads(threads, ChunkedExecutor.DEFAULT_MIN_PARALLEL_LENGTH);
        optimizer.setExecutor(executor);
        optimizer.allocateState();
    }

    private static void fill(Parameter p) {
        FloatTensor w = p.value();
        FloatTensor g = p.grad();
        for (int i = 0; i < p.size(); i++) {
            w.setFlat(i, (i % 1009) * 1e-3f);
            g.setFlat(i, ((i % 17) - 8) * 1e-4f);
        }
    }

    @Benchmark
    public Optimizer step() {
        optimizer.step();
        return optimizer;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
    }
}
