package vecopt.bench.convergence;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.engine.Rules;

/**
 * One row of {@link OptimizerTable}: a {@code torch.optim} class, its constructor kwargs other than
 * {@code lr}, and the learning rate used on each problem of the suite; for a rule that steps some
 * shapes only (Muon: matrices), the optimizer that steps the other parameters beside it.
 *
 * @param label the name in charts and tables, such as {@code SGD+Nesterov}
 * @param torchName the {@code torch.optim} class, such as {@code SGD}
 * @param kwargs further constructor kwargs, such as {@code momentum=0.9}
 * @param lr the learning rate per problem
 * @param others the optimizer of the parameters the rule does not step, or null if it steps every shape
 */
public record OptimizerSetup(String label, String torchName, Map<String, Object> kwargs, LearningRates lr,
                             Others others) {

    /**
     * The second optimizer of a row, as PyTorch's Muon documentation prescribes one: its class and
     * its kwargs, {@code lr} included (the same on every problem).
     */
    public record Others(String torchName, Map<String, Object> kwargs) {
        public Others {
            kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        }
    }

    public OptimizerSetup {
        // Kept in the caller's order, so that describe() prints them as the table lists them.
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    /** A row whose rule steps every shape. */
    public OptimizerSetup(String label, String torchName, Map<String, Object> kwargs, LearningRates lr) {
        this(label, torchName, kwargs, lr, null);
    }

    /** Whether the row's rule steps a parameter of {@code shape}. */
    public boolean steps(int... shape) {
        return Rules.get(torchName).accepts(shape);
    }

    /**
     * Whether the row runs on the 2-D test functions, whose parameter is one vector of two elements:
     * not for a rule of matrices only, which the suite then leaves out of those runs and marks "n/a".
     */
    public boolean runsOnTestFunctions() {
        return steps(2);
    }

    /**
     * The row's optimizer over the parameters its rule steps, at learning rate {@code lr}, then
     * {@link #others} over the rest (if any): every optimizer a training step must step.
     *
     * @throws IllegalArgumentException if some parameters are of a shape the rule does not step and
     *     the row names no other optimizer
     */
    public List<Optimizer> buildAll(List<Parameter> parameters, double lr) {
        List<Parameter> own = parameters.stream().filter(p -> steps(p.value().shape())).toList();
        List<Parameter> rest = parameters.stream().filter(p -> !steps(p.value().shape())).toList();
        if (!rest.isEmpty() && others == null) {
            throw new IllegalArgumentException(label + " cannot step " + rest.get(0).name() + " and names no other optimizer");
        }
        List<Optimizer> all = new java.util.ArrayList<>();
        if (!own.isEmpty()) {
            all.add(build(own, lr));
        }
        if (!rest.isEmpty()) {
            all.add(Optimizers.fromTorch(others.torchName(), rest, others.kwargs()));
        }
        return all;
    }

    /** Builds the optimizer over {@code parameters} with learning rate {@code lr}, through {@link Optimizers#fromTorch}. */
    public Optimizer build(List<Parameter> parameters, double lr) {
        Map<String, Object> all = new LinkedHashMap<>(kwargs);
        all.put("lr", lr);
        return Optimizers.fromTorch(torchName, parameters, all);
    }

    /** The kwargs as PyTorch would print them, {@code lr} first; and the other optimizer's. */
    public String describe(double lr) {
        StringBuilder s = new StringBuilder(torchName).append("(lr=").append(TestFunctions.fmt(lr));
        kwargs.forEach((k, v) -> s.append(", ").append(k).append('=').append(v));
        s.append(')');
        if (others != null) {
            s.append(" + ").append(others.torchName()).append('(');
            StringBuilder o = new StringBuilder();
            others.kwargs().forEach((k, v) -> o.append(o.isEmpty() ? "" : ", ").append(k).append('=').append(v));
            s.append(o).append(") for the other parameters");
        }
        return s.toString();
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
