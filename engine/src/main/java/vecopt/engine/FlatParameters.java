package vecopt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import vecopt.tensor.FloatTensor;

/**
 * Many small tensors laid out back to back in one value array and one gradient array, so that a
 * single {@link Parameter} covering both arrays is updated by one kernel call per step instead of
 * one call per tensor. The model reads and writes its tensors through {@link #value} and
 * {@link #grad}, which are views into the shared arrays.
 *
 * <pre>
 * FlatParameters flat = FlatParameters.builder("mlp").add("fc1.weight", 64, 784).add("fc1.bias", 64).build();
 * FloatTensor w = flat.value("fc1.weight");       // the model computes with this view
 * new Adam(List.of(flat.parameter()), ...);        // one fused pass over all of them
 * </pre>
 *
 * <p>Slices give parts of the buffer hyperparameters of their own while every tensor stays in the one
 * array: the layout puts each slice's tensors next to each other (slices in the order they first
 * appear, tensors in the order added), and each slice is one {@link Parameter}, so one group per slice
 * costs one kernel call per slice.
 * <pre>
 * FlatParameters flat = FlatParameters.builder("mlp").add("fc1.weight", 64, 784).add("fc1.bias", 64)
 *         .add("fc2.weight", 10, 64).add("fc2.bias", 10)
 *         .slices(tensor -&gt; tensor.endsWith(".bias") ? "no_decay" : "decay").build();
 * Optimizer o = new AdamW(List.of(flat.slice("decay")), AdamW.defaults());       // "mlp.decay"
 * o.addParamGroup(List.of(flat.slice("no_decay")), AdamW.defaults().with("weight_decay", 0));
 * </pre>
 */
public final class FlatParameters {

    private final Parameter parameter;
    private final Map<String, FloatTensor> values;
    private final Map<String, FloatTensor> grads;
    private final Map<String, Parameter> slices;

    private FlatParameters(Parameter parameter, Map<String, FloatTensor> values, Map<String, FloatTensor> grads,
                           Map<String, Parameter> slices) {
        this.parameter = parameter;
        this.values = values;
        this.grads = grads;
        this.slices = slices;
    }

    /**
     * Starts a layout whose combined parameter is called {@code name}.
     *
     * @param name the name of the combined parameter
     * @return the builder
     */
    public static Builder builder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got " + (name == null ? null : "'" + name + "'"));
        }
        return new Builder(name);
    }

    /** {@return the one parameter spanning every tensor, for the optimizer} */
    public Parameter parameter() {
        return parameter;
    }

    /**
     * The parameter spanning the tensors of slice {@code name}, called {@code "<flat name>.<slice>"}: one
     * contiguous range of the shared arrays, for a group of its own.
     *
     * @param name the slice's name, as the builder's slice function returned it
     * @return the slice's parameter
     * @throws IllegalArgumentException naming the slices there are if there is none called {@code name}
     */
    public Parameter slice(String name) {
        Parameter p = slices.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no slice called " + name + "; there are " + slices.keySet()
                    + (slices.isEmpty() ? " (give the builder slices(...) for some)" : ""));
        }
        return p;
    }

    /** {@return every slice's parameter, in layout order; empty if the builder was given no slices} */
    public List<Parameter> slices() {
        return List.copyOf(slices.values());
    }

    /**
     * The value view of the tensor called {@code name}.
     *
     * @param name the tensor's name
     * @return its values, a view into the shared value array
     */
    public FloatTensor value(String name) {
        return lookup(values, name);
    }

    /**
     * The gradient view of the tensor called {@code name}.
     *
     * @param name the tensor's name
     * @return its gradient, a view into the shared gradient array
     */
    public FloatTensor grad(String name) {
        return lookup(grads, name);
    }

    /** {@return the tensor names, in layout order (slice by slice when slices were given)} */
    public java.util.Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    private static FloatTensor lookup(Map<String, FloatTensor> map, String name) {
        FloatTensor t = map.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor called " + name + "; there are " + map.keySet());
        }
        return t;
    }

    /** Collects tensor shapes; {@link #build} allocates the shared arrays. */
    public static final class Builder {
        private final String name;
        private final Map<String, int[]> shapes = new LinkedHashMap<>();
        private long total;
        private Function<String, String> sliceOf;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Appends a tensor of the given shape.
         *
         * @param tensorName the tensor's name, unique in this layout
         * @param shape the tensor's shape
         * @return this builder
         */
        public Builder add(String tensorName, int... shape) {
            if (tensorName == null || tensorName.isBlank()) {
                throw new IllegalArgumentException("tensorName must not be blank, got "
                        + (tensorName == null ? null : "'" + tensorName + "'"));
            }
            if (shape == null) {
                throw new IllegalArgumentException(tensorName + ": shape must not be null");
            }
            if (shapes.containsKey(tensorName)) {
                throw new IllegalArgumentException("tensor name " + tensorName + " appears twice");
            }
            int size = sizeOf(tensorName, shape);
            if (total + size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the tensors hold more than " + (Integer.MAX_VALUE - 8)
                        + " floats, the most one array holds");
            }
            shapes.put(tensorName, shape.clone());
            total += size;
            return this;
        }

        /**
         * Puts every tensor in the slice {@code sliceOf} names for it (called at {@link #build}, once per
         * tensor): the layout then holds each slice's tensors together, and {@link FlatParameters#slice}
         * gives each slice as one parameter.
         *
         * @param sliceOf the slice of each tensor, given the tensor's name; it must return a non-blank name
         * @return this builder
         * @throws IllegalArgumentException if {@code sliceOf} is null
         */
        public Builder slices(Function<String, String> sliceOf) {
            if (sliceOf == null) {
                throw new IllegalArgumentException("sliceOf must not be null");
            }
            this.sliceOf = sliceOf;
            return this;
        }

        /**
         * Allocates the shared arrays and lays the tensors out, slice by slice if slices were given.
         *
         * @throws IllegalArgumentException if the slice function names no slice (null or blank) for a
         *     tensor, naming the tensor and what it returned
         *
         * @return the layout
         */
        public FlatParameters build() {
            Map<String, List<String>> bySlice = new LinkedHashMap<>();
            for (String tensor : shapes.keySet()) {
                String slice = sliceOf == null ? "" : sliceOf.apply(tensor);
                if (sliceOf != null && (slice == null || slice.isBlank())) {
                    throw new IllegalArgumentException("the slice of tensor " + tensor + " must not be blank, got "
                            + (slice == null ? null : "'" + slice + "'"));
                }
                bySlice.computeIfAbsent(slice, k -> new ArrayList<>()).add(tensor);
            }
            float[] values = new float[(int) total];
            float[] grads = new float[(int) total];
            Map<String, FloatTensor> valueViews = new LinkedHashMap<>();
            Map<String, FloatTensor> gradViews = new LinkedHashMap<>();
            Map<String, Parameter> slices = new LinkedHashMap<>();
            int offset = 0;
            for (Map.Entry<String, List<String>> slice : bySlice.entrySet()) {
                int start = offset;
                for (String tensor : slice.getValue()) {
                    int[] shape = shapes.get(tensor);
                    int size = sizeOf(tensor, shape);
                    valueViews.put(tensor, FloatTensor.view(values, offset, size).reshape(shape));
                    gradViews.put(tensor, FloatTensor.view(grads, offset, size).reshape(shape));
                    offset += size;
                }
                if (sliceOf != null) {
                    slices.put(slice.getKey(), new Parameter(name + "." + slice.getKey(),
                            FloatTensor.view(values, start, offset - start), FloatTensor.view(grads, start, offset - start)));
                }
            }
            Parameter all = new Parameter(name, FloatTensor.of(values), FloatTensor.of(grads));
            return new FlatParameters(all, valueViews, gradViews, Collections.unmodifiableMap(slices));
        }

        private static int sizeOf(String tensorName, int[] shape) {
            boolean empty = false;
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0) {
                    throw new IllegalArgumentException(tensorName + ": shape[" + d + "] must be >= 0, got " + shape[d]);
                }
                empty |= shape[d] == 0;
            }
            if (empty) {
                return 0;
            }
            long size = 1;
            for (int d : shape) {
                size *= d;
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(tensorName + " has more elements than one array holds");
                }
            }
            return (int) size;
        }
    }
}
