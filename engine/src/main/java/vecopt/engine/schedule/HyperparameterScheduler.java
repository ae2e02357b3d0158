package vecopt.engine.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Drives one hyperparameter of every group of an optimizer by a {@link Schedule}, like a PyTorch
 * {@code lr_scheduler}: call {@link #step()} once per epoch (or per batch, for per-iteration
 * schedules). Each group's value when attached is its {@code initial}; attaching sets the value for
 * {@code t = 0}. Any hyperparameter works: {@code "lr"}, {@code "momentum"}, {@code "beta1"}, ...
 *
 * <p>A checkpoint holds its position ({@link Checkpointable}): the step count {@code t} and every
 * group's {@code initial}, which a scheduler attached to a fresh optimizer could not know. The
 * schedule itself is code and is not saved: attach the same schedule before loading.
 */
public final class HyperparameterScheduler implements Checkpointable {

    private final Optimizer optimizer;
    private final List<ParamGroup> groups;
    private final String name;
    private final Schedule schedule;
    private final double[] initial;
    private long t;

    public HyperparameterScheduler(Optimizer optimizer, String name, Schedule schedule) {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must not be null");
        }
        this.optimizer = optimizer;
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

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@code "HyperparameterScheduler(<hyperparameter>)"}. */
    @Override
    public String checkpointName() {
        return "HyperparameterScheduler(" + name + ")";
    }

    /** {@code t}, then {@code initial.0}, {@code initial.1}, ...: each group's value when attached. */
    @Override
    public Map<String, Number> checkpointState() {
        Map<String, Number> state = new LinkedHashMap<>();
        state.put("t", t);
        for (int i = 0; i < initial.length; i++) {
            state.put("initial." + i, initial[i]);
        }
        return Collections.unmodifiableMap(state);
    }

    /**
     * Checks a saved {@code t} (a whole number {@code >= 0}) and one finite {@code initial.<g>} per
     * group this scheduler drives. Installing them sets no hyperparameter: the checkpoint restores the
     * groups' values, and the next {@link #step()} sets what the uninterrupted run's would.
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        List<String> keys = new ArrayList<>();
        keys.add("t");
        for (int i = 0; i < initial.length; i++) {
            keys.add("initial." + i);
        }
        SavedState.requireKeys(state, keys);
        long savedT = SavedState.whole(state, "t", 0, Long.MAX_VALUE);
        double[] savedInitial = new double[initial.length];
        for (int i = 0; i < savedInitial.length; i++) {
            savedInitial[i] = SavedState.real(state, "initial." + i, false);
        }
        return () -> {
            t = savedT;
            System.arraycopy(savedInitial, 0, initial, 0, initial.length);
        };
    }
}
