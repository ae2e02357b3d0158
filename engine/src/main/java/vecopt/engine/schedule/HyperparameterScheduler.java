package vecopt.engine.schedule;

import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;

/**
 * Drives one hyperparameter of every group of an optimizer by a {@link Schedule}, like a PyTorch
 * {@code lr_scheduler}: call {@link #step()} once per epoch (or per batch, for per-iteration
 * schedules). Each group's value when attached is its {@code initial}; attaching sets the value for
 * {@code t = 0}. Any hyperparameter works: {@code "lr"}, {@code "momentum"}, {@code "beta1"}, ...
 */
public final class HyperparameterScheduler {

    private final List<ParamGroup> groups;
    private final String name;
    private final Schedule schedule;
    private final double[] initial;
    private long t;

    public HyperparameterScheduler(Optimizer optimizer, String name, Schedule schedule) {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must not be null");
        }
        this.groups = optimizer.paramGroups();
        this.name = name;
        this.schedule = schedule;
        this.initial = new double[groups.size()];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = groups.get(i).hyperparameters().get(name);
        }
        apply();
    }

    /** Advances to the next step and sets every group's value. */
    public void step() {
        t++;
        apply();
    }

    /** Steps taken so far. */
    public long steps() {
        return t;
    }

    /** The current value in group {@code g}. */
    public double value(int g) {
        return groups.get(g).hyperparameters().get(name);
    }

    private void apply() {
        // Validate every group's new value before changing any, so a rejected value changes nothing.
        double[] values = new double[initial.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = schedule.valueAt(t, initial[i]);
            groups.get(i).hyperparameters().with(name, values[i]);
        }
        for (int i = 0; i < values.length; i++) {
            groups.get(i).set(name, values[i]);
        }
    }
}
