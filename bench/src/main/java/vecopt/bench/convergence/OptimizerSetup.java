package vecopt.bench.convergence;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;

/**
 * One row of {@link OptimizerTable}: a {@code torch.optim} class, its constructor kwargs other than
 * {@code lr}, and the learning rate used on each problem of the suite.
 *
 * @param label the name in charts and tables, such as {@code SGD+Nesterov}
 * @param torchName the {@code torch.optim} class, such as {@code SGD}
 * @param kwargs further constructor kwargs, such as {@code momentum=0.9}
 * @param lr the learning rate per problem
 */
public record OptimizerSetup(String label, String torchName, Map<String, Object> kwargs, LearningRates lr) {

    public OptimizerSetup {
        // Kept in the caller's order, so that describe() prints them as the table lists them.
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    /** Builds the optimizer over {@code parameters} with learning rate {@code lr}, through {@link Optimizers#fromTorch}. */
    public Optimizer build(List<Parameter> parameters, double lr) {
        Map<String, Object> all = new LinkedHashMap<>(kwargs);
        all.put("lr", lr);
        return Optimizers.fromTorch(torchName, parameters, all);
    }

    /** The kwargs as PyTorch would print them, {@code lr} first. */
    public String describe(double lr) {
        StringBuilder s = new StringBuilder(torchName).append("(lr=").append(TestFunctions.fmt(lr));
        kwargs.forEach((k, v) -> s.append(", ").append(k).append('=').append(v));
        return s.append(')').toString();
    }

    /**
     * Learning rates per problem: the five test functions, and the two digits models trained with
     * mini-batches of 32.
     */
    public record LearningRates(double saddle, double ravine, double rosenbrock, double beale, double twoMinima,
                                double softmax, double mlp) {

        /** The rate for a test function, by its {@link TestFunction#name()}. */
        public double of(TestFunction f) {
            return switch (f.name()) {
                case "saddle" -> saddle;
                case "ravine" -> ravine;
                case "rosenbrock" -> rosenbrock;
                case "beale" -> beale;
                case "two-minima" -> twoMinima;
                default -> throw new IllegalArgumentException("no learning rate for test function " + f.name());
            };
        }
    }
}
