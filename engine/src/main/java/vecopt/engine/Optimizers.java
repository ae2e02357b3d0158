package vecopt.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Builds optimizers from PyTorch's description of them: the {@code torch.optim} class name and the
 * constructor kwargs, as training code ported from PyTorch (or a recorded trajectory) has them; and
 * tells a rule of one's own which kernels to run ({@link #vectorBitSize(Optimizer)}).
 */
public final class Optimizers {

    /** Kwargs that choose PyTorch's implementation strategy, not the update: accepted and ignored. */
    private static final List<String> IMPLEMENTATION_KWARGS = List.of("foreach", "fused", "capturable", "differentiable");

    /**
     * PyTorch's tuple kwargs and the hyperparameters each sets here, for the rules that have the first
     * of them: Adam's {@code betas}, Rprop's {@code etas} and {@code step_sizes}, Adafactor's
     * {@code eps}, Muon's {@code ns_coefficients}.
     */
    private static final Map<String, List<String>> TUPLES = Map.of(
            "betas", List.of("beta1", "beta2"),
            "etas", List.of("etaminus", "etaplus"),
            "step_sizes", List.of("step_size_min", "step_size_max"),
            "eps", List.of("eps1", "eps2"),
            "ns_coefficients", List.of("ns_a", "ns_b", "ns_c"));

    /** Kwargs of one rule that choose PyTorch's implementation strategy only: accepted and ignored. */
    private static final Map<String, List<String>> RULE_IMPLEMENTATION_KWARGS = Map.of("Muon", List.of("use_addmm"));

    private Optimizers() {
    }

    /**
     * The optimizer {@code torch.optim.<className>(params, **kwargs)} describes, for any rule in
     * {@link Rules}.
     *
     * @param className the {@code torch.optim} class name, such as {@code "AdamW"}
     * @param parameters the parameters of the first group
     * @param kwargs the constructor's keyword arguments, as PyTorch names them ({@code betas} as a list of two)
     * @return the optimizer
     * @throws UnsupportedOperationException if vecopt has no such optimizer or option
     * @throws IllegalArgumentException if a value is out of range or of the wrong type
     */
    public static Optimizer fromTorch(String className, List<Parameter> parameters, Map<String, ?> kwargs) {
        Rule rule = Rules.get(className);
        if (kwargs == null) {
            throw new IllegalArgumentException("kwargs must not be null; pass Map.of() for " + className + "'s defaults");
        }
        return rule.create(parameters, hyperparameters(className, rule.defaults(), kwargs));
    }

    /** {@link #fromTorch(String, List, Map)} on the given kernels instead of the provider's choice. */
    static Optimizer fromTorch(String className, List<Parameter> parameters, Map<String, ?> kwargs,
                               OptimizerKernels kernels) {
        return fromTorch(className, parameters, kwargs).withKernels(kernels);
    }

    /**
     * {@code defaults} with every kwarg applied at once, so their order does not matter ({@code nesterov}
     * with {@code momentum}); {@code betas} sets {@code beta1} and {@code beta2}, {@code etas}
     * {@code etaminus} and {@code etaplus}, {@code step_sizes} {@code step_size_min} and {@code step_size_max},
     * Adafactor's {@code eps} {@code eps1} and {@code eps2}, Muon's {@code ns_coefficients} {@code ns_a},
     * {@code ns_b} and {@code ns_c}. A choice takes the name of its option ({@code adjust_lr_fn="match_rms_adamw"});
     * null (Python's None) is accepted where the hyperparameter takes None (LBFGS's {@code max_eval} and
     * {@code line_search_fn}; Adafactor's {@code eps1} and Muon's {@code adjust_lr_fn}, whose None is the default).
     */
    static Hyperparameters hyperparameters(String className, Hyperparameters defaults, Map<String, ?> kwargs) {
        Map<String, Double> changes = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : kwargs.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("kwargs of " + className + " must not have a null name");
            }
            if (IMPLEMENTATION_KWARGS.contains(name)
                    || RULE_IMPLEMENTATION_KWARGS.getOrDefault(className, List.of()).contains(name)) {
                continue;
            }
            List<String> tuple = TUPLES.get(name);
            if (tuple != null && defaults.has(tuple.get(0))) {
                List<?> values = asList(value);
                String what = tuple.size() == 2 ? "a pair of numbers" : "a tuple of " + tuple.size() + " numbers";
                if (values == null || values.size() != tuple.size()) {
                    throw new IllegalArgumentException(name + " must be " + what + ", got " + describe(value));
                }
                for (int i = 0; i < tuple.size(); i++) {
                    Object element = values.get(i);
                    Hyperparameter d = definition(defaults, tuple.get(i));
                    if (element == null && d.acceptsNone()) {
                        changes.put(d.name(), d.noneValue());
                    } else if (element instanceof Number number) {
                        changes.put(d.name(), number.doubleValue());
                    } else {
                        throw new IllegalArgumentException(name + " must be " + what + ", got " + describe(value));
                    }
                }
            } else if (!defaults.has(name)) {
                throw new UnsupportedOperationException(className + " has no option " + name + " in vecopt");
            } else {
                Hyperparameter d = definition(defaults, name);
                changes.put(name, single(d, value));
            }
        }
        return defaults.withValues(changes);
    }

    /** The value of a kwarg that sets one hyperparameter: a flag, a choice's option, a number or None. */
    private static double single(Hyperparameter d, Object value) {
        String name = d.name();
        if (value == null && d.acceptsNone()) {
            return d.noneValue();
        }
        if (d.isFlag()) {
            if (!(value instanceof Boolean flag)) {
                throw new IllegalArgumentException(name + " must be true or false, got " + describe(value));
            }
            return flag ? 1.0 : 0.0;
        }
        if (d.isChoice()) {
            if (value != null && !(value instanceof String)) {
                throw new IllegalArgumentException(name + " must be one of " + d.choices().stream()
                        .map(c -> c == null ? "None" : "'" + c + "'").collect(Collectors.joining(", "))
                        + ", got " + describe(value));
            }
            return d.indexOf((String) value);
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw new IllegalArgumentException(name + " must be a number, got " + describe(value));
    }

    private static Hyperparameter definition(Hyperparameters h, String name) {
        return h.definitions().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    /** A pair given as a list, a {@code double[]} or a {@code float[]}; null for anything else. */
    private static List<?> asList(Object value) {
        if (value instanceof double[] a) {
            return Arrays.stream(a).boxed().toList();
        }
        if (value instanceof float[] a) {
            List<Float> list = new java.util.ArrayList<>();
            for (float x : a) {
                list.add(x);
            }
            return list;
        }
        if (value instanceof Object[] a) {
            return java.util.Arrays.asList(a);
        }
        return value instanceof List<?> list ? list : null;
    }

    /** A value as a message shows it: arrays by their elements, strings quoted. */
    private static String describe(Object value) {
        if (value instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (value instanceof float[] a) {
            return Arrays.toString(a);
        }
        if (value instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        if (value == null) {
            return "None";
        }
        return value instanceof String text ? "'" + text + "'" : String.valueOf(value);
    }

    // ---- which kernels run: for rules written outside the engine that bring a Vector API kernel ----

    /**
     * The width in bits of the Vector API kernels this JVM runs by default (128, 256 or 512: the widest
     * the CPU has up to {@code -Dvecopt.vectorBitSize}, 256 by default), or 0 when it runs the scalar
     * kernels ({@code jdk.incubator.vector} not enabled, or {@code -Dvecopt.kernels=scalar}). A rule of
     * one's own runs at this width; a built-in rule may run another on a CPU with 512-bit vectors, the
     * one measured fastest for it, unless {@code -Dvecopt.vectorBitSize} is given
     * ({@link #vectorBitSize(Optimizer)} says which). Fixed for the life of the JVM: a rule of one's
     * own can size the {@code static final} species of its vector kernel with it, so that C2 compiles
     * the vector operations, and load that class only when this is not 0, so that it runs without the
     * Vector API too.
     *
     * @return the vector width in bits, or 0 for the scalar kernels
     * @throws IllegalStateException if {@code -Dvecopt.kernels} or {@code -Dvecopt.vectorBitSize} is
     *     invalid, or {@code -Dvecopt.kernels=panama} was given where the Vector API cannot run
     */
    public static int vectorBitSize() {
        return bitsOf(OptimizerKernelsProvider.get());
    }

    /**
     * The width in bits of the Vector API kernels {@code optimizer} runs, or 0 when it runs the scalar
     * kernels: {@link #vectorBitSize()}, except for a built-in rule whose measured width differs on a
     * CPU with 512-bit vectors (Adam runs 512-bit kernels there), and that tools may put one optimizer
     * on the scalar kernels (the PyTorch parity replay runs every case on both). A rule of one's own asks this in its
     * {@link Optimizer#plan plan} and runs its vector kernel when it is not 0, its scalar kernel when
     * it is, so that it takes the same path as the built-in rules of that optimizer.
     *
     * @param optimizer the optimizer whose kernels are asked about
     * @return the vector width in bits, or 0 for the scalar kernels
     * @throws IllegalArgumentException if {@code optimizer} is null
     */
    public static int vectorBitSize(Optimizer optimizer) {
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must not be null");
        }
        return bitsOf(optimizer.kernels());
    }

    private static int bitsOf(OptimizerKernels kernels) {
        return kernels.name().equals("scalar") ? 0 : kernels.vectorBitSize();
    }
}
