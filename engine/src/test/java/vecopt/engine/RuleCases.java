package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

/**
 * Every rule, in its plain form and with the options that add state or change the gradient's path
 * (momentum, Nesterov, centering, AMSGrad, maximize, weight decay), as {@code torch.optim} kwargs for
 * {@link Optimizers#fromTorch}; and the snapshots that compare two optimizers bit for bit.
 */
final class RuleCases {

    private RuleCases() {
    }

    /** Torch class name and kwargs of each case. */
    static Stream<Arguments> all() {
        return Stream.of(
                Arguments.of("SGD", kwargs("lr", 0.1)),
                Arguments.of("SGD", kwargs("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 1e-3)),
                Arguments.of("SGD", kwargs("lr", 0.05, "momentum", 0.9, "dampening", 0.1, "maximize", true)),
                Arguments.of("Adagrad", kwargs("lr", 0.1, "lr_decay", 0.01, "weight_decay", 0.01,
                        "initial_accumulator_value", 0.1)),
                Arguments.of("RMSprop", kwargs("lr", 0.01, "centered", true, "momentum", 0.9, "weight_decay", 0.01)),
                Arguments.of("RMSprop", kwargs("lr", 0.01, "maximize", true)),
                Arguments.of("Adadelta", kwargs("lr", 1.0, "weight_decay", 0.01)),
                Arguments.of("Adam", kwargs("lr", 0.01)),
                Arguments.of("Adam", kwargs("lr", 0.01, "amsgrad", true, "weight_decay", 0.01, "maximize", true)),
                Arguments.of("AdamW", kwargs("lr", 0.01, "amsgrad", true)),
                Arguments.of("Adamax", kwargs("lr", 0.01, "weight_decay", 0.01)),
                Arguments.of("NAdam", kwargs("lr", 0.01, "decoupled_weight_decay", true, "weight_decay", 0.01)),
                Arguments.of("RAdam", kwargs("lr", 0.01, "maximize", true)),
                Arguments.of("Rprop", kwargs("lr", 0.01, "etas", List.of(0.4, 1.3), "step_sizes", List.of(1e-5, 1.0))),
                Arguments.of("ASGD", kwargs("lr", 0.01, "t0", 2.0, "weight_decay", 0.01, "maximize", true)),
                Arguments.of("Lion", kwargs("lr", 1e-3, "weight_decay", 0.1, "maximize", true)),
                Arguments.of("AdaBelief", kwargs("lr", 0.01, "weight_decay", 0.01)),
                Arguments.of("Yogi", kwargs("lr", 0.01, "maximize", true)),
                Arguments.of("ADOPT", kwargs("lr", 0.01, "weight_decay", 0.01, "maximize", true)),
                Arguments.of("AdEMAMix", kwargs("lr", 0.01, "weight_decay", 0.01, "t_alpha", 5, "t_beta3", 5,
                        "maximize", true)),
                Arguments.of("SGDScheduleFree", kwargs("lr", 0.1, "weight_decay", 1e-3, "warmup_steps", 3)),
                Arguments.of("AdamWScheduleFree", kwargs("lr", 0.01, "betas", List.of(0.8, 0.99), "weight_decay", 0.01,
                        "r", 1.0, "maximize", true)),
                Arguments.of("LAMB", kwargs("lr", 0.01, "weight_decay", 0.01, "maximize", true)),
                Arguments.of("LAMB", kwargs("lr", 0.01, "bias_correction", false, "trust_clip", true)),
                Arguments.of("LARS", kwargs("lr", 0.5, "weight_decay", 1e-3, "nesterov", true, "maximize", true)),
                Arguments.of("LARS", kwargs("lr", 0.1, "momentum", 0.0, "eps", 1e-6, "trust_coefficient", 0.01)),
                Arguments.of("Adafactor", kwargs()),
                Arguments.of("Adafactor", kwargs("lr", 0.05, "beta1", 0.9, "weight_decay", 0.01, "maximize", true)),
                Arguments.of("Muon", kwargs("lr", 0.02)),
                Arguments.of("Muon", kwargs("lr", 0.02, "momentum", 0.3, "nesterov", false, "weight_decay", 0.01,
                        "adjust_lr_fn", "match_rms_adamw")),
                Arguments.of("LBFGS", kwargs("lr", 0.5, "max_iter", 4, "history_size", 3)),
                Arguments.of("LBFGS", kwargs("line_search_fn", "strong_wolfe", "max_iter", 5, "history_size", 2)));
    }

    /**
     * The cases whose rule steps from the gradients it is given ({@code step()}): every case but those of
     * rules that step only with a closure (LBFGS), which their own tests cover.
     */
    static Stream<Arguments> steppedWithGradients() {
        return all().filter(a -> !Rules.get((String) a.get()[0]).needsClosure());
    }

    /**
     * Kwargs in the order given, so that test names show them as written ({@code Map.of} has no fixed
     * order).
     */
    static Map<String, Object> kwargs(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    /**
     * {@code shape} if the rule {@code torchName} steps it; otherwise a matrix of as many elements, as
     * square as their number allows (Muon steps matrices only).
     */
    static int[] shapeFor(String torchName, int... shape) {
        if (Rules.get(torchName).accepts(shape)) {
            return shape;
        }
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n == 0) {
            return new int[] {0, 1};
        }
        int rows = (int) Math.sqrt(n);
        while (n % rows != 0) {
            rows--;
        }
        return new int[] {rows, n / rows};
    }

    /** As {@link #parameters(long, int...)}, each of a shape the rule {@code torchName} steps. */
    static List<Parameter> parameters(String torchName, long seed, int... sizes) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ps.add(Parameter.of("layer" + i + ".weight", FloatTensor.randomNormal(seed + i, sizes[i])
                    .reshape(shapeFor(torchName, sizes[i]))));
        }
        return ps;
    }

    /** Two parameters (in two groups) of the given sizes and seed, with zero gradients. */
    static List<Parameter> parameters(long seed, int... sizes) {
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            ps.add(Parameter.of("layer" + i + ".weight", FloatTensor.randomNormal(seed + i, sizes[i])));
        }
        return ps;
    }

    /**
     * An optimizer of the case over {@code ps}: the first parameter in the first group, the others in
     * a second group with the same hyperparameters.
     */
    static Optimizer create(String torchClass, Map<String, ?> kwargs, List<Parameter> ps, OptimizerKernels kernels) {
        Optimizer o = Optimizers.fromTorch(torchClass, ps.subList(0, 1), kwargs, kernels);
        if (ps.size() > 1) {
            o.addParamGroup(ps.subList(1, ps.size()));
        }
        return o;
    }

    static Optimizer create(String torchClass, Map<String, ?> kwargs, List<Parameter> ps) {
        return create(torchClass, kwargs, ps, OptimizerKernelsProvider.get());
    }

    /** Fills every gradient with magnitudes from 1e-3 to 10, random signs. */
    static void randomGradients(List<Parameter> ps, SplittableRandom random) {
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                double magnitude = Math.pow(10, random.nextDouble(-3, 1));
                p.grad().setFlat(i, (float) (random.nextBoolean() ? magnitude : -magnitude));
            }
        }
    }

    /** Copies each gradient of {@code from} into the same-position parameter of {@code to}. */
    static void copyGradients(List<Parameter> from, List<Parameter> to) {
        for (int i = 0; i < from.size(); i++) {
            to.get(i).grad().copyFrom(from.get(i).grad());
        }
    }

    /** Everything a step may change: values, step counts, buffers and scalars of every parameter. */
    record Snapshot(Map<String, float[]> values, Map<String, Long> steps, Map<String, float[]> buffers,
                    Map<String, Double> scalars) {

        static Snapshot of(Optimizer o) {
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, Long> steps = new LinkedHashMap<>();
            Map<String, float[]> buffers = new LinkedHashMap<>();
            Map<String, Double> scalars = new LinkedHashMap<>();
            for (ParamGroup g : o.paramGroups()) {
                for (Parameter p : g.parameters()) {
                    values.put(p.name(), p.value().toArray());
                    ParameterState s = o.state(p.name());
                    steps.put(p.name(), s == null ? -1L : s.step());
                    if (s != null) {
                        s.buffers().forEach((name, b) -> buffers.put(p.name() + "/" + name, b.clone()));
                        s.scalars().forEach((name, v) -> scalars.put(p.name() + "/" + name, v));
                    }
                }
            }
            return new Snapshot(values, steps, buffers, scalars);
        }

        /** Same bits everywhere (NaN compared as NaN). */
        void assertSameAs(Snapshot other, String what) {
            assertEquals(values.keySet(), other.values.keySet(), what);
            values.forEach((k, v) -> assertArrayEquals(v, other.values.get(k), what + ": values of " + k));
            assertEquals(steps, other.steps, what + ": steps");
            assertEquals(buffers.keySet(), other.buffers.keySet(), what + ": buffers");
            buffers.forEach((k, v) -> assertArrayEquals(v, other.buffers.get(k), what + ": " + k));
            assertEquals(scalars, other.scalars, what + ": scalars");
        }
    }
}
