package vecopt.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.OptimizerKernels;

/**
 * Builds optimizers from PyTorch's description of them: the {@code torch.optim} class name and the
 * constructor kwargs, as training code ported from PyTorch (or a recorded trajectory) has them.
 */
public final class Optimizers {

    /** Kwargs that choose PyTorch's implementation strategy, not the update: accepted and ignored. */
    private static final List<String> IMPLEMENTATION_KWARGS = List.of("foreach", "fused", "capturable", "differentiable");

    /**
     * PyTorch's pair kwargs and the two hyperparameters each sets here: Adam's {@code betas}, Rprop's
     * {@code etas} and {@code step_sizes}.
     */
    private static final Map<String, List<String>> PAIRS = Map.of(
            "betas", List.of("beta1", "beta2"),
            "etas", List.of("etaminus", "etaplus"),
            "step_sizes", List.of("step_size_min", "step_size_max"));

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
     * {@code etaminus} and {@code etaplus}, {@code step_sizes} {@code step_size_min} and {@code step_size_max}.
     */
    static Hyperparameters hyperparameters(String className, Hyperparameters defaults, Map<String, ?> kwargs) {
        Map<String, Double> changes = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : kwargs.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            if (name == null) {
                throw new IllegalArgumentException("kwargs of " + className + " must not have a null name");
            }
            if (IMPLEMENTATION_KWARGS.contains(name)) {
                continue;
            }
            List<String> pair = PAIRS.get(name);
            if (pair != null && defaults.has(pair.get(0))) {
                List<?> values = asList(value);
                if (values == null || values.size() != 2 || !(values.get(0) instanceof Number first)
                        || !(values.get(1) instanceof Number second)) {
                    throw new IllegalArgumentException(name + " must be a pair of numbers, got " + describe(value));
                }
                changes.put(pair.get(0), first.doubleValue());
                changes.put(pair.get(1), second.doubleValue());
            } else if (!defaults.has(name)) {
                throw new UnsupportedOperationException(className + " has no option " + name + " in vecopt");
            } else if (definition(defaults, name).isChoice()) {
                if (value != null && !(value instanceof String)) {
                    throw new IllegalArgumentException(name + " must be " + definition(defaults, name).choices().stream()
                            .map(c -> c == null ? "None" : "'" + c + "'").toList() + ", got " + describe(value));
                }
                changes.put(name, definition(defaults, name).indexOf((String) value));
            } else if (value == null && definition(defaults, name).acceptsNone()) {
                changes.put(name, definition(defaults, name).noneValue());
            } else if (isFlag(defaults, name)) {
                if (!(value instanceof Boolean flag)) {
                    throw new IllegalArgumentException(name + " must be true or false, got " + describe(value));
                }
                changes.put(name, flag ? 1.0 : 0.0);
            } else if (value instanceof Number number) {
                changes.put(name, number.doubleValue());
            } else {
                throw new IllegalArgumentException(name + " must be a number, got " + describe(value));
            }
        }
        return defaults.withValues(changes);
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

    private static Hyperparameter definition(Hyperparameters h, String name) {
        return h.definitions().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean isFlag(Hyperparameters h, String name) {
        return h.definitions().stream().anyMatch(d -> d.name().equals(name) && d.isFlag());
    }
}
