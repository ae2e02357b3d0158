package vecopt.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The definition of one hyperparameter: its PyTorch name, its default and the values it accepts.
 * Flags (PyTorch booleans such as {@code nesterov}) are stored as 0 or 1; whole numbers (LBFGS's
 * {@code max_iter}) as doubles that are integers; a choice among names (LBFGS's {@code line_search_fn},
 * None or {@code "strong_wolfe"}) as the index of the name; PyTorch's None, where a number may be None
 * (LBFGS's {@code max_eval}), as a value the definition names, or as the default where None selects
 * the default ({@link #orNone()}: Adafactor's {@code eps1}, Muon's {@code adjust_lr_fn}).
 */
public final class Hyperparameter {

    private final String name;
    private final double defaultValue;
    private final boolean flag;
    private final double min;
    private final boolean minInclusive;
    private final double max;
    private final boolean maxInclusive;
    /** Whether only whole numbers are accepted (counts, indices of choices). */
    private final boolean whole;
    /** The value that stands for PyTorch's None, or NaN where None is not accepted. */
    private final double noneValue;
    /** The names of a choice, by index (null for None); null for any other kind. */
    private final List<String> choices;

    private Hyperparameter(String name, double defaultValue, boolean flag,
                           double min, boolean minInclusive, double max, boolean maxInclusive) {
        this(name, defaultValue, flag, min, minInclusive, max, maxInclusive, false, Double.NaN, null);
    }

    private Hyperparameter(String name, double defaultValue, boolean flag, double min, boolean minInclusive,
                           double max, boolean maxInclusive, boolean whole, double noneValue, List<String> choices) {
        this.name = name;
        this.defaultValue = defaultValue;
        this.flag = flag;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
        this.whole = whole;
        this.noneValue = noneValue;
        this.choices = choices;
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
     * A finite value {@code <= max}.
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param max the largest valid value
     * @return the definition
     */
    public static Hyperparameter atMost(String name, double defaultValue, double max) {
        return new Hyperparameter(name, defaultValue, false, -Double.MAX_VALUE, true, max, true);
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
     * A whole number {@code >= min} (and at most {@link Integer#MAX_VALUE}).
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the smallest valid value
     * @return the definition
     */
    public static Hyperparameter integer(String name, int defaultValue, int min) {
        return integer(name, defaultValue, min, Integer.MAX_VALUE);
    }

    /**
     * A whole number in {@code [min, max]}, such as a bounded count of iterations (Muon's {@code ns_steps}).
     *
     * @param name the PyTorch name
     * @param defaultValue the default
     * @param min the smallest valid value
     * @param max the largest valid value
     * @return the definition
     */
    public static Hyperparameter integer(String name, int defaultValue, int min, int max) {
        return new Hyperparameter(name, defaultValue, false, min, true, max, true, true, Double.NaN, null);
    }

    /**
     * A whole number {@code >= min} or PyTorch's None, stored as 0, which is also the default; {@code min}
     * must be at least 1 so that 0 means nothing else.
     *
     * @param name the PyTorch name
     * @param min the smallest valid value besides None, at least 1
     * @return the definition
     * @throws IllegalArgumentException if {@code min} is below 1
     */
    public static Hyperparameter integerOrNone(String name, int min) {
        if (min < 1) {
            throw new IllegalArgumentException("min of " + name + " must be >= 1 (0 stands for None), got " + min);
        }
        return new Hyperparameter(name, 0, false, min, true, Integer.MAX_VALUE, true, true, 0, null);
    }

    /**
     * One of {@code choices}, stored as its index; the first is the default. A null choice is PyTorch's
     * None.
     *
     * @param name the PyTorch name
     * @param choices the names of the choices, the default first; null stands for None
     * @return the definition
     * @throws IllegalArgumentException if there is no choice
     */
    public static Hyperparameter choice(String name, String... choices) {
        if (choices.length == 0) {
            throw new IllegalArgumentException(name + " needs at least one choice");
        }
        List<String> names = Collections.unmodifiableList(Arrays.asList(choices.clone()));
        int none = names.indexOf(null);
        return new Hyperparameter(name, 0, false, 0, true, names.size() - 1, true, true, none < 0 ? Double.NaN : none,
                names);
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

    /**
     * This hyperparameter, where PyTorch's None stands for its default (Adafactor's {@code eps=(None, 1e-3)},
     * whose None is float32's machine epsilon; Muon's {@code adjust_lr_fn=None}, which is "original"):
     * {@code fromTorch} then accepts None and stores the default.
     *
     * @return the definition that accepts None
     */
    public Hyperparameter orNone() {
        return new Hyperparameter(name, defaultValue, flag, min, minInclusive, max, maxInclusive, whole, defaultValue,
                choices);
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

    /** {@return whether only whole numbers are accepted} */
    public boolean isWhole() {
        return whole;
    }

    /** {@return whether PyTorch's None is accepted, as {@link #noneValue()}} */
    public boolean acceptsNone() {
        return !Double.isNaN(noneValue);
    }

    /**
     * The value that stands for PyTorch's None.
     *
     * @return the stored value of None
     * @throws IllegalStateException if this hyperparameter does not accept None
     */
    public double noneValue() {
        if (!acceptsNone()) {
            throw new IllegalStateException(name + " does not accept None");
        }
        return noneValue;
    }

    /** {@return whether this is a choice among names ({@link #choices()})} */
    public boolean isChoice() {
        return choices != null;
    }

    /** {@return the names of a choice, by index; null stands for None. Empty for other kinds} */
    public List<String> choices() {
        return choices == null ? List.of() : choices;
    }

    /**
     * The stored value of the choice called {@code choice} (null for None).
     *
     * @param choice the choice's name, or null for None
     * @return its stored value, its index
     * @throws IllegalArgumentException naming this hyperparameter, its choices and {@code choice}
     */
    public double indexOf(String choice) {
        if (choice == null && isChoice() && acceptsNone()) {
            return noneValue; // None listed among the choices, or standing for the default (orNone)
        }
        int i = choices().indexOf(choice);
        if (!isChoice() || i < 0) {
            throw new IllegalArgumentException(name + " must be " + describeChoices() + ", got "
                    + (choice == null ? "None" : "'" + choice + "'"));
        }
        return i;
    }

    /**
     * The name of the choice stored as {@code value} (null for None).
     *
     * @param value a stored value of this choice
     * @return the choice's name, or null for None
     * @throws IllegalArgumentException if {@code value} is not valid or this is not a choice among names
     */
    public String choiceAt(double value) {
        check(value);
        if (!isChoice()) {
            throw new IllegalArgumentException(name + " is not a choice among names");
        }
        return choices.get((int) value);
    }

    private String describeChoices() {
        if (!isChoice()) {
            return "a number, not a name";
        }
        return "one of " + choices.stream().map(c -> c == null ? "None" : "'" + c + "'")
                .collect(Collectors.joining(", "));
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
        if (value == noneValue) {
            return;
        }
        boolean lowOk = minInclusive ? value >= min : value > min;
        boolean highOk = maxInclusive ? value <= max : value < max;
        if (!(lowOk && highOk) || (whole && value != Math.rint(value))) {
            throw new IllegalArgumentException(name + " must be " + requirement() + ", got " + format(value));
        }
    }

    private String requirement() {
        if (isChoice()) {
            return describeChoices() + ", stored as 0 to " + (choices.size() - 1);
        }
        if (whole) {
            String count = "a whole number " + (max == Integer.MAX_VALUE ? ">= " + format(min)
                    : "in [" + format(min) + ", " + format(max) + "]");
            return acceptsNone() ? "None (" + format(noneValue) + ") or " + count : count;
        }
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
