package vecopt.engine.schedule;

/**
 * {@code first} until {@code milestone}, then {@code second} counted from the milestone: warmup
 * followed by cosine, for example. PyTorch's {@code SequentialLR}, whose schedules all start from the
 * group's initial value.
 *
 * @param first the schedule before the milestone
 * @param milestone the step at which {@code second} takes over
 * @param second the schedule from the milestone on, counted from 0 there
 */
public record SequentialSchedule(Schedule first, long milestone, Schedule second) implements Schedule {

    /** Checks the components. */
    public SequentialSchedule {
        Checks.notNull("first", first);
        Checks.notNull("second", second);
        Checks.positive("milestone", milestone);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        return t < milestone ? first.valueAt(t, initial) : second.valueAt(t - milestone, initial);
    }

    /** {@code first} stepping until the milestone, {@code second}'s closed form at it, {@code second} stepping after. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        if (t < milestone) {
            return first.nextValue(t, current, initial);
        }
        return t == milestone ? second.valueAt(0, initial) : second.nextValue(t - milestone, current, initial);
    }
}
