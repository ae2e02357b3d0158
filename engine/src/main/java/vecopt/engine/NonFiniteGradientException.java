package vecopt.engine;

/**
 * Thrown by {@link Optimizer#step()} under {@link NonFinitePolicy#ERROR} when a gradient holds NaN or
 * an infinity. Nothing was written: parameters, state and step counters are as before the step.
 */
public final class NonFiniteGradientException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final int index;
    private final float value;

    NonFiniteGradientException(String parameter, int index, float value) {
        super("parameter " + parameter + " has a non-finite gradient at index " + index + ": " + value);
        this.parameter = parameter;
        this.index = index;
        this.value = value;
    }

    /** The name of the first parameter, in group order, with a non-finite gradient. */
    public String parameter() {
        return parameter;
    }

    /** The flat (row-major) index of its first non-finite gradient element. */
    public int index() {
        return index;
    }

    /** That element: NaN, +Infinity or -Infinity. */
    public float value() {
        return value;
    }
}
