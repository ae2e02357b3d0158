package vecopt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Applies one update rule to groups of parameters, the way {@code torch.optim.Optimizer} does:
 * hyperparameters per group, state per parameter created on its first step, one {@link #step()}
 * over everything. Subclasses turn a group's hyperparameters and a parameter's step count into
 * kernel coefficients and make one fused kernel call per parameter.
 *
 * <p>Before the update, a step can add annealed Gaussian noise to the gradients
 * ({@link #setGradientNoise}), clip them by their global norm or by value
 * ({@link #setGradientClipping}), and check them for NaN and infinities ({@link #setNonFinitePolicy};
 * by default a non-finite gradient throws before anything is written). In that order:
 * <pre>
 * 1. noise       g += N(0, eta / (1 + t)^gamma)     one read and write of g (only with noise)
 * 2. norm pass   total_norm over all gradients      one read of g (clipping by norm, ERROR or SKIP)
 *                non-finite: ERROR throws, SKIP returns, PROPAGATE goes on
 * 3. update      the rule's fused kernel reads g as sign * coefficient * clamp(g): clipping costs no pass
 * </pre>
 *
 * <p>Not thread-safe: step and change hyperparameters from one thread, or synchronize.
 */
public abstract class Optimizer {

    static {
        EngineAccess.setStateHooks(new OptimizerStateHooks());
    }

    private final String torchName;
    private final Hyperparameters defaults;
    private final OptimizerKernels kernels;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<String, ParameterState> states = new HashMap<>();
    private final Map<String, Parameter> byName = new HashMap<>();
    private ChunkedExecutor executor = ChunkedExecutor.callingThread();
    private GradientClipping gradientClipping = GradientClipping.none();
    private GradientNoise gradientNoise = GradientNoise.none();
    private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.ERROR;
    /** Steps skipped under {@link NonFinitePolicy#SKIP}: optimizer state, to be checkpointed. */
    private long skippedSteps;
    /** The global gradient norm the last step computed, NaN if it computed none. */
    private double lastGradientNorm = Double.NaN;
    /** This step's norm-clipping coefficient, read by the rules through {@link #gradScale}. */
    private float stepNormScale = 1f;
    /** This step's value-clipping bound, read by the rules through {@link #gradClip}. */
    private float stepClipValue = Float.POSITIVE_INFINITY;

    /**
     * @param torchName the {@code torch.optim} class this rule follows, e.g. {@code "Adam"}
     * @param ruleDefaults the rule's default hyperparameters, which define its kind
     * @param parameters the first group's parameters
     * @param hyperparameters the defaults for every group, and the first group's values
     * @param kernels the kernels to run; {@link OptimizerKernelsProvider#get()} picks the best
     */
    protected Optimizer(String torchName, Hyperparameters ruleDefaults, List<Parameter> parameters,
                        Hyperparameters hyperparameters, OptimizerKernels kernels) {
        if (hyperparameters == null || kernels == null) {
            throw new IllegalArgumentException("hyperparameters and kernels must not be null");
        }
        if (!hyperparameters.definitions().equals(ruleDefaults.definitions())) {
            throw new IllegalArgumentException("hyperparameters must be " + torchName + "'s "
                    + ruleDefaults.definitions() + ", got " + hyperparameters.definitions());
        }
        this.torchName = torchName;
        this.defaults = hyperparameters;
        this.kernels = kernels;
        addParamGroup(parameters, hyperparameters);
    }

    /** The {@code torch.optim} class name of this rule, e.g. {@code "Adam"}. */
    public String torchName() {
        return torchName;
    }

    /** Adds a group that uses this optimizer's default hyperparameters. */
    public ParamGroup addParamGroup(List<Parameter> parameters) {
        return addParamGroup(parameters, defaults);
    }

    /** Adds a group with its own hyperparameters (from the rule's {@code defaults()} and its {@code with} calls). */
    public ParamGroup addParamGroup(List<Parameter> parameters, Hyperparameters hyperparameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        if (!hyperparameters.definitions().equals(defaults.definitions())) {
            throw new IllegalArgumentException("hyperparameters must be of this optimizer's kind "
                    + defaults.definitions() + ", got " + hyperparameters.definitions());
        }
        Map<String, Parameter> added = new HashMap<>();
        for (Parameter p : parameters) {
            if (p == null) {
                throw new IllegalArgumentException("parameters must not contain null");
            }
            if (byName.containsKey(p.name()) || added.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameter name " + p.name() + " appears twice");
            }
        }
        byName.putAll(added);
        ParamGroup group = new ParamGroup(parameters, hyperparameters);
        groups.add(group);
        return group;
    }

    /** The groups, in the order they were added. */
    public List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** The hyperparameters new groups get. */
    public Hyperparameters defaultHyperparameters() {
        return defaults;
    }

    /** The kernels this optimizer runs. */
    public OptimizerKernels kernels() {
        return kernels;
    }

    /**
     * Splits the kernel call of each large parameter across {@code executor}'s threads. The results
     * are bit-identical to a single-threaded step. Default: the calling thread only.
     */
    public void setExecutor(ChunkedExecutor executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        this.executor = executor;
    }

    /** Where kernel calls run; rules pass each kernel call through {@link ChunkedExecutor#run}. */
    public ChunkedExecutor executor() {
        return executor;
    }

    /**
     * Clips gradients before each update from the next step on: by their global norm, by value, or
     * not ({@link GradientClipping#none()}, the default).
     */
    public void setGradientClipping(GradientClipping clipping) {
        if (clipping == null) {
            throw new IllegalArgumentException("clipping must not be null; GradientClipping.none() turns it off");
        }
        this.gradientClipping = clipping;
    }

    /** How gradients are clipped. */
    public GradientClipping gradientClipping() {
        return gradientClipping;
    }

    /**
     * Adds annealed Gaussian noise to the gradients, in place, before each update from the next step
     * on; {@link GradientNoise#none()} (the default) turns it off.
     */
    public void setGradientNoise(GradientNoise noise) {
        if (noise == null) {
            throw new IllegalArgumentException("noise must not be null; GradientNoise.none() turns it off");
        }
        this.gradientNoise = noise;
    }

    /** The gradient noise added before each update. */
    public GradientNoise gradientNoise() {
        return gradientNoise;
    }

    /** What a step does with NaN or infinite gradients; {@link NonFinitePolicy#ERROR} by default. */
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        this.nonFinitePolicy = policy;
    }

    /** What a step does with NaN or infinite gradients. */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** Steps skipped so far because a gradient was NaN or infinite, under {@link NonFinitePolicy#SKIP}. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Restores the count of skipped steps (for checkpoints). */
    void setSkippedSteps(long skippedSteps) {
        if (skippedSteps < 0) {
            throw new IllegalArgumentException("skippedSteps must be >= 0, got " + skippedSteps);
        }
        this.skippedSteps = skippedSteps;
    }

    /**
     * The 2-norm of all gradients of all groups together as the last step saw them (after noise, before
     * clipping), what {@code clip_grad_norm_} returns; NaN if that step computed none (no clipping by
     * norm and {@link NonFinitePolicy#PROPAGATE}) or if no step was taken. Infinite or NaN when a
     * gradient was.
     */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /** One kernel call over elements {@code [from, from + n)} of a parameter, offsets already applied. */
    @FunctionalInterface
    protected interface ParameterKernel {
        void run(float[] value, int valueOffset, float[] grad, int gradOffset, int from, int n);
    }

    /** Runs {@code kernel} over all of {@code p}, split by the executor. */
    protected final void runChunked(Parameter p, ParameterKernel kernel) {
        float[] value = p.value().array();
        float[] grad = p.grad().array();
        int valueOffset = p.value().offset();
        int gradOffset = p.grad().offset();
        executor().run(p.size(), (from, n) -> kernel.run(value, valueOffset + from, grad, gradOffset + from, from, n));
    }

    /** The state of the parameter called {@code name}, or null before its first step. */
    public ParameterState state(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no parameter called " + name);
        }
        return states.get(name);
    }

    /**
     * Replaces every group's hyperparameters and every parameter's state at once (loading a
     * checkpoint). Checks that the arguments fit first, so a mismatch changes nothing.
     */
    void replaceState(List<Hyperparameters> groupHyperparameters, Map<String, ParameterState> newStates) {
        if (groupHyperparameters.size() != groups.size()) {
            throw new IllegalArgumentException("the optimizer has " + groups.size() + " groups, got hyperparameters for "
                    + groupHyperparameters.size());
        }
        for (Hyperparameters h : groupHyperparameters) {
            if (!h.definitions().equals(defaults.definitions())) {
                throw new IllegalArgumentException("hyperparameters must be of this optimizer's kind "
                        + defaults.definitions() + ", got " + h.definitions());
            }
        }
        for (String name : newStates.keySet()) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("no parameter called " + name);
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setHyperparameters(groupHyperparameters.get(i));
        }
        states.clear();
        states.putAll(newStates);
    }

    /**
     * Updates every parameter from its gradient. Checks all state buffers against their parameters
     * first, so a mismatch is reported before anything is written; then adds gradient noise, clips
     * and checks the gradients as configured (see the class comment).
     *
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#ERROR}, if a gradient holds NaN or
     *     an infinity; parameters, state and step counters are then unchanged (the gradients hold the
     *     noise, if any was added)
     */
    public void step() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                checkStateFits(p, states.get(p.name()));
            }
        }
        if (gradientNoise.enabled()) {
            addGradientNoise();
        }
        if (!prepareClippingAndCheck()) {
            skippedSteps++;
            return;
        }
        for (ParamGroup group : groups) {
            Hyperparameters h = group.hyperparameters();
            for (Parameter p : group.parameters()) {
                ParameterState state = states.computeIfAbsent(p.name(), n -> new ParameterState());
                long step = state.step() + 1;
                update(p, state, h, step);
                state.setStep(step);
            }
        }
    }

    /** Adds this step's noise to every gradient, keyed by seed, parameter name, completed steps and index. */
    private void addGradientNoise() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                ParameterState state = states.get(p.name());
                var c = gradientNoise.coefficients(p.name(), state == null ? 0 : state.step());
                float[] ga = p.grad().array();
                int gOff = p.grad().offset();
                executor.run(p.size(), (from, n) -> kernels.addGradientNoise(ga, gOff + from, n, from, c));
            }
        }
    }

    /**
     * Sets this step's clipping coefficients, with one pass over the gradients when clipping by norm or
     * checking for non-finite values; false if the step is to be skipped.
     */
    private boolean prepareClippingAndCheck() {
        stepClipValue = gradientClipping instanceof GradientClipping.ByValue v
                ? (float) v.clipValue() : Float.POSITIVE_INFINITY;
        stepNormScale = 1f;
        lastGradientNorm = Double.NaN;
        boolean byNorm = gradientClipping instanceof GradientClipping.ByNorm;
        if (!byNorm && nonFinitePolicy == NonFinitePolicy.PROPAGATE) {
            return true;
        }
        double sumOfSquares = 0;
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                double s = GradientNorms.sumOfSquares(p, kernels, executor);
                if (!Double.isFinite(s) && nonFinitePolicy != NonFinitePolicy.PROPAGATE) {
                    lastGradientNorm = Math.sqrt(s); // NaN or infinite, whatever the other parameters hold
                    if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                        return false;
                    }
                    int at = GradientNorms.firstNonFinite(p);
                    if (at < 0) { // cannot happen: the kernels sum an overflowing block again in double
                        throw new IllegalStateException("the gradient of " + p.name() + " has the sum of squares "
                                + s + " but no element is NaN or infinite");
                    }
                    throw new NonFiniteGradientException(p.name(), at, p.grad().array()[p.grad().offset() + at]);
                }
                sumOfSquares += s;
            }
        }
        lastGradientNorm = Math.sqrt(sumOfSquares);
        if (gradientClipping instanceof GradientClipping.ByNorm clip) {
            stepNormScale = (float) clip.coefficient(lastGradientNorm);
        }
        return true;
    }

    /**
     * The gradient multiplier for this step's kernel coefficients: {@code -1} to maximize, else 1,
     * times the norm-clipping coefficient (1 without clipping by norm).
     */
    protected final float gradScale(boolean maximize) {
        return maximize ? -stepNormScale : stepNormScale;
    }

    /** The value-clipping bound for this step's kernel coefficients; infinite without clipping by value. */
    protected final float gradClip() {
        return stepClipValue;
    }

    /**
     * Applies the rule to one parameter for its {@code step}-th step (1-based), creating missing state
     * buffers with {@link ParameterState#bufferOrCreate}. The kernel coefficients take the gradient
     * multiplier from {@link #gradScale} and the clamp from {@link #gradClip}.
     */
    protected abstract void update(Parameter p, ParameterState state, Hyperparameters h, long step);

    /** Creates or returns a state buffer of the parameter's size. */
    protected static float[] buffer(ParameterState state, String name, Parameter p, float initial) {
        return state.bufferOrCreate(name, p.size(), initial);
    }

    private static void checkStateFits(Parameter p, ParameterState state) {
        if (state == null) {
            return;
        }
        for (Map.Entry<String, float[]> e : state.buffers().entrySet()) {
            if (e.getValue().length != p.size()) {
                throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                        + " elements but its state " + e.getKey() + " has " + e.getValue().length);
            }
        }
    }
}
