package vecopt.engine.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a saved scheduler position entry by entry; messages name the entry and its value. */
final class SavedState {

    private SavedState() {
    }

    /**
     * The position of a scheduler that keeps a step {@code t} and one value per group: {@code t}, then
     * {@code <prefix>.0}, {@code <prefix>.1}, ... in group order.
     */
    static Map<String, Number> stepAndPerGroup(long t, String prefix, double[] perGroup) {
        Map<String, Number> state = new LinkedHashMap<>();
        state.put("t", t);
        for (int g = 0; g < perGroup.length; g++) {
            state.put(prefix + "." + g, perGroup[g]);
        }
        return Collections.unmodifiableMap(state);
    }

    /** The entries {@link #stepAndPerGroup} writes for {@code groups} groups, to check with {@link #requireKeys}. */
    static List<String> stepAndPerGroupKeys(String prefix, int groups) {
        List<String> keys = new ArrayList<>();
        keys.add("t");
        for (int g = 0; g < groups; g++) {
            keys.add(prefix + "." + g);
        }
        return keys;
    }

    /** Checks that {@code state} holds exactly the entries {@code expected}, in any order. */
    static void requireKeys(Map<String, Number> state, List<String> expected) {
        if (state == null) {
            throw new IllegalArgumentException("state must not be null");
        }
        for (String key : expected) {
            if (!state.containsKey(key)) {
                throw new IllegalArgumentException("the saved state has no " + key + "; expected " + expected);
            }
        }
        for (String key : state.keySet()) {
            if (!expected.contains(key)) {
                throw new IllegalArgumentException("the saved state has an unknown entry " + key + "; expected "
                        + expected);
            }
        }
    }

    /** A whole number in {@code [min, max]}. */
    static long whole(Map<String, Number> state, String key, long min, long max) {
        if (!(state.get(key) instanceof Long value)) {
            throw new IllegalArgumentException(key + " must be a whole number, got " + describe(state.get(key)));
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + (max == Long.MAX_VALUE ? ">= " + min
                    : "in [" + min + ", " + max + "]") + ", got " + value);
        }
        return value;
    }

    /** A double, never NaN; infinite only if {@code infinityAllowed}. */
    static double real(Map<String, Number> state, String key, boolean infinityAllowed) {
        if (!(state.get(key) instanceof Double value)) {
            throw new IllegalArgumentException(key + " must be a floating-point number, got "
                    + describe(state.get(key)));
        }
        if (Double.isNaN(value) || (!infinityAllowed && Double.isInfinite(value))) {
            throw new IllegalArgumentException(key + " must be " + (infinityAllowed ? "a number" : "finite")
                    + ", got " + value);
        }
        return value;
    }

    private static String describe(Number n) {
        return n == null ? "null" : n + " (" + n.getClass().getSimpleName() + ")";
    }
}
