package vecopt.engine;

/**
 * The definition of one hyperparameter: its PyTorch name, its default and the values it accepts.
 * Flags (PyTorch booleans such as {@code nesterov}) are stored as 0 or 1.
 */
public final class Hyperparameter {

    private final String name;
    private final double defaultValue;
    private final boolean flag;
    private final double min;
    private final boolean minInclusive;
    private final double max;
    private final boolean maxInclusive;

    private Hyperparameter(String name, double defaultValue, boolean flag,
                           double min, boolean minInclusive, double max, boolean maxInclusive) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.flag = flag;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
    }

    /**
     * A finite value {@code >= min}.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the smallest valid value
     * @return the definition
     */
    public static Hyperparameter atLeast(String name, double defaultValue, double min) {
        return new Hyperparameter(name, defaultValue, false, min, true, Double.MAX_VALUE, true);
    }

    /**
     * A finite value {@code > min}.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the exclusive lower bound
     * @return the definition
     */
    public static Hyperparameter above(String name, double defaultValue, double min) {
        return new Hyperparameter(name, defaultValue, false, min, false, Double.MAX_VALUE, true);
    }

    /**
     * A value in {@code [min, max)}.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the smallest valid value
     * @param max the exclusive upper bound
     * @return the definition
     */
    public static Hyperparameter inHalfOpen(String name, double defaultValue, double min, double max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, false);
    }

    /**
     * A value in {@code (min, max)}: both ends excluded (schedule-free's momentum, whose eval divides by it).
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the exclusive lower bound
     * @param max the exclusive upper bound
     * @return the definition
     */
    public static Hyperparameter inOpen(String name, double defaultValue, double min, double max) {
        return new Hyperparameter(name, defaultValue, false, min, false, max, false);
    }

    /**
     * A value in {@code [min, max]}.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the smallest valid value
     * @param max the largest valid value
     * @return the definition
     */
    public static Hyperparameter inClosed(String name, double defaultValue, double min, double max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, true);
    }

    /**
     * A boolean option.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @return the definition
     */
    public static Hyperparameter flag(String name, boolean defaultValue) {
        return new Hyperparameter(name, defaultValue ? 1 : 0, true, 0, true, 1, true);
    }

    /** {@return the PyTorch name, such as {@code "lr"}} */
    public String name() {
        return name;
    }

    /** {@return the default value; 0 or 1 for a flag} */
    public double defaultValue() {
        return defaultValue;
    }

    /** {@return whether this is a boolean option} */
    public boolean isFlag() {
        return flag;
    }

    /**
     * Throws {@link IllegalArgumentException} naming this hyperparameter and the value unless the
     * value is accepted. NaN, infinities and values beyond the float32 range are never accepted.
     */
    void check(double value) {
        if (flag) {
            if (!(value == 0 || value == 1)) {
                throw new IllegalArgumentException(name + " is a flag (true or false), got " + value);
            }
            return;
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + format(value));
        }
        if (!Float.isFinite((float) value)) { // the kernels compute in float32
            throw new IllegalArgumentException(name + " must be a finite float32 (at most "
                    + Float.MAX_VALUE + " in magnitude), got " + format(value));
        }
        boolean lowOk = minInclusive ? value >= min : value > min;
        boolean highOk = maxInclusive ? value <= max : value < max;
        if (!(lowOk && highOk)) {
            throw new IllegalArgumentException(name + " must be " + requirement() + ", got " + format(value));
        }
    }

    private String requirement() {
        if (max == Double.MAX_VALUE) {
            return (minInclusive ? ">= " : "> ") + format(min);
        }
        return "in " + (minInclusive ? "[" : "(") + format(min) + ", " + format(max) + (maxInclusive ? "]" : ")");
    }

    /** Prints 0.1 as 0.1 and 2 as 2, the way PyTorch's messages do. */
    static String format(double value) {
        if (Double.isFinite(value) && value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
