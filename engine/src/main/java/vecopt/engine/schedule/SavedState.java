package vecopt.engine.schedule;

import java.util.List;
import java.util.Map;

/** Reads a saved scheduler position entry by entry; messages name the entry and its value. */
final class SavedState {

    private SavedState() {
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
