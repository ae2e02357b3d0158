package vecopt.engine.reference;

import java.util.Arrays;
import java.util.List;

/** Small helpers shared by the textbook optimizers: argument checks and state look-up errors. */
final class TextbookSupport {

    private TextbookSupport() {}

    /**
     * Checks that {@code params} and {@code grads} have the same length and, once state exists
     * ({@code stateLength >= 0}), that this length equals the state's.
     *
     * @param stateLength the length of the state buffers, or -1 before the first step
     * @return the common length
     */
    static int checkLengths(double[] params, double[] grads, int stateLength) {
        if (params == null || grads == null) {
            throw new IllegalArgumentException("params and grads must not be null");
        }
        if (params.length != grads.length) {
            throw new IllegalArgumentException(
                    "params has " + params.length + " elements but grads has " + grads.length);
        }
        if (stateLength >= 0 && params.length != stateLength) {
            throw new IllegalArgumentException(
                    "state was sized for " + stateLength + " elements on the first step, got "
                            + params.length);
        }
        return params.length;
    }

    /** A copy of {@code buffer}, or an empty array before the first step (buffer still null). */
    static double[] copy(double[] buffer) {
        return buffer == null ? new double[0] : Arrays.copyOf(buffer, buffer.length);
    }

    /** A 1-element array holding {@code value}. */
    static double[] scalar(double value) {
        return new double[] {value};
    }

    /** The exception for a state name this optimizer does not have. */
    static IllegalArgumentException unknownState(
            String optimizer, String name, List<String> known) {
        return new IllegalArgumentException(
                optimizer + " has no state '" + name + "' (it has " + known + ")");
    }

    /** Throws unless {@code 0 <= value} (NaN fails too), with PyTorch's wording. */
    static void requireNonNegative(double value, String what) {
        if (!(0.0 <= value)) {
            throw new IllegalArgumentException("Invalid " + what + ": " + value);
        }
    }

    /** Throws unless {@code 0 <= beta < 1}, with PyTorch's wording. */
    static void requireBeta(double beta, int index) {
        if (!(0.0 <= beta && beta < 1.0)) {
            throw new IllegalArgumentException(
                    "Invalid beta parameter at index " + index + ": " + beta);
        }
    }
}
