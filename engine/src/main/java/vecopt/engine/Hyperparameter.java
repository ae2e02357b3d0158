package vecopt.engine;

import java.util.List;

/**
 * The definition of one hyperparameter: its PyTorch name, its default and the values it accepts.
 * Flags (PyTorch booleans such as {@code nesterov}) are stored as 0 or 1, whole numbers (Muon's
 * {@code ns_steps}) as doubles without a fraction, and a choice among named options (Muon's
 * {@code adjust_lr_fn}) as the index of its option.
 */
public final class Hyperparameter {

    private final String name;
    private final double defaultValue;
    private final boolean flag;
    private final double min;
    private final boolean minInclusive;
    private final double max;
    private final boolean maxInclusive;
    private final boolean integral;
    private final List<String> options;
    private final boolean noneMeansDefault;

    private Hyperparameter(String name, double defaultValue, boolean flag,
                           double min, boolean minInclusive, double max, boolean maxInclusive) {
        this(name, defaultValue, flag, min, minInclusive, max, maxInclusive, false, List.of(), false);
    }

    private Hyperparameter(String name, double defaultValue, boolean flag, double min, boolean minInclusive,
                           double max, boolean maxInclusive, boolean integral, List<String> options,
                           boolean noneMeansDefault) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.flag = flag;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
        this.integral = integral;
        this.options = options;
        this.noneMeansDefault = noneMeansDefault;
    }

    /** A finite value {@code >= min}. */
    public static Hyperparameter atLeast(String name, double defaultValue, double min) {
        return new Hyperparameter(name, defaultValue, false, min, true, Double.MAX_VALUE, true);
    }

    /** A finite value {@code > min}. */
    public static Hyperparameter above(String name, double defaultValue, double min) {
        return new Hyperparameter(name, defaultValue, false, min, false, Double.MAX_VALUE, true);
    }

    /** A finite value {@code <= max}. */
    public static Hyperparameter atMost(String name, double defaultValue, double max) {
        return new Hyperparameter(name, defaultValue, false, -Double.MAX_VALUE, true, max, true);
    }

    /** A value in {@code [min, max)}. */
    public static Hyperparameter inHalfOpen(String name, double defaultValue, double min, double max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, false);
    }

    /** A value in {@code [min, max]}. */
    public static Hyperparameter inClosed(String name, double defaultValue, double min, double max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, true);
    }

    /** A boolean option. */
    public static Hyperparameter flag(String name, boolean defaultValue) {
        return new Hyperparameter(name, defaultValue ? 1 : 0, true, 0, true, 1, true);
    }

    /** A whole number in {@code [min, max)}, such as a count of iterations. */
    public static Hyperparameter integer(String name, int defaultValue, int min, int max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, false, true, List.of(), false);
    }

    /**
     * One of PyTorch's string options, stored as its index in {@code options}; the first option is the
     * default and also what PyTorch's {@code None} selects.
     */
    public static Hyperparameter choice(String name, String... options) {
        if (options.length == 0) {
            throw new IllegalArgumentException("choice " + name + " needs at least one option");
        }
        return new Hyperparameter(name, 0, false, 0, true, options.length - 1, true, true, List.of(options), true);
    }

    /**
     * This hyperparameter, where PyTorch's {@code None} stands for the default (Adafactor's
     * {@code eps=(None, 1e-3)}, whose None is float32's machine epsilon): {@code fromTorch} then
     * accepts a null value and keeps the default.
     */
    public Hyperparameter orNone() {
        return new Hyperparameter(name, defaultValue, flag, min, minInclusive, max, maxInclusive, integral, options,
                true);
    }

    public String name() {
        return name;
    }

    public double defaultValue() {
        return defaultValue;
    }

    public boolean isFlag() {
        return flag;
    }

    /** True for whole numbers and choices: no fraction is accepted. */
    public boolean isIntegral() {
        return integral;
    }

    /** The named options of a choice, in index order; empty for every other kind. */
    public List<String> options() {
        return options;
    }

    /** The option at index {@code value} of a choice. */
    public String option(double value) {
        check(value);
        return options.get((int) value);
    }

    /**
     * The index of option {@code option} of a choice.
     *
     * @throws IllegalArgumentException naming the hyperparameter and its options if there is no such option
     */
    public int optionIndex(String option) {
        int i = options.indexOf(option);
        if (i < 0) {
            throw new IllegalArgumentException(name + " must be one of " + quotedOptions() + ", got "
                    + (option == null ? "null" : "'" + option + "'"));
        }
        return i;
    }

    /** Whether PyTorch's {@code None} is accepted for it, meaning its default. */
    public boolean noneMeansDefault() {
        return noneMeansDefault;
    }

    private String quotedOptions() {
        return String.join(", ", options.stream().map(o -> "'" + o + "'").toList());
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
        if (!options.isEmpty() && !(lowOk && highOk && value == Math.rint(value))) {
            throw new IllegalArgumentException(name + " must be the index of one of " + quotedOptions() + " (0 to "
                    + (options.size() - 1) + "), got " + format(value));
        }
        if (!(lowOk && highOk)) {
            throw new IllegalArgumentException(name + " must be " + requirement() + ", got " + format(value));
        }
        if (integral && value != Math.rint(value)) {
            throw new IllegalArgumentException(name + " must be a whole number, got " + format(value));
        }
    }

    private String requirement() {
        if (min == -Double.MAX_VALUE) {
            return (maxInclusive ? "<= " : "< ") + format(max);
        }
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
