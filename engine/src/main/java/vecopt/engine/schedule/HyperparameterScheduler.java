package vecopt.engine.schedule;

import java.util.List;
import java.util.Map;
import vecopt.engine.Hyperparameter;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Drives one hyperparameter of every group of an optimizer by a {@link Schedule}, like a PyTorch
 * {@code lr_scheduler}: call {@link #step()} once per epoch (or per batch, for per-iteration
 * schedules). Each group's value when attached is its {@code initial}; attaching sets the value for
 * {@code t = 0}. Any numeric hyperparameter works: {@code "lr"}, {@code "momentum"}, {@code "beta1"}, ...
 *
 * <p>Each step moves every group's current value with {@link Schedule#nextValue}, so schedulers
 * compose as PyTorch's chainable ones do: several schedulers of one hyperparameter, stepped one after
 * the other (or by one {@link ChainedScheduler}), each multiply in their own factor, and a value changed
 * by hand or by {@link ReduceOnPlateau} between steps is carried on. Closed-form schedules
 * ({@link LambdaFactor}, {@link OneCycle}, {@link CosineWarmRestarts}, lambdas) set their value instead.
 * One difference from PyTorch: a scheduler's {@code initial} is the group's value when that scheduler
 * was attached, where PyTorch keeps the first scheduler's ({@code initial_lr}) for all.
 *
 * <p>A step is all or nothing: every group's new value is computed and validated before any is set,
 * and the step count moves on only once all are. A value the schedule cannot give (such as
 * {@link OneCycle} past its end, an {@link IllegalStateException}) or the optimizer refuses (a negative
 * learning rate, an {@link IllegalArgumentException} naming the step, the group and the value) leaves
 * {@link #steps()} and every group's value as they were, so the same step can be tried again.
 *
 * <p>A scheduler drives the groups the optimizer has when it is created, as PyTorch's schedulers do
 * (their {@code base_lrs}). A group added later is not skipped silently: {@link #step()} refuses
 * with an {@link IllegalStateException} naming it, before anything changes. Create the scheduler
 * after adding every group.
 *
 * <p>A checkpoint holds its position ({@link Checkpointable}): the step count {@code t} and every
 * group's {@code initial}, which a scheduler attached to a fresh optimizer could not know, like
 * PyTorch's {@code last_epoch} and {@code base_lrs}; the current values are the groups', which the
 * optimizer's part of the checkpoint holds. The schedule itself is code and is not saved (PyTorch's
 * {@code LambdaLR} leaves its functions out too): attach the same schedule before loading.
 */
public final class HyperparameterScheduler implements Checkpointable {

    private final Optimizer optimizer;
    private final List<ParamGroup> groups;
    private final String name;
    private final Schedule schedule;
    private final double[] initial;
    private long t;

    /**
     * Attaches {@code schedule} to the hyperparameter {@code name} of every group {@code optimizer} has,
     * and sets each group's value for {@code t = 0}.
     *
     * @param optimizer the optimizer whose groups it drives
     * @param name the hyperparameter's PyTorch name, such as {@code "lr"}
     * @param schedule the value as a function of the step
     * @throws IllegalArgumentException naming the argument if one is null, {@code name} is not a numeric
     *     hyperparameter of the optimizer, or a value at {@code t = 0} is refused; nothing changes then
     */
    public HyperparameterScheduler(Optimizer optimizer, String name, Schedule schedule) {
        Checks.notNull("optimizer", optimizer);
        Checks.notNull("name", name);
        Checks.notNull("schedule", schedule);
        this.optimizer = optimizer;
        this.groups = optimizer.paramGroups();
        this.name = name;
        this.schedule = schedule;
        Hyperparameters defaults = optimizer.defaultHyperparameters();
        defaults.get(name); // refuses a name the optimizer does not have, listing those it has
        for (Hyperparameter h : defaults.definitions()) {
            if (h.name().equals(name) && h.isFlag()) {
                throw new IllegalArgumentException("name must be a numeric hyperparameter, got " + name + ", a flag");
            }
        }
        this.initial = new double[groups.size()];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = groups.get(i).hyperparameters().get(name);
        }
        apply(0);
    }

    /**
     * Advances to the next step and sets every group's value; all or nothing.
     *
     * @throws IllegalStateException if a group was added to the optimizer after this scheduler was
     *     created, or the schedule has no next step ({@link OneCycle} past its end)
     * @throws IllegalArgumentException if the optimizer refuses a new value, naming the step and group
     */
    public void step() {
        if (t == Long.MAX_VALUE) {
            throw new IllegalStateException(checkpointName() + " has taken " + t + " steps, the most it counts");
        }
        apply(t + 1);
        t++;
    }

    /** {@return the number of steps taken so far} */
    public long steps() {
        return t;
    }

    /**
     * The current value in group {@code g}.
     *
     * @param g the group's index
     * @return the value
     */
    public double value(int g) {
        if (g < 0 || g >= groups.size()) {
            throw new IllegalArgumentException("g must be in [0, " + groups.size() + "), got " + g);
        }
        return groups.get(g).hyperparameters().get(name);
    }

    /** Puts the step count back to {@code steps} taken, for a {@link ChainedScheduler} undoing a step. */
    void rewind(long steps) {
        t = steps;
    }

    /** The groups this drives. */
    List<ParamGroup> groups() {
        return groups;
    }

    /**
     * Sets every group's value for step {@code step} (its closed form at 0, else the next value from the
     * group's current one), after computing and validating all of them.
     */
    private void apply(long step) {
        if (groups.size() != initial.length) {
            throw new IllegalStateException("group " + initial.length + " was added to the optimizer after "
                    + checkpointName() + " was created, which drives groups 0 to " + (initial.length - 1)
                    + " only; create the scheduler after adding every group");
        }
        Hyperparameters[] before = new Hyperparameters[initial.length];
        Hyperparameters[] after = new Hyperparameters[initial.length];
        for (int i = 0; i < initial.length; i++) {
            before[i] = groups.get(i).hyperparameters();
            double value = step == 0 ? schedule.valueAt(0, initial[i])
                    : schedule.nextValue(step, before[i].get(name), initial[i]);
            try {
                after[i] = before[i].with(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(checkpointName() + " step " + step + ", group " + i + ": "
                        + e.getMessage(), e);
            }
        }
        GroupValues.setAll(groups, before, after);
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
        return SavedState.stepAndPerGroup(t, "initial", initial);
    }

    /**
     * Checks a saved {@code t} (a whole number {@code >= 0} that the schedule defines: a rejected step
     * never advances {@code t}, so a saved one is always a step that was taken; checked with one call of
     * the schedule, {@code nextValue(t, ...)} for {@code t >= 1}) and one finite {@code initial.<g>} per
     * group this scheduler drives. Installing them sets no hyperparameter: the checkpoint restores the
     * groups' values, and the next {@link #step()} moves them on as the uninterrupted run's would.
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        SavedState.requireKeys(state, SavedState.stepAndPerGroupKeys("initial", initial.length));
        long savedT = SavedState.whole(state, "t", 0, Long.MAX_VALUE);
        double[] savedInitial = new double[initial.length];
        for (int i = 0; i < savedInitial.length; i++) {
            savedInitial[i] = SavedState.real(state, "initial." + i, false);
        }
        for (double value : savedInitial) {
            try {
                if (savedT == 0) {
                    schedule.valueAt(0, value);
                } else {
                    schedule.nextValue(savedT, value, value);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("t " + savedT + " is not a step of this scheduler's schedule: "
                        + e.getMessage(), e);
            }
        }
        return () -> {
            t = savedT;
            System.arraycopy(savedInitial, 0, initial, 0, initial.length);
        };
    }
}
