// A probe kept for the record of docs/benchmarks.md ("Subnormal state"), not built. Run from a
// directory holding this file:
//   javac -cp bench/target/vecopt-bench.jar -d . SubnormalStateProbe.java
//   java --add-modules jdk.incubator.vector -cp bench/target/vecopt-bench.jar:. SubnormalStateProbe Adam
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Steps one 64Ki-element parameter in which two elements in 17 get a gradient on the first step only
 * (units that stop getting gradient: dead ReLUs, unused embedding rows), and prints, every 5,000 steps,
 * the mean step time and how many elements of each state buffer and of the weights are subnormal.
 * Arguments: the rule's PyTorch name, then options as {@code name=value} (lr is 1e-6 unless given);
 * {@code -Dcontrol=true} keeps every gradient, for the time without subnormals.
 */
public class SubnormalStateProbe {
    public static void main(String[] args) {
        int n = 1 << 16;
        Parameter p = new Parameter("w", FloatTensor.zeros(n), FloatTensor.zeros(n));
        for (int i = 0; i < n; i++) {
            p.value().setFlat(i, (i % 1009) * 1e-3f);
            p.grad().setFlat(i, ((i % 17) - 8.5f) * 1e-4f); // never 0
        }
        Map<String, Object> options = new HashMap<>();
        options.put("lr", 1e-6);
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=");
            options.put(kv[0], Double.parseDouble(kv[1]));
        }
        Optimizer optimizer = Optimizers.fromTorch(args[0], List.of(p), options);
        optimizer.step();
        for (int i = 0; i < n; i++) {
            if (i % 17 < 2 && !Boolean.getBoolean("control")) {
                p.grad().setFlat(i, 0f);
            }
        }
        for (int round = 1; round <= 8; round++) {
            long start = System.nanoTime();
            for (int s = 0; s < 5000; s++) {
                optimizer.step();
            }
            long nanos = System.nanoTime() - start;
            Map<String, float[]> arrays = new TreeMap<>(optimizer.state("w").buffers());
            arrays.put("weights", p.value().array());
            StringBuilder counts = new StringBuilder();
            for (Map.Entry<String, float[]> e : arrays.entrySet()) {
                int subnormal = 0;
                for (float x : e.getValue()) {
                    if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) {
                        subnormal++;
                    }
                }
                counts.append(' ').append(e.getKey()).append(' ').append(subnormal);
            }
            System.out.printf("%s steps %d: %.3f ns/elem, subnormal:%s%n", args[0], round * 5000,
                    nanos / 5000.0 / n, counts);
        }
    }
}
