package vecopt.engine.schedule;

/**
 * A hyperparameter's value as a function of the scheduler's step count {@code t} (0 before the first
 * {@link HyperparameterScheduler#step()}) and the value the group had when the scheduler was
 * attached. Schedules are pure functions; PyTorch's {@code lr_scheduler} classes are their models.
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
