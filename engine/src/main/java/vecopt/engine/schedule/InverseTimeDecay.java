package vecopt.engine.schedule;

/**
 * {@code initial / (1 + rate * t)}, the 1/t decay of stochastic approximation.
 *
 * @param rate the decay rate
 */
public record InverseTimeDecay(double rate) implements Schedule {

    /** Checks that {@code rate} is not negative. */
    public InverseTimeDecay {
        Checks.nonNegative("rate", rate);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return initial / (1 + rate * t);
    }

    /** {@code current * (1 + rate * (t - 1)) / (1 + rate * t)}. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        return current * (1 + rate * (t - 1)) / (1 + rate * t);
    }
}
