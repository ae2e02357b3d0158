package vecopt.engine.schedule;

/**
 * {@code min + (initial - min) * (1 + cos(pi * t / period)) / 2}: from the initial value down to
 * {@code min} over {@code period} steps (and, as in PyTorch's {@code CosineAnnealingLR}, back up if
 * stepped past it).
 *
 * @param period steps from the initial value down to {@code min}
 * @param min the value at the end of the period
 */
public record CosineAnnealing(long period, double min) implements Schedule {

    /** Checks that {@code period} is positive and {@code min} finite. */
    public CosineAnnealing {
        Checks.positive("period", period);
        Checks.finite("min", min);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return min + (initial - min) * (1 + Math.cos(Math.PI * t / period)) / 2;
    }

    /**
     * PyTorch's recursive form: {@code min + (current - min) * (1 + cos(pi t / period)) / (1 + cos(pi (t - 1) / period))},
     * and where that divisor is 0 (leaving the bottom, {@code t - 1} an odd multiple of {@code period})
     * {@code current + (initial - min) * (1 - cos(pi / period)) / 2}.
     */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        long cycle = period > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * period;
        if (t - 1 >= period && (t - 1 - period) % cycle == 0) {
            return current + (initial - min) * (1 - Math.cos(Math.PI / period)) / 2;
        }
        return (1 + Math.cos(Math.PI * t / period)) / (1 + Math.cos(Math.PI * (t - 1) / period)) * (current - min) + min;
    }
}
