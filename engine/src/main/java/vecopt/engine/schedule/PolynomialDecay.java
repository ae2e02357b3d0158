package vecopt.engine.schedule;

/**
 * {@code initial * (1 - min(t, totalSteps) / totalSteps)^power}, reaching 0 at {@code totalSteps}.
 * PyTorch's {@code PolynomialLR}.
 *
 * @param totalSteps the step at which the value reaches 0
 * @param power the exponent
 */
public record PolynomialDecay(long totalSteps, double power) implements Schedule {

    /** Checks {@code totalSteps} and {@code power}. */
    public PolynomialDecay {
        Checks.positive("totalSteps", totalSteps);
        Checks.nonNegative("power", power);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        double remaining = 1 - (double) Math.min(t, totalSteps) / totalSteps;
        return initial * Math.pow(remaining, power);
    }

    /**
     * {@code current * ((1 - t / totalSteps) / (1 - (t - 1) / totalSteps))^power} up to {@code totalSteps},
     * then {@code current}, as PyTorch's {@code PolynomialLR} steps.
     */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        if (t > totalSteps) {
            return current;
        }
        double factor = (1.0 - (double) t / totalSteps) / (1.0 - (double) (t - 1) / totalSteps);
        return current * Math.pow(factor, power);
    }
}
