package vecopt.bench.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.StateFormat;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * What a configuration of weights, gradients and optimizer state costs in memory: the formula in
 * bytes per parameter element, and the same measured as the growth of the process's resident set
 * (Linux {@code VmRSS}) while a fresh JVM allocates one parameter of {@code n} elements, its
 * gradient and the optimizer's state (then steps once).
 *
 * <p>The formula: weights and gradient at their type's width (4 bytes float32, 2 bfloat16), plus a
 * float32 master copy (4) for bfloat16 weights, plus each element-wise buffer the rule keeps with
 * these hyperparameters at its format's width if the rule's descriptor marks it compressible (float32
 * 4, bfloat16 2, 8-bit 1 plus a float32 scale per block, {@code 4 / blockSize}), else 4. The measurement is taken in a child JVM ({@link #main} says how),
 * so that what grows is the arrays.
 *
 * <p>Run one: {@code java --add-modules jdk.incubator.vector -cp vecopt-bench.jar
 * vecopt.bench.storage.MemoryFootprint INDEX N} prints {@code rss-growth BYTES}.
 */
public final class MemoryFootprint {

    /** Measured ÷ formula must lie in [{@value #LOW}, {@value #HIGH}]: the arrays, and little else. */
    public static final double LOW = 0.97;
    /** Upper end of the accepted measured ÷ formula: room for the JVM's own small allocations. */
    public static final double HIGH = 1.05;

    /**
     * One configuration.
     *
     * @param label what the report calls it
     * @param rule the torch.optim name of the rule
     * @param kwargs the rule's options that differ from its defaults
     * @param format the optimizer's state format
     * @param weights the weights' type, float32 or bfloat16 (with a float32 master copy)
     * @param grads the gradient's type
     */
    public record Config(String label, String rule, Map<String, Double> kwargs, StateFormat format, DType weights,
                         DType grads) {
    }

    /** The configurations the suite reports. */
    public static final List<Config> CONFIGS = List.of(
            new Config("Adam, float32", "Adam", Map.of(), StateFormat.float32(), DType.FLOAT32, DType.FLOAT32),
            new Config("Adam, bf16 moments", "Adam", Map.of(), StateFormat.bfloat16(), DType.FLOAT32, DType.FLOAT32),
            new Config("Adam, 8-bit moments", "Adam", Map.of(), StateFormat.blockwise8bit(), DType.FLOAT32,
                    DType.FLOAT32),
            new Config("Adam, bf16 weights and gradients, float32 master and moments", "Adam", Map.of(),
                    StateFormat.float32(), DType.BFLOAT16, DType.BFLOAT16),
            new Config("Adam, bf16 weights and gradients, float32 master, bf16 moments", "Adam", Map.of(),
                    StateFormat.bfloat16(), DType.BFLOAT16, DType.BFLOAT16),
            new Config("SGD momentum, float32", "SGD", Map.of("lr", 0.01, "momentum", 0.9), StateFormat.float32(),
                    DType.FLOAT32, DType.FLOAT32),
            new Config("SGD momentum, 8-bit", "SGD", Map.of("lr", 0.01, "momentum", 0.9), StateFormat.blockwise8bit(),
                    DType.FLOAT32, DType.FLOAT32));

    /** One configuration's formula and measurement; {@code measured} NaN when it could not be measured. */
    public record Result(Config config, long n, double formula, double measured, String note) {

        /** {@return measured ÷ formula} */
        public double ratio() {
            return measured / formula;
        }

        /** {@return whether the measurement lies within the accepted range of the formula} */
        public boolean agrees() {
            return ratio() >= LOW && ratio() <= HIGH;
        }
    }

    private MemoryFootprint() {
    }

    /** Bytes per parameter element of {@code c} by the formula above. */
    public static double formula(Config c) {
        Rule rule = Rules.get(c.rule());
        Hyperparameters h = rule.defaults().withValues(c.kwargs());
        boolean mixed = c.weights() != DType.FLOAT32;
        double bytes = c.weights().byteSize() + c.grads().byteSize() + (mixed ? 4 : 0);
        for (Rule.Buffer b : rule.buffers(h)) {
            if (!b.elementWise()) {
                continue;
            }
            if (!rule.compressibleBuffers().containsKey(b.name())) {
                bytes += 4; // a buffer the rule keeps in float32 under every format
            } else {
                bytes += switch (c.format().kind()) {
                    case FLOAT32 -> 4;
                    case BFLOAT16 -> 2;
                    case BLOCKWISE_8BIT -> 1 + 4.0 / c.format().blockSize();
                };
            }
        }
        return bytes;
    }

    /** An optimizer of {@code c} over one parameter of {@code n} elements with a gradient of ones. */
    private static Optimizer build(Config c, int n) {
        Parameter p;
        if (c.weights() == DType.FLOAT32) {
            float[] g = new float[n];
            java.util.Arrays.fill(g, 1e-3f);
            p = new Parameter("w", FloatTensor.of(new float[n]), FloatTensor.of(g));
        } else {
            SegmentTensor w = SegmentTensor.wrap(MemorySegment.ofArray(new short[n]), c.weights(), n);
            if (c.grads() == DType.FLOAT32) {
                p = Parameter.mixed("w", w, FloatTensor.of(new float[n]));
            } else {
                p = Parameter.mixed("w", w, SegmentTensor.wrap(MemorySegment.ofArray(new short[n]), c.grads(), n));
            }
        }
        Rule rule = Rules.get(c.rule());
        Optimizer o = rule.create(List.of(p), rule.defaults().withValues(c.kwargs()));
        o.setStateFormat(c.format());
        return o;
    }

    /** This process's resident set in bytes, from {@code /proc/self/status}; -1 where there is none. */
    static long residentBytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[1]) * 1024;
            }
        }
        return -1;
    }

    /**
     * The child's work: {@code args} are the configuration's index and the element count. The classes
     * are loaded and the code compiled by small optimizers of the same configuration first; then the resident set is read
     * before the large parameter is allocated and after its state is ({@link Optimizer#allocateState},
     * as the first step allocates it), and only then does it step. Nothing that makes garbage runs
     * in between: the first steps of a fresh JVM run the kernels before C2 has compiled them (the
     * vectors they box are garbage), and so does the kernel warm-up (off here), and the young regions
     * such garbage touches, once freed, would take the large arrays without the resident set growing.
     */
    public static void main(String[] args) throws IOException {
        Config c = CONFIGS.get(Integer.parseInt(args[0]));
        int n = Integer.parseInt(args[1]);
        for (int i = 0; i < 200; i++) { // what allocating state runs (bfloat16 weights widened to the master) compiled
            build(c, 16384).allocateState();
        }
        long before = residentBytes();
        Optimizer o = build(c, n);
        o.allocateState();
        long after = residentBytes();
        o.step();
        Reference.reachabilityFence(o);
        System.out.println(before < 0 || after < 0 ? "rss-growth unknown" : "rss-growth " + (after - before));
    }

    /**
     * Measures every configuration in a child JVM of {@code n} elements, one after another.
     *
     * @param n elements of the parameter
     * @return one result per configuration
     */
    public static List<Result> measureAll(int n) throws IOException, InterruptedException {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < CONFIGS.size(); i++) {
            results.add(measure(i, n));
        }
        return results;
    }

    /** Measures configuration {@code index} with {@code n} elements in a child JVM. */
    public static Result measure(int index, int n) throws IOException, InterruptedException {
        Config c = CONFIGS.get(index);
        double formula = formula(c);
        String java = ProcessHandle.current().info().command().orElse("java");
        long heap = Math.max(256L << 20, (long) (2.5 * formula * n));
        // The serial collector with a small young generation: its eden is one fixed 8 MiB range that any garbage
        // (a kernel's boxed vectors before C2 compiles it) reuses, and large arrays go to the old generation, each
        // page touched once. G1 picks other free regions for eden after every collection, each touched page then
        // counting as growth, and gives large arrays regions the garbage touched before, which then do not.
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Xmx" + (heap >> 20) + "m",
                "-Xmn8m", "-XX:+UseSerialGC", "-Dvecopt.warmUp=false",
                "-cp", System.getProperty("java.class.path"), MemoryFootprint.class.getName(),
                Integer.toString(index), Integer.toString(n)).redirectErrorStream(true).start();
        String growth = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith("rss-growth ")) {
                    growth = line.substring("rss-growth ".length());
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(c, n, formula, Double.NaN, "the child JVM did not end within 120 s");
        }
        if (p.exitValue() != 0 || growth == null) {
            return new Result(c, n, formula, Double.NaN, "the child JVM failed: " + output.toString().strip());
        }
        if (growth.equals("unknown")) {
            return new Result(c, n, formula, Double.NaN, "no /proc/self/status here: resident set not measured");
        }
        return new Result(c, n, formula, Long.parseLong(growth) / (double) n, "");
    }

    /** The suite report's section: formula, measurement and their ratio per configuration. */
    public static String markdown(List<Result> results) {
        StringBuilder t = new StringBuilder("| configuration | elements | formula, B/elem | measured, B/elem"
                + " | measured ÷ formula | agrees |\n|---|---:|---:|---:|---:|---|\n");
        for (Result r : results) {
            t.append("| ").append(r.config().label()).append(" | ").append(r.n()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", r.formula())).append(" | ");
            if (Double.isNaN(r.measured())) {
                t.append("– | – | not measured: ").append(r.note()).append(" |\n");
            } else {
                t.append(String.format(Locale.ROOT, "%.3f | %.3f | %s |\n", r.measured(), r.ratio(),
                        r.agrees() ? "yes" : "NO"));
            }
        }
        return t.toString();
    }
}
