// A probe kept for the record of docs/benchmarks.md ("Small calls"), not built: it times whole
// Optimizer.step calls, as a training loop makes them, where the rule benchmarks time kernel calls.
// Run from a directory holding this file:
//   javac -cp bench/target/vecopt-bench.jar -d . StepTimeProbe.java
//   java --add-modules jdk.incubator.vector -cp bench/target/vecopt-bench.jar:. StepTimeProbe SGD 4096 momentum=0.9
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * The fastest {@code Optimizer.step} over one parameter of {@code n} elements, in ns per element, after
 * 1.5 s of steps, out of one second of steps. Arguments: the rule's PyTorch name, {@code n}, then
 * options as {@code name=value} (lr is 1e-6 unless given).
 */
public class StepTimeProbe {
    public static void main(String[] args) {
        String rule = args[0];
        int n = Integer.parseInt(args[1]);
        Parameter p = new Parameter("w", FloatTensor.zeros(n), FloatTensor.zeros(n));
        for (int i = 0; i < n; i++) {
            p.value().setFlat(i, (i % 1009) * 1e-3f);
            p.grad().setFlat(i, ((i % 17) - 8) * 1e-4f);
        }
        Map<String, Object> options = new HashMap<>();
        options.put("lr", 1e-6);
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=");
            options.put(kv[0], Double.parseDouble(kv[1]));
        }
        Optimizer optimizer = Optimizers.fromTorch(rule, List.of(p), options);
        long start = System.nanoTime();
        while (System.nanoTime() - start < 1_500_000_000L) {
            optimizer.step();
        }
        long best = Long.MAX_VALUE;
        start = System.nanoTime();
        while (System.nanoTime() - start < 1_000_000_000L) {
            long t = System.nanoTime();
            optimizer.step();
            best = Math.min(best, System.nanoTime() - t);
        }
        System.out.printf("%s %s n=%d %.4f ns/elem%n", rule, options, n, best / (double) n);
    }
}
