package vecopt.engine.schedule;

/**
 * {@code first} until {@code milestone}, then {@code second} counted from the milestone: warmup
 * followed by cosine, for example. PyTorch's {@code SequentialLR}, whose schedules all start from the
 * group's initial value.
 */
public record SequentialSchedule(Schedule first, long milestone, Schedule second) implements Schedule {

    public SequentialSchedule {
        if (first == null || second == null) {
            throw new IllegalArgumentException("schedules must not be null");
        }
        Checks.positive("milestone", milestone);
    }

    @Override
    public double valueAt(long t, double initial) {
        return t < milestone ? first.valueAt(t, initial) : second.valueAt(t - milestone, initial);
    }
}
