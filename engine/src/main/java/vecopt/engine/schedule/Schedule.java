package vecopt.engine.schedule;

/**
 * A hyperparameter's value as a function of the scheduler's step count {@code t} (0 before the first
 * {@link HyperparameterScheduler#step()}) and the value the group had when the scheduler was
 * attached. Schedules are pure functions; PyTorch's {@code lr_scheduler} classes are their models.
 *
 * <p>Two forms, as in PyTorch. {@link #valueAt} is the closed form. {@link #nextValue} is the form a
 * scheduler steps with: the chainable schedules ({@link StepDecay}, {@link MultiStepDecay},
 * {@link ExponentialDecay}, {@link InverseTimeDecay}, {@link PolynomialDecay}, {@link LinearFactor},
 * {@link CosineAnnealing}, {@link MultiplicativeFactor}) move the group's current value by their own
 * factor, so several schedulers on one hyperparameter compose: {@code StepDecay(1, 0.5)} with
 * {@code ExponentialDecay(0.9)} from 1.0 gives 0.45, then 0.2025. The others ({@link LambdaFactor},
 * {@link CosineWarmRestarts}, {@link LinearRamp}, {@link OneCycle}'s, and any lambda) set their closed
 * form and so override what another scheduler did before them in the same step, as PyTorch's
 * {@code LambdaLR}, {@code CosineAnnealingWarmRestarts} and {@code OneCycleLR} do.
 */
@FunctionalInterface
public interface Schedule {

    /**
     * The value at step {@code t >= 0} for a group whose value was {@code initial} at attachment. The
     * schedules of this package throw {@link IllegalArgumentException} for {@code t < 0}, and
     * {@link IllegalStateException} for a {@code t} past their end (only {@link OneCycle} has one).
     *
     * @param t the step, from 0
     * @param initial the group's value at attachment
     * @return the value
     */
    double valueAt(long t, double initial);

    /**
     * The value at step {@code t >= 1} for a group whose value is {@code current} now: what this schedule
     * gave at step {@code t - 1}, changed by whatever other schedulers of the same hyperparameter did
     * since. A chainable schedule returns {@code current} moved by its step from {@code t - 1} to
     * {@code t} (PyTorch's {@code get_lr}), which is {@code valueAt(t, initial)} when nothing else
     * changed the value; by default, the closed form {@code valueAt(t, initial)}, ignoring {@code current}.
     *
     * @param t the step, from 1
     * @param current the group's value now, after step {@code t - 1}
     * @param initial the group's value at attachment
     * @return the value at step {@code t}
     */
    default double nextValue(long t, double current, double initial) {
        return valueAt(t, initial);
    }

    /**
     * This schedule for {@code t < milestone}, then {@code next} restarted at {@code t - milestone}.
     *
     * @param milestone the step at which {@code next} takes over
     * @param next the schedule from then on
     * @return the combined schedule
     */
    default Schedule then(long milestone, Schedule next) {
        Checks.notNull("next", next);
        return new SequentialSchedule(this, milestone, next);
    }
}
