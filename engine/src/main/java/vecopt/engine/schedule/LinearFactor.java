package vecopt.engine.schedule;

/**
 * {@code initial * (startFactor + (endFactor - startFactor) * min(t, steps) / steps)}: linear warmup
 * from a fraction of the initial value (or linear decay to one). PyTorch's {@code LinearLR}.
 *
 * @param startFactor the fraction of the initial value at step 0, in (0, 1]
 * @param endFactor the fraction from step {@code steps} on, in [0, 1]
 * @param steps the length of the ramp
 */
public record LinearFactor(double startFactor, double endFactor, long steps) implements Schedule {

    /** Checks the factors and {@code steps}. */
    public LinearFactor {
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("startFactor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("endFactor must be in [0, 1], got " + endFactor);
        }
        Checks.positive("steps", steps);
    }

    /**
     * Linear warmup from {@code startFactor * initial} to the initial value over {@code steps}.
     *
     * @param startFactor the fraction of the initial value at step 0
     * @param steps the length of the warmup
     * @return the schedule
     */
    public static LinearFactor warmup(double startFactor, long steps) {
        return new LinearFactor(startFactor, 1.0, steps);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return initial * (startFactor + (endFactor - startFactor) * Math.min(t, steps) / steps);
    }

    /**
     * {@code current * (1 + (end - start) / (steps * start + (t - 1) * (end - start)))} up to {@code steps},
     * then {@code current}, as PyTorch's {@code LinearLR} steps (the divisor is {@code steps} times the
     * factor at {@code t - 1}, which is positive before {@code steps}).
     */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        if (t > steps) {
            return current;
        }
        double slope = endFactor - startFactor;
        return current * (1.0 + slope / (steps * startFactor + (t - 1) * slope));
    }
}
