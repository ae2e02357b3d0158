package vecopt.engine.schedule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Multiplies every group's learning rate by {@code factor} when a metric has not improved for more
 * than {@code patience} steps, as PyTorch's {@code ReduceLROnPlateau}: improvement is relative
 * ({@code threshold} fraction) or absolute, for a metric to minimize or maximize; after a reduction
 * {@code cooldown} steps pass before bad steps count again; the rate never goes below {@code minLr},
 * and changes smaller than {@code eps} are skipped.
 *
 * <p>It reduces every group the optimizer has at each step, including groups added after it was
 * created (it keeps nothing per group: {@code minLr} is one value for all), starting from the rate
 * each group has then. A step is all or nothing: the counters move on only once every reduced rate
 * has been accepted.
 *
 * <p>A checkpoint holds its counters ({@link Checkpointable}): the best metric so far, the bad steps
 * since it and the cooldown steps left. The reduced rates are the groups' {@code lr}, which the
 * optimizer's part of the checkpoint holds.
 */
public final class ReduceOnPlateau implements Checkpointable {

    private static final List<String> STATE_KEYS = List.of("best", "bad_steps", "cooldown_left");

    private final Optimizer optimizer;
    private final List<ParamGroup> groups;
    private final boolean maximize;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final boolean relative;
    private final int cooldown;
    private final double minLr;
    private final double eps;

    private double best;
    private int badSteps;
    private int cooldownLeft;

    /**
     * A scheduler with every option of PyTorch's {@code ReduceLROnPlateau}.
     *
     * @param optimizer the optimizer whose learning rates it reduces
     * @param maximize whether a larger metric is better ({@code mode="max"})
     * @param factor the multiplier of a reduction, in [0, 1)
     * @param patience bad steps tolerated before a reduction
     * @param threshold the smallest improvement that counts
     * @param relative whether {@code threshold} is a fraction of the best metric ({@code threshold_mode="rel"})
     * @param cooldown steps after a reduction during which bad steps do not count
     * @param minLr the smallest learning rate
     * @param eps the smallest change of a learning rate that is made
     */
    public ReduceOnPlateau(Optimizer optimizer, boolean maximize, double factor, int patience, double threshold,
                           boolean relative, int cooldown, double minLr, double eps) {
        Checks.notNull("optimizer", optimizer);
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in [0, 1), got " + factor);
        }
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        }
        if (cooldown < 0) {
            throw new IllegalArgumentException("cooldown must be >= 0, got " + cooldown);
        }
        this.optimizer = optimizer;
        this.groups = optimizer.paramGroups();
        this.maximize = maximize;
        this.factor = factor;
        this.patience = patience;
        this.threshold = Checks.nonNegative("threshold", threshold);
        this.relative = relative;
        this.cooldown = cooldown;
        this.minLr = Checks.nonNegative("minLr", minLr);
        this.eps = Checks.nonNegative("eps", eps);
        this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /**
     * PyTorch's defaults: minimize, factor 0.1, patience 10, relative threshold 1e-4, no cooldown.
     *
     * @param optimizer the optimizer whose learning rates it reduces
     * @return the scheduler
     */
    public static ReduceOnPlateau of(Optimizer optimizer) {
        return new ReduceOnPlateau(optimizer, false, 0.1, 10, 1e-4, true, 0, 0, 1e-8);
    }

    /**
     * Records this step's metric and reduces the learning rate if it has plateaued; all or nothing.
     *
     * @param metric this step's metric, such as the validation loss
     * @throws IllegalArgumentException if {@code metric} is NaN; nothing changes then
     */
    public void step(double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("metric must not be NaN");
        }
        double newBest = best;
        int newBadSteps = badSteps;
        int newCooldownLeft = cooldownLeft;
        if (isBetter(metric)) {
            newBest = metric;
            newBadSteps = 0;
        } else {
            newBadSteps++;
        }
        if (newCooldownLeft > 0) {
            newCooldownLeft--;
            newBadSteps = 0;
        }
        if (newBadSteps > patience) {
            reduce();
            newCooldownLeft = cooldown;
            newBadSteps = 0;
        }
        best = newBest;
        badSteps = newBadSteps;
        cooldownLeft = newCooldownLeft;
    }

    /** Multiplies every group's lr by {@code factor}, not below {@code minLr}, validating all first. */
    private void reduce() {
        List<ParamGroup> now = List.copyOf(groups);
        Hyperparameters[] before = new Hyperparameters[now.size()];
        Hyperparameters[] after = new Hyperparameters[now.size()];
        for (int i = 0; i < before.length; i++) {
            before[i] = now.get(i).hyperparameters();
            double old = before[i].get("lr");
            double reduced = Math.max(old * factor, minLr);
            after[i] = old - reduced > eps ? before[i].with("lr", reduced) : before[i];
        }
        GroupValues.setAll(now, before, after);
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * {@code "ReduceOnPlateau(min)"} or {@code "ReduceOnPlateau(max)"}: a best metric saved while
     * minimizing means nothing to a scheduler that maximizes.
     */
    @Override
    public String checkpointName() {
        return "ReduceOnPlateau(" + (maximize ? "max" : "min") + ")";
    }

    /** {@code best} (infinite before the first step), {@code bad_steps} and {@code cooldown_left}. */
    @Override
    public Map<String, Number> checkpointState() {
        Map<String, Number> state = new LinkedHashMap<>();
        state.put("best", best);
        state.put("bad_steps", (long) badSteps);
        state.put("cooldown_left", (long) cooldownLeft);
        return Collections.unmodifiableMap(state);
    }

    /**
     * Checks a saved {@code best} (any double but NaN), {@code bad_steps} in {@code [0, patience]} and
     * {@code cooldown_left} in {@code [0, cooldown]}, and no bad steps while a cooldown runs: after a
     * {@link #step}, the counters always satisfy these with this scheduler's settings.
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        SavedState.requireKeys(state, STATE_KEYS);
        double savedBest = SavedState.real(state, "best", true);
        int savedBadSteps = (int) SavedState.whole(state, "bad_steps", 0, patience);
        int savedCooldownLeft = (int) SavedState.whole(state, "cooldown_left", 0, cooldown);
        if (savedCooldownLeft > 0 && savedBadSteps > 0) {
            throw new IllegalArgumentException("bad_steps must be 0 while a cooldown runs, got bad_steps "
                    + savedBadSteps + " with cooldown_left " + savedCooldownLeft);
        }
        return () -> {
            best = savedBest;
            badSteps = savedBadSteps;
            cooldownLeft = savedCooldownLeft;
        };
    }

    private boolean isBetter(double metric) {
        if (maximize) {
            return relative ? metric > best * (1 + threshold) : metric > best + threshold;
        }
        return relative ? metric < best * (1 - threshold) : metric < best - threshold;
    }
}
