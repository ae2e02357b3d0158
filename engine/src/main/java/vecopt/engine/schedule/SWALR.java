package vecopt.engine.schedule;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * PyTorch's {@code torch.optim.swa_utils.SWALR}, the learning rate of stochastic weight averaging: it
 * anneals every group's {@code lr} from its value to {@code swa_lr} over {@code anneal_epochs} steps,
 * by a cosine or linearly, and holds it there. Call {@link #step()} once per epoch in the averaging
 * phase (another scheduler, or none, drives the rate before it), as with
 * {@link vecopt.engine.AveragedModel}'s explicit updates:
 * <pre>
 * SWALR swaScheduler = new SWALR(optimizer, 0.05);
 * for (int epoch = 0; epoch &lt; epochs; epoch++) {
 *     trainOneEpoch();
 *     if (epoch &gt; swaStart) { swa.updateParameters(); swaScheduler.step(); } else { cosine.step(); }
 * }
 * </pre>
 *
 * <p>The rates are torch 1.13's bit for bit: like PyTorch's, each step starts from the group's
 * <em>current</em> {@code lr}, works out the rate the annealing started from, and moves on, so the rate a
 * previous scheduler left is where the annealing starts. For step {@code s} (0 at construction, which sets
 * the rate for it as PyTorch's constructor does; {@code s = max(1, s)} when {@code anneal_epochs} is 0):
 * <pre>
 * f(x)        = (1 - cos(pi * x)) / 2    (cos)      or    x    (linear)
 * prev_alpha  = f(clamp((s - 1) / max(1, anneal_epochs), 0, 1))
 * start_lr    = prev_alpha == 1 ? swa_lr : (lr - prev_alpha * swa_lr) / (1 - prev_alpha)
 * alpha       = f(clamp(s / max(1, anneal_epochs), 0, 1))
 * lr          = swa_lr * alpha + start_lr * (1 - alpha)
 * </pre>
 * in double. The linear strategy equals PyTorch's bit for bit everywhere; the cosine one as long as
 * {@link Math#cos} rounds as the C library's {@code cos} under Python does, which HotSpot's x86-64 cosine
 * does at every argument of the golden fixtures (both are within an ulp of the exact cosine, and they
 * were measured to differ at 88 of the 45,450 arguments {@code pi * s / a}, {@code a <= 300}). It is not a
 * {@link Schedule}: a schedule's value depends on the step and the group's first value alone, which would
 * round differently from PyTorch's recursion and ignore a rate another scheduler set.
 *
 * <p>Each rate it sets is a weighted mean of the group's current rate and its {@code swa_lr}, both of
 * which the group accepts (the constructor checks {@code swa_lr}), so the optimizer takes it; a step is
 * still all or nothing, as {@link HyperparameterScheduler}'s. It drives the groups the optimizer has when
 * it is created; a group added later makes {@link #step()} refuse, before any rate changes. A checkpoint holds its position: the step
 * count and each group's {@code swa_lr}, which PyTorch keeps in the optimizer's param groups and so
 * restores with them; {@code anneal_epochs} and the strategy are part of the name, so a checkpoint loads
 * only into the same ones.
 */
public final class SWALR implements Checkpointable {

    /** How the rate moves from its start to {@code swa_lr}: PyTorch's {@code anneal_strategy}. */
    public enum AnnealStrategy {
        /** {@code "cos"}, PyTorch's default: {@code (1 - cos(pi * x)) / 2}. */
        COS,
        /** {@code "linear"}: {@code x}. */
        LINEAR;

        /** {@return PyTorch's name, {@code "cos"} or {@code "linear"}} */
        public String torchName() {
            return name().toLowerCase(Locale.ROOT);
        }

        double apply(double x) {
            return this == COS ? (1 - Math.cos(Math.PI * x)) / 2 : x;
        }
    }

    /** PyTorch's default {@code anneal_epochs}. */
    public static final long DEFAULT_ANNEAL_EPOCHS = 10;

    private final Optimizer optimizer;
    private final List<ParamGroup> groups;
    private final long annealEpochs;
    private final AnnealStrategy strategy;
    private final double[] swaLrs;
    private long t;

    /**
     * PyTorch's {@code SWALR(optimizer, swa_lr)}: cosine annealing to {@code swaLr} over 10 steps.
     *
     * @param optimizer the optimizer whose groups' {@code lr} this scheduler sets
     * @param swaLr the rate every group anneals to, finite and {@code >= 0}
     * @throws IllegalArgumentException as {@link #SWALR(Optimizer, double[], long, AnnealStrategy)}
     */
    public SWALR(Optimizer optimizer, double swaLr) {
        this(optimizer, swaLr, DEFAULT_ANNEAL_EPOCHS, AnnealStrategy.COS);
    }

    /**
     * Annealing to the same {@code swaLr} in every group.
     *
     * @param optimizer the optimizer whose groups' {@code lr} this scheduler sets
     * @param swaLr the rate every group anneals to, finite and {@code >= 0}
     * @param annealEpochs the steps the annealing takes, {@code >= 0} (0 sets {@code swaLr} at once)
     * @param strategy how the rate moves from its start to {@code swaLr}
     * @throws IllegalArgumentException as {@link #SWALR(Optimizer, double[], long, AnnealStrategy)}
     */
    public SWALR(Optimizer optimizer, double swaLr, long annealEpochs, AnnealStrategy strategy) {
        this(optimizer, sameForEveryGroup(optimizer, swaLr), annealEpochs, strategy);
    }

    /**
     * Annealing group {@code g} to {@code swaLrs[g]} over {@code annealEpochs} steps; sets every group's
     * rate for step 0, as PyTorch's constructor does (their own rates unless {@code annealEpochs} is 0,
     * which goes to {@code swa_lr} at once).
     *
     * @param optimizer the optimizer whose groups' {@code lr} this scheduler sets
     * @param swaLrs the rate each group anneals to, one per group in group order, each finite and {@code >= 0}
     * @param annealEpochs the steps the annealing takes, {@code >= 0} (0 sets {@code swaLrs} at once)
     * @param strategy how the rate moves from its start to {@code swa_lr}
     * @throws IllegalArgumentException naming the argument and its value if one is null, {@code swaLrs}
     *     does not have one rate per group, a rate is negative or not finite, {@code annealEpochs} is
     *     negative, or the optimizer refuses a rate; nothing changes then
     */
    public SWALR(Optimizer optimizer, double[] swaLrs, long annealEpochs, AnnealStrategy strategy) {
        Checks.notNull("optimizer", optimizer);
        Checks.notNull("swaLrs", swaLrs);
        Checks.notNull("strategy", strategy);
        this.optimizer = optimizer;
        this.groups = optimizer.paramGroups();
        if (swaLrs.length != groups.size()) {
            throw new IllegalArgumentException("swaLrs must have one rate per group: the optimizer has "
                    + groups.size() + " groups, got " + swaLrs.length + " rates " + Arrays.toString(swaLrs));
        }
        for (int g = 0; g < swaLrs.length; g++) {
            Checks.nonNegative("swaLrs[" + g + "]", swaLrs[g]);
            try {
                groups.get(g).hyperparameters().with("lr", swaLrs[g]); // the rate it ends at must be one the group takes
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("swaLrs[" + g + "]: " + e.getMessage(), e);
            }
        }
        if (annealEpochs < 0) {
            throw new IllegalArgumentException("annealEpochs must be >= 0, got " + annealEpochs);
        }
        this.annealEpochs = annealEpochs;
        this.strategy = strategy;
        this.swaLrs = swaLrs.clone();
        apply(0);
    }

    private static double[] sameForEveryGroup(Optimizer optimizer, double swaLr) {
        Checks.notNull("optimizer", optimizer);
        double[] all = new double[optimizer.paramGroups().size()];
        Arrays.fill(all, swaLr);
        Checks.nonNegative("swaLr", swaLr);
        return all;
    }

    /**
     * Advances to the next step and sets every group's rate; all or nothing.
     *
     * @throws IllegalStateException if a group was added to the optimizer after this scheduler was created
     * @throws IllegalArgumentException if the optimizer refuses a rate, naming the step and the group
     */
    public void step() {
        if (t == Long.MAX_VALUE) {
            throw new IllegalStateException(checkpointName() + " has taken " + t + " steps, the most it counts");
        }
        apply(t + 1);
        t++;
    }

    /** {@return the steps taken since construction} */
    public long steps() {
        return t;
    }

    /**
     * The rate group {@code g} anneals to.
     *
     * @param g the group's index in the optimizer, from 0
     * @return its {@code swa_lr}
     * @throws IllegalArgumentException if {@code g} is not the index of a group given a rate
     */
    public double swaLr(int g) {
        if (g < 0 || g >= swaLrs.length) {
            throw new IllegalArgumentException("g must be in [0, " + swaLrs.length + "), got " + g);
        }
        return swaLrs[g];
    }

    /** {@return the steps the annealing takes, PyTorch's {@code anneal_epochs}} */
    public long annealEpochs() {
        return annealEpochs;
    }

    /** {@return how the rate moves from its start to {@code swa_lr}, PyTorch's {@code anneal_strategy}} */
    public AnnealStrategy strategy() {
        return strategy;
    }

    /**
     * The rate of step {@code step} for a group whose rate is {@code lr} now, PyTorch's {@code get_lr}
     * operation for operation.
     */
    static double next(long step, double lr, double swaLr, long annealEpochs, AnnealStrategy strategy) {
        long s = annealEpochs == 0 ? Math.max(1, step) : step;
        double span = Math.max(1, annealEpochs);
        double prevAlpha = strategy.apply(unitClamp((s - 1) / span));
        double startLr = prevAlpha == 1 ? swaLr : (lr - prevAlpha * swaLr) / (1 - prevAlpha);
        double alpha = strategy.apply(unitClamp(s / span));
        return swaLr * alpha + startLr * (1 - alpha);
    }

    /** Python's {@code max(0, min(1, x))}. */
    private static double unitClamp(double x) {
        return Math.max(0, Math.min(1, x));
    }

    private void apply(long step) {
        if (groups.size() != swaLrs.length) {
            throw new IllegalStateException("group " + swaLrs.length + " was added to the optimizer after "
                    + checkpointName() + " was created, which drives groups 0 to " + (swaLrs.length - 1)
                    + " only; create the scheduler after adding every group");
        }
        Hyperparameters[] before = new Hyperparameters[swaLrs.length];
        Hyperparameters[] after = new Hyperparameters[swaLrs.length];
        for (int g = 0; g < swaLrs.length; g++) {
            before[g] = groups.get(g).hyperparameters();
            double lr = next(step, before[g].get("lr"), swaLrs[g], annealEpochs, strategy);
            try {
                after[g] = before[g].with("lr", lr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(checkpointName() + " step " + step + ", group " + g + ": "
                        + e.getMessage(), e);
            }
        }
        GroupValues.setAll(groups, before, after);
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@code "SWALR(anneal_epochs=<n>, anneal_strategy=<cos|linear>)"}. */
    @Override
    public String checkpointName() {
        return "SWALR(anneal_epochs=" + annealEpochs + ", anneal_strategy=" + strategy.torchName() + ")";
    }

    /** {@code t}, then {@code swa_lr.0}, {@code swa_lr.1}, ...: each group's target rate. */
    @Override
    public Map<String, Number> checkpointState() {
        return SavedState.stepAndPerGroup(t, "swa_lr", swaLrs);
    }

    /**
     * Checks a saved {@code t} (a whole number {@code >= 0}) and one {@code swa_lr.<g>} per group this
     * scheduler drives (finite, {@code >= 0}); installing them sets no rate: the checkpoint restores the
     * groups' rates, and the next {@link #step()} continues from them as the saved run's would.
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        SavedState.requireKeys(state, SavedState.stepAndPerGroupKeys("swa_lr", swaLrs.length));
        long savedT = SavedState.whole(state, "t", 0, Long.MAX_VALUE);
        double[] saved = new double[swaLrs.length];
        for (int g = 0; g < saved.length; g++) {
            saved[g] = Checks.nonNegative("swa_lr." + g, SavedState.real(state, "swa_lr." + g, false));
        }
        return () -> {
            t = savedT;
            System.arraycopy(saved, 0, swaLrs, 0, swaLrs.length);
        };
    }
}
