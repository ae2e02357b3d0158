package vecopt.engine;

import vecopt.tensor.FloatTensor;

/**
 * A named trainable tensor and the tensor its gradient is written to. Both are usually views over
 * arrays the model owns; the optimizer reads {@code grad} and updates {@code value} in place.
 *
 * @param name the name, unique in an optimizer, as in PyTorch's {@code named_parameters()}
 * @param value the values, updated in place
 * @param grad the gradient, read by each step, of the same size as {@code value}
 */
public record Parameter(String name, FloatTensor value, FloatTensor grad) {

    /** Checks that the name is present and the two tensors have the same size. */
    public Parameter {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got " + (name == null ? null : "'" + name + "'"));
        }
        if (value == null || grad == null) {
            throw new IllegalArgumentException("parameter " + name + ": value and grad must not be null");
        }
        if (value.size() != grad.size()) {
            throw new IllegalArgumentException("parameter " + name + ": grad has " + grad.size()
                    + " elements, value has " + value.size());
        }
    }

    /**
     * A parameter over {@code value}, with a new zero gradient of the same shape.
     *
     * @param name the name
     * @param value the values
     * @return the parameter
     */
    public static Parameter of(String name, FloatTensor value) {
        return new Parameter(name, value, FloatTensor.zeros(value.shape()));
    }

    /** {@return the number of elements} */
    public int size() {
        return value.size();
    }
}
