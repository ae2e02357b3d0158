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
}
