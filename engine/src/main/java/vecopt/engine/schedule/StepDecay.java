package vecopt.engine.schedule;

/**
 * {@code initial * gamma^floor(t / stepSize)}: for example halve every 7 epochs. PyTorch's
 * {@code StepLR}.
 *
 * @param stepSize steps between two multiplications
 * @param gamma the factor
 */
public record StepDecay(long stepSize, double gamma) implements Schedule {

    /** Checks {@code stepSize} and {@code gamma}. */
    public StepDecay {
        Checks.positive("stepSize", stepSize);
        Checks.nonNegative("gamma", gamma);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return initial * Math.pow(gamma, t / stepSize);
    }

    /** {@code current * gamma} at every multiple of {@code stepSize}, else {@code current}. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        return t % stepSize == 0 ? current * gamma : current;
    }
}
