package vecopt.engine;

/**
 * Thrown by {@link Optimizer#step()} under {@link NonFinitePolicy#ERROR} when a gradient holds NaN or
 * an infinity. Nothing was written: parameters, state and step counters are as before the step.
 */
public final class NonFiniteGradientException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    /** The parameter's name. */
    private final String parameter;
    /** The flat index of the element. */
    private final int index;
    /** The element's value. */
    private final float value;

    NonFiniteGradientException(String parameter, int index, float value) {
        super("parameter " + parameter + " has a non-finite gradient at index " + index + ": " + value);
        this.parameter = parameter;
        this.index = index;
        this.value = value;
    }

    /** {@return the name of the first parameter, in group order, with a non-finite gradient} */
    public String parameter() {
        return parameter;
    }

    /** {@return the flat (row-major) index of its first non-finite gradient element} */
    public int index() {
        return index;
    }

    /** {@return that element's value: NaN, +Infinity or -Infinity} */
    public float value() {
        return value;
    }
}
