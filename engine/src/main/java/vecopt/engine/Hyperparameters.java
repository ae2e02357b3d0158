package vecopt.engine;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An immutable, validated set of hyperparameter values for one optimizer kind. Every {@code with}
 * returns a new instance after checking the changed value and the combination; a rejected change
 * throws {@link IllegalArgumentException} and leaves nothing changed.
 */
public final class Hyperparameters {

    private final List<Hyperparameter> definitions;
    private final Consumer<Hyperparameters> combinationCheck;
    private final double[] values;

    private Hyperparameters(List<Hyperparameter> definitions, Consumer<Hyperparameters> combinationCheck,
                            double[] values) {
        this.definitions = definitions;
        this.combinationCheck = combinationCheck;
        this.values = values;
    }

    /**
     * The defaults of a rule's {@code definitions}, for its {@link Rule} descriptor;
     * {@code combinationCheck} throws {@link IllegalArgumentException} on invalid combinations.
     *
     * @param definitions the rule's hyperparameters, with their defaults
     * @param combinationCheck checks a combination of values
     * @return the defaults
     */
    public static Hyperparameters defaults(List<Hyperparameter> definitions, Consumer<Hyperparameters> combinationCheck) {
        double[] values = new double[definitions.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = definitions.get(i).defaultValue();
        }
        Hyperparameters h = new Hyperparameters(List.copyOf(definitions), combinationCheck, values);
        combinationCheck.accept(h);
        return h;
    }

    /**
     * The value of {@code h}.
     *
     * @param h the hyperparameter
     * @return its value
     */
    public double get(Hyperparameter h) {
        return values[indexOf(h)];
    }

    /**
     * The value of the hyperparameter called {@code name}.
     *
     * @param name the PyTorch name
     * @return its value
     */
    public double get(String name) {
        return values[indexOf(name)];
    }

    /**
     * The value of the flag {@code h}.
     *
     * @param h the flag
     * @return its value
     */
    public boolean flag(Hyperparameter h) {
        return values[indexOf(h)] != 0;
    }

    /**
     * The value of the flag called {@code name}.
     *
     * @param name the PyTorch name
     * @return its value
     */
    public boolean flag(String name) {
        int i = indexOf(name);
        if (!definitions.get(i).isFlag()) {
            throw new IllegalArgumentException(name + " is a number, not a flag");
        }
        return values[i] != 0;
    }

    /**
     * A copy with {@code h} set to {@code value}, after validation.
     *
     * @param h the hyperparameter
     * @param value its new value
     * @return the copy
     */
    public Hyperparameters with(Hyperparameter h, double value) {
        return with(indexOf(h), value);
    }

    /**
     * A copy with the flag {@code h} set, after validation.
     *
     * @param h the flag
     * @param value its new value
     * @return the copy
     */
    public Hyperparameters with(Hyperparameter h, boolean value) {
        return with(indexOf(h), value ? 1 : 0);
    }

    /**
     * A copy with the hyperparameter called {@code name} (its PyTorch name) set, after validation.
     *
     * @param name the PyTorch name
     * @param value its new value
     * @return the copy
     */
    public Hyperparameters with(String name, double value) {
        return with(indexOf(name), value);
    }

    /**
     * A copy with the flag called {@code name} set, after validation.
     *
     * @param name the PyTorch name
     * @param value its new value
     * @return the copy
     */
    public Hyperparameters with(String name, boolean value) {
        int i = indexOf(name);
        if (!definitions.get(i).isFlag()) {
            throw new IllegalArgumentException(name + " is a number, not a flag, got " + value);
        }
        return with(i, value ? 1 : 0);
    }

    /**
     * A copy with the choice called {@code name} set to the choice {@code value} (null for PyTorch's
     * None), for example {@code with("line_search_fn", "strong_wolfe")}.
     *
     * @param name the choice's hyperparameter name
     * @param value the chosen name, or null for None
     * @return the copy
     */
    public Hyperparameters with(String name, String value) {
        int i = indexOf(name);
        return with(i, definitions.get(i).indexOf(value));
    }

    /**
     * A copy with the choice {@code h} set to {@code value} (null for None).
     *
     * @param h the choice
     * @param value the chosen name, or null for None
     * @return the copy
     */
    public Hyperparameters with(Hyperparameter h, String value) {
        return with(indexOf(h), h.indexOf(value));
    }

    /**
     * The name chosen for the choice called {@code name}, or null for PyTorch's None.
     *
     * @param name the choice's hyperparameter name
     * @return the chosen name, or null
     */
    public String choice(String name) {
        int i = indexOf(name);
        return definitions.get(i).choiceAt(values[i]);
    }

    /**
     * The name chosen for the choice {@code h}, or null for None.
     *
     * @param h the choice
     * @return the chosen name, or null
     */
    public String choice(Hyperparameter h) {
        return h.choiceAt(values[indexOf(h)]);
    }

    /**
     * Whether this kind of optimizer has a hyperparameter called {@code name}.
     *
     * @param name the PyTorch name
     * @return whether it exists
     */
    public boolean has(String name) {
        for (Hyperparameter d : definitions) {
            if (d.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@return the definitions, in declaration order} */
    public List<Hyperparameter> definitions() {
        return definitions;
    }

    /** {@return name to value, in declaration order; flags as 0 or 1} */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(definitions.get(i).name(), values[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * A copy with every value of {@code changes} (by PyTorch name) set: each value is checked, then the
     * combination once, so the order of the changes does not matter: {@code momentum} and
     * {@code nesterov} can be set together. Flags are 0 or 1.
     *
     * @param changes PyTorch names to new values
     * @return the copy
     */
    public Hyperparameters withValues(Map<String, Double> changes) {
        double[] copy = values.clone();
        for (Map.Entry<String, Double> e : changes.entrySet()) {
            int i = indexOf(e.getKey());
            double value = e.getValue();
            definitions.get(i).check(value);
            copy[i] = value;
        }
        Hyperparameters changed = new Hyperparameters(definitions, combinationCheck, copy);
        combinationCheck.accept(changed);
        return changed;
    }

    private Hyperparameters with(int i, double value) {
        definitions.get(i).check(value);
        double[] copy = values.clone();
        copy[i] = value;
        Hyperparameters changed = new Hyperparameters(definitions, combinationCheck, copy);
        combinationCheck.accept(changed);
        return changed;
    }

    private int indexOf(Hyperparameter h) {
        int i = definitions.indexOf(h);
        if (i < 0) {
            throw new IllegalArgumentException("this optimizer has no hyperparameter " + h.name()
                    + "; it has " + definitions);
        }
        return i;
    }

    private int indexOf(String name) {
        for (int i = 0; i < definitions.size(); i++) {
            if (definitions.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("this optimizer has no hyperparameter " + name + "; it has " + definitions);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hyperparameters other && definitions.equals(other.definitions)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
