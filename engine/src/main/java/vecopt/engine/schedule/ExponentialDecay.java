package vecopt.engine.schedule;

/** {@code initial * gamma^t}. PyTorch's {@code ExponentialLR}. */
public record ExponentialDecay(double gamma) implements Schedule {

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
