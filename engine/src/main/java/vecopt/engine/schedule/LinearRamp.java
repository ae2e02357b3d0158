package vecopt.engine.schedule;

/**
 * {@code from + (to - from) * min(t, steps) / steps}, independent of the initial value: momentum
 * annealing such as 0.5 to 0.9 (or to 0.99) over the first epochs.
 *
 * @param from the value at step 0
 * @param to the value from step {@code steps} on
 * @param steps the length of the ramp
 */
public record LinearRamp(double from, double to, long steps) implements Schedule {

    /** Checks the values and {@code steps}. */
    public LinearRamp {
        Checks.finite("from", from);
        Checks.finite("to", to);
        Checks.positive("steps", steps);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return from + (to - from) * Math.min(t, steps) / steps;
    }
}
