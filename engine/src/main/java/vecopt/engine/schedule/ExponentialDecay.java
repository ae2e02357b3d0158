package vecopt.engine.schedule;

/**
 * {@code initial * gamma^t}. PyTorch's {@code ExponentialLR}.
 *
 * @param gamma the factor per step
 */
public record ExponentialDecay(double gamma) implements Schedule {

    /** Checks that {@code gamma} is not negative. */
    public ExponentialDecay {
        Checks.nonNegative("gamma", gamma);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return initial * Math.pow(gamma, t);
    }

    /** {@code current * gamma}. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        return current * gamma;
    }
}
