package vecopt.engine.schedule;

import java.util.function.LongToDoubleFunction;

/**
 * Multiplies the value by {@code factor(t)} at every step {@code t >= 1}: {@code current * factor(t)}.
 * PyTorch's {@code MultiplicativeLR}, chainable like it, so it composes with other schedulers of the same
 * hyperparameter. Its closed form is {@code initial * factor(1) * ... * factor(t)}.
 *
 * <p>A checkpoint cannot hold the function. It holds the scheduler's position (the step count), and the
 * optimizer's part holds the value the next step multiplies; give the resumed scheduler the same function.
 *
 * @param factor the factor applied at step {@code t >= 1}; each value it returns must be finite
 */
public record MultiplicativeFactor(LongToDoubleFunction factor) implements Schedule {

    /** Checks that {@code factor} is not null. */
    public MultiplicativeFactor {
        Checks.notNull("factor", factor);
    }

    /**
     * {@code initial} times every factor from step 1 to {@code t}; it calls the function {@code t} times.
     *
     * @throws IllegalArgumentException if {@code t < 0} or a factor is not finite, naming the step and value
     */
    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        double value = initial;
        for (long k = 1; k <= t; k++) {
            value *= LambdaFactor.factorAt(factor, k);
        }
        return value;
    }

    /** {@code current * factor(t)}. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        return current * LambdaFactor.factorAt(factor, t);
    }
}
