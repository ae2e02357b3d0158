package vecopt.engine.schedule;

/** Argument checks shared by the schedules; messages name the argument and its value. */
final class Checks {

    private Checks() {
    }

    static double positive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, got " + value);
        }
        return value;
    }

    static double nonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite, got " + value);
        }
        return value;
    }

    static long positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
        return value;
    }

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
        return value;
    }

    static double inOpenUnit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
        }
        return value;
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /** A step a scheduler moves to, {@code t >= 1}: the one after {@code t - 1}. */
    static long nextStep(long t) {
        if (t < 1) {
            throw new IllegalArgumentException("t must be >= 1, got " + t);
        }
        return t;
    }

    /** A schedule's step count {@code t}, which starts at 0. */
    static long step(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("t must be >= 0, got " + t);
        }
        return t;
    }
}
