package vecopt.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 */
public final class FlatParameters {

    private final Parameter parameter;
    private final Map<String, FloatTensor> values;
    private final Map<String, FloatTensor> grads;

    private FlatParameters(Parameter parameter, Map<String, FloatTensor> values, Map<String, FloatTensor> grads) {
        this.parameter = parameter;
        this.values = values;
        this.grads = grads;
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

    /** {@return the tensor names, in layout order} */
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
         * Allocates the shared value and gradient arrays, filled with zeros.
         *
         * @return the layout
         */
        public FlatParameters build() {
            float[] values = new float[(int) total];
            float[] grads = new float[(int) total];
            Map<String, FloatTensor> valueViews = new LinkedHashMap<>();
            Map<String, FloatTensor> gradViews = new LinkedHashMap<>();
            int offset = 0;
            for (Map.Entry<String, int[]> e : shapes.entrySet()) {
                int size = sizeOf(e.getKey(), e.getValue());
                valueViews.put(e.getKey(), FloatTensor.view(values, offset, size).reshape(e.getValue()));
                gradViews.put(e.getKey(), FloatTensor.view(grads, offset, size).reshape(e.getValue()));
                offset += size;
            }
            Parameter all = new Parameter(name, FloatTensor.of(values), FloatTensor.of(grads));
            return new FlatParameters(all, valueViews, gradViews);
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
