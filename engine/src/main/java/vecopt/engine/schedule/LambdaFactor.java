package vecopt.engine.schedule;

import java.util.function.LongToDoubleFunction;

/**
 * {@code initial * factor(t)}: any schedule written as a function of the step. PyTorch's {@code LambdaLR}.
 * Like it, this is a closed form: each step sets {@code initial * factor(t)} whatever another scheduler
 * did to the value before.
 *
 * <p>A checkpoint cannot hold the function, only the scheduler's position: its step count and each
 * group's initial value ({@link HyperparameterScheduler#checkpointState()}), PyTorch's
 * {@code last_epoch} and {@code base_lrs}. Give the resumed scheduler the same function.
 *
 * @param factor the factor at step {@code t >= 0}; each value it returns must be finite
 */
public record LambdaFactor(LongToDoubleFunction factor) implements Schedule {

    /** Checks that {@code factor} is not null. */
    public LambdaFactor {
        Checks.notNull("factor", factor);
    }

    /**
     * @throws IllegalArgumentException if {@code t < 0} or {@code factor(t)} is not finite, naming both
     */
    @Override
    public double valueAt(long t, double initial) {
        return initial * factorAt(factor, t);
    }

    /** {@code factor.applyAsDouble(t)}, checked to be finite. */
    static double factorAt(LongToDoubleFunction factor, long t) {
        Checks.step(t);
        double f = factor.applyAsDouble(t);
        if (!Double.isFinite(f)) {
            throw new IllegalArgumentException("factor(" + t + ") must be finite, got " + f);
        }
        return f;
    }
}
