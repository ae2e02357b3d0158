package vecopt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import vecopt.engine.checkpoint.Checkpointable;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.checkpoint.StateDict;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.StateRounding;

/**
 * Applies one update rule to groups of parameters, the way {@code torch.optim.Optimizer} does:
 * hyperparameters per group, state per parameter created on its first step, one {@link #step()}
 * over everything. A subclass is one {@link Rule}: its {@link #plan} turns a group's hyperparameters,
 * a parameter's step count and the step's {@link StepContext} into one fused kernel call.
 *
 * <p>Before the update, a step can add annealed Gaussian noise to the gradients
 * ({@link #setGradientNoise}), clip them by their global norm or by value
 * ({@link #setGradientClipping}), and check them for NaN and infinities ({@link #setNonFinitePolicy};
 * by default a non-finite gradient throws before anything is written). In that order:
 * <pre>
 * 1. noise       g += N(0, eta / (1 + t)^gamma)     one read and write of g (only with noise)
 * 2. norm pass   total_norm over all gradients      one read of g (clipping by norm, ERROR or SKIP);
 *                per-group and per-parameter norms come from the same pass
 *                non-finite: ERROR throws, SKIP returns, PROPAGATE goes on
 * 3. plan        every parameter's state is created if missing and its rule plans its kernel call;
 *                a failure here (a rejected coefficient, no memory) leaves everything as it was
 * 4. update      the rule's fused kernel reads g as sign * coefficient * clamp(g): clipping costs no pass
 *                (the coefficient is the parameter's own when a group clips or clipping is per parameter)
 * 5. commit      step counts and scalar state
 * </pre>
 *
 * <p>Mixed-precision parameters ({@link Parameter#mixed(String, vecopt.tensor.SegmentTensor,
 * vecopt.tensor.SegmentTensor)}: bfloat16 or float16 weights, gradients of the weights' type or
 * float32) are stepped by every rule that {@link Rule#stepsMixedPrecision() steps mixed precision}
 * (all but LBFGS and the schedule-free rules) with a float32 master copy kept as state
 * ({@value #MASTER}): each pass of the rule's plan runs its float32 kernels on the master and the
 * float32 gradient (a low-precision one widened block by block into per-thread scratch), and after
 * the last pass each block of the master is rounded to the weights ({@link #setWeightRounding}).
 * Noise, clipping, the non-finite check and {@link #setLossScale the loss scale} apply to them as
 * above, except that gradient noise refuses low-precision gradients.
 *
 * <p>Not thread-safe: step, change hyperparameters, add groups and load checkpoints from one thread at a time.
 * Overlapping calls are detected (one compare-and-set per call) and the later one throws
 * {@link java.util.ConcurrentModificationException} without changing anything.
 */
public abstract class Optimizer {

    static {
        EngineAccess.setStateHooks(new OptimizerStateHooks());
    }

    private final Rule rule;
    private final Hyperparameters defaults;
    private OptimizerKernels kernels;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<String, ParameterState> states = new HashMap<>();
    private final Map<String, Parameter> byName = new HashMap<>();
    private ChunkedExecutor executor = ChunkedExecutor.callingThread();
    private GradientClipping gradientClipping = GradientClipping.none();
    private GradientNoise gradientNoise = GradientNoise.none();
    private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.ERROR;
    /** How mixed-precision parameters' weights are rounded from their master copies. */
    private WeightRounding weightRounding = WeightRounding.nearestEven();
    /** Gradients are divided by it before anything reads them (mixed-precision loss scaling). */
    private double lossScale = 1;
    /** Steps skipped under {@link NonFinitePolicy#SKIP}: optimizer state, to be checkpointed. */
    private long skippedSteps;
    /** The global gradient norm the last step computed, NaN if it computed none. */
    private double lastGradientNorm = Double.NaN;
    /** How the rule's compressible buffers are stored. */
    private StateFormat stateFormat = StateFormat.float32();
    /** Whether {@link #setStateFormat} chose {@link #stateFormat}: then a checkpoint must match it. */
    private boolean stateFormatChosen;
    /** This step's context of each parameter when a group or the per-parameter clipping clips; else null. */
    private Map<Parameter, StepContext> parameterContexts;
    /** Refuses overlapping step, set and load calls. */
    private final UseGuard guard = new UseGuard();
    /** The thread running a closure inside a step, which may zero the gradients; null otherwise. */
    private volatile Thread closureThread;
    private final BlockedPass blockedPass = new BlockedPass();
    private final MixedPass mixedPass = new MixedPass();
    private final GradientNorms gradientNorms = new GradientNorms();

    /**
     * An optimizer of {@code rule} with one group; for the constructors of the rules' classes.
     *
     * @param rule the rule this optimizer applies
     * @param parameters the first group's parameters
     * @param hyperparameters the defaults for every group, and the first group's values
     */
    protected Optimizer(Rule rule, List<Parameter> parameters, Hyperparameters hyperparameters) {
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null");
        }
        if (hyperparameters == null) {
            throw new IllegalArgumentException("hyperparameters of " + rule + " must not be null; start from "
                    + rule + ".defaults()");
        }
        if (!hyperparameters.definitions().equals(rule.defaults().definitions())) {
            throw new IllegalArgumentException("hyperparameters must be " + rule + "'s "
                    + rule.defaults().definitions() + ", got " + hyperparameters.definitions());
        }
        if (parameters != null && parameters.isEmpty()) {
            throw new IllegalArgumentException(rule + " got an empty parameter list; give it at least one parameter");
        }
        this.rule = rule;
        this.defaults = hyperparameters;
        this.kernels = OptimizerKernelsProvider.forRule(rule);
        addParamGroup(parameters, hyperparameters);
    }

    /**
     * The rule this optimizer applies.
     *
     * @return the rule
     */
    public Rule rule() {
        return rule;
    }

    /**
     * The {@code torch.optim} class name of this rule, e.g. {@code "Adam"}.
     *
     * @return the {@code torch.optim} class name
     */
    public String torchName() {
        return rule.torchName();
    }

    /** Runs this optimizer's kernels on {@code kernels} instead of the provider's choice (tests, benchmarks). */
    Optimizer withKernels(OptimizerKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels must not be null");
        }
        this.kernels = kernels;
        return this;
    }

    /**
     * Adds a group that uses this optimizer's default hyperparameters.
     *
     * @param parameters the group's parameters, none of them in another group
     * @return the new group
     */
    public ParamGroup addParamGroup(List<Parameter> parameters) {
        return addParamGroup(parameters, defaults);
    }

    /**
     * Adds a group with its own hyperparameters (from the rule's {@code defaults()} and its {@code with} calls).
     *
     * <p>The first group of at least 1Mi elements with a rule and kind of hyperparameters in a JVM
     * (the constructor's included) first warms the rule's step up on scratch parameters, so that its
     * first step runs code the JIT has compiled: a few hundred milliseconds once, against up to
     * seconds of interpreted vector code in the first step. {@code -Dvecopt.warmUp=false} turns this off.
     *
     * @param parameters the group's parameters, none of them in another group
     * @param hyperparameters the group's hyperparameters
     * @return the new group
     */
    public ParamGroup addParamGroup(List<Parameter> parameters, Hyperparameters hyperparameters) {
        guard.enter("addParamGroup");
        try {
            return addParamGroupGuarded(parameters, hyperparameters);
        } finally {
            guard.exit();
        }
    }

    private ParamGroup addParamGroupGuarded(List<Parameter> parameters, Hyperparameters hyperparameters) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        if (hyperparameters == null) {
            throw new IllegalArgumentException("hyperparameters must not be null; use addParamGroup(parameters) for "
                    + "this optimizer's defaults");
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
            rule.checkShape(p);
            if (p.isMixed() && !rule.stepsMixedPrecision()) {
                throw new IllegalArgumentException("parameter " + p.name() + " has " + p.lowPrecision().typeName()
                        + " weights, but " + rule + " does not step mixed-precision parameters: "
                        + rule.mixedPrecisionRefusal());
            }
        }
        List<Parameter> all = new ArrayList<>(byName.values());
        all.addAll(parameters);
        MemoryOverlap.check(all);
        long elements = 0;
        for (Parameter p : parameters) {
            elements += p.size();
        }
        KernelWarmUp.ensureWarm(rule, hyperparameters, elements); // before any change: an Error in it changes nothing
        byName.putAll(added);
        ParamGroup group = new ParamGroup(parameters, hyperparameters, guard);
        groups.add(group);
        return group;
    }

    /**
     * The groups, in the order they were added.
     *
     * @return the groups, unmodifiable
     */
    public List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /**
     * Stores the moments of this optimizer's rule in {@code format} from the first step on. Only before
     * any parameter has state (the first step, {@link #allocateState}, a checkpoint load), and only for
     * rules that can: those whose descriptor marks compressible buffers ({@link Rule#compressibleBuffers()}),
     * every rule whose step is one element-wise pass over moments. Adam, AdamW, SGD and Lion run fused
     * kernels over the compressed buffers; every other such rule (and Adam with AMSGrad) runs its own
     * float32 kernel on each block of state decoded into scratch, then encodes the block again
     * (docs/storage.md, "the block path").
     *
     * <p>Checkpoints save the format. Loading one into an optimizer whose format was never set gives it
     * the checkpoint's format (float32 for checkpoints written before the format was saved); once this
     * method has been called, a checkpoint of another format is refused and nothing changes: the
     * format is a memory budget the caller chose, and converting stored state would not resume bit for bit.
     *
     * @param format how the moments are stored, such as {@link StateFormat#blockwise8bit(int)}
     * @throws IllegalArgumentException if {@code format} is null, or the rule keeps no compressible state and
     *     the format is not float32 (the message says why: {@link Rule#compressedStateRefusal()})
     * @throws IllegalStateException if state exists already
     */
    public void setStateFormat(StateFormat format) {
        if (format == null) {
            throw new IllegalArgumentException("format must not be null; StateFormat.float32() is the default");
        }
        checkCompressible(format);
        guard.enter("setStateFormat");
        try {
            if (!states.isEmpty() && !format.equals(stateFormat)) {
                throw new IllegalStateException("the state format must be set before the first step; "
                        + states.size() + " parameters have " + stateFormat + " state already");
            }
            this.stateFormat = format;
            this.stateFormatChosen = true;
        } finally {
            guard.exit();
        }
    }

    /** Whether {@link #setStateFormat} was called: a checkpoint's state must then be stored in that format. */
    boolean stateFormatChosen() {
        return stateFormatChosen;
    }

    /** The format of state loaded from a checkpoint, set with it (the state has been replaced already). */
    void restoreStateFormat(StateFormat format) {
        checkCompressible(format);
        this.stateFormat = format;
    }

    /** Throws unless the rule can store its state in {@code format}: float32, or its descriptor marks compressible buffers. */
    private void checkCompressible(StateFormat format) {
        if (format.kind() != StateFormat.Kind.FLOAT32 && !rule.compressesState()) {
            throw new IllegalArgumentException(rule + " cannot store its state as " + format + ", only as float32: "
                    + rule.compressedStateRefusal());
        }
    }

    /**
     * How this optimizer stores its rule's moments; float32 unless {@link #setStateFormat} said otherwise.
     *
     * @return the state format
     */
    public StateFormat stateFormat() {
        return stateFormat;
    }

    /**
     * Plans a step of a parameter whose state holds compressed buffers with the rule's own fused
     * kernels over them (Adam's, AdamW's, SGD's and Lion's), as {@link #plan} plans a float32 step;
     * null (the default) to step through the rule's float32 kernel on each block of state decoded into
     * scratch (the block path of docs/storage.md), for which {@link #plan} is called on a view of the state
     * whose compressed buffers are float32 blocks.
     *
     * @param p the parameter
     * @param state its state, with compressed buffers ({@link ParameterState#compressedBuffer})
     * @param h its group's hyperparameters
     * @param step the step number, from 1
     * @param context the step's gradient scaling (clipping, maximize)
     * @return the fused plan, or null for the block path
     */
    protected StepPlan planCompressed(Parameter p, ParameterState state, Hyperparameters h, long step,
                                      StepContext context) {
        return null;
    }

    /** The state buffer holding a mixed-precision parameter's float32 master copy of its weights. */
    public static final String MASTER = "master";

    /**
     * Rounds the master copies of mixed-precision parameters to their bfloat16 or float16 weights with
     * {@code rounding} from the next step on; {@link WeightRounding#nearestEven()} by default. Saved
     * in checkpoints with the master copies (stochastic rounding's seed included), so a resumed run
     * continues bit for bit; loading a checkpoint sets it.
     *
     * @param rounding the rounding of the weights
     * @throws IllegalArgumentException if {@code rounding} is null
     */
    public void setWeightRounding(WeightRounding rounding) {
        if (rounding == null) {
            throw new IllegalArgumentException("rounding must not be null; WeightRounding.nearestEven() is the default");
        }
        this.weightRounding = rounding;
    }

    /**
     * How mixed-precision parameters' weights are rounded.
     *
     * @return the rounding
     */
    public WeightRounding weightRounding() {
        return weightRounding;
    }

    /**
     * Divides every gradient by {@code lossScale} from the next step on, as {@code GradScaler.unscale_}
     * does for a loss multiplied by it before the backward pass; 1 (the default) leaves them as they
     * are. Norms, clipping and the update see the divided gradients; no pass of its own (the division
     * is part of the kernels' gradient coefficient), and a power of two divides exactly. Non-finite
     * gradients (an overflowed scaled loss) meet the {@link #setNonFinitePolicy non-finite policy}:
     * {@link NonFinitePolicy#SKIP} skips the step as mixed-precision trainers do. Saved in checkpoints
     * (PyTorch keeps it in {@code GradScaler}'s state instead); loading a checkpoint sets it.
     *
     * @param lossScale the factor the loss was multiplied by, finite and positive
     * @throws IllegalArgumentException if {@code lossScale} is not finite and positive, or is not 1 for a rule
     *     that does not {@link Rule#stepsMixedPrecision() step mixed precision}
     */
    public void setLossScale(double lossScale) {
        checkLossScale(lossScale);
        this.lossScale = lossScale;
    }

    private void checkLossScale(double lossScale) {
        if (!(lossScale > 0) || !Double.isFinite(lossScale)) {
            throw new IllegalArgumentException("lossScale must be finite and > 0, got " + lossScale);
        }
        if (lossScale != 1 && !rule.stepsMixedPrecision()) {
            throw new IllegalArgumentException(rule + " does not take a loss scale (it does not step mixed-precision"
                    + " parameters: " + rule.mixedPrecisionRefusal() + "), got lossScale " + lossScale);
        }
    }

    /**
     * The factor gradients are divided by.
     *
     * @return the loss scale, 1 by default
     */
    public double lossScale() {
        return lossScale;
    }

    /** {@code context} for gradients still multiplied by {@link #lossScale}: the clip bound scaled up, the multiplier down. */
    private StepContext unscaled(StepContext context) {
        if (lossScale == 1) {
            return context;
        }
        return new StepContext((float) (context.normScale() / lossScale), (float) (context.clipValue() * lossScale));
    }

    /**
     * The hyperparameters new groups get.
     *
     * @return the default hyperparameters
     */
    public Hyperparameters defaultHyperparameters() {
        return defaults;
    }

    /** The kernels this optimizer runs. */
    OptimizerKernels kernels() {
        return kernels;
    }

    /**
     * Splits the kernel call of each large parameter across {@code executor}'s threads. The results
     * are bit-identical to a single-threaded step. Default: the calling thread only.
     *
     * @param executor the threads to split kernel calls across
     */
    public void setExecutor(ChunkedExecutor executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        this.executor = executor;
    }

    /**
     * Where kernel calls run.
     *
     * @return the executor
     */
    public ChunkedExecutor executor() {
        return executor;
    }

    /**
     * Clips gradients before each update from the next step on: by their global norm, by value, or
     * not ({@link GradientClipping#none()}, the default). The bfloat16 and float16 gradients of
     * mixed-precision parameters are clipped too: their norm pass widens them block by block and gives
     * the bits of the same values in float32 (on the stepping thread), and clipping by value clamps them
     * in the kernel.
     *
     * @param clipping the clipping of the next steps
     */
    public void setGradientClipping(GradientClipping clipping) {
        if (clipping == null) {
            throw new IllegalArgumentException("clipping must not be null; GradientClipping.none() turns it off");
        }
        this.gradientClipping = clipping;
    }

    /**
     * How gradients are clipped.
     *
     * @return the clipping
     */
    public GradientClipping gradientClipping() {
        return gradientClipping;
    }

    /**
     * Adds annealed Gaussian noise to the gradients, in place, before each update from the next step
     * on; {@link GradientNoise#none()} (the default) turns it off.
     *
     * @param noise the noise of the next steps
     */
    public void setGradientNoise(GradientNoise noise) {
        if (noise == null) {
            throw new IllegalArgumentException("noise must not be null; GradientNoise.none() turns it off");
        }
        this.gradientNoise = noise;
    }

    /**
     * The gradient noise added before each update.
     *
     * @return the noise settings
     */
    public GradientNoise gradientNoise() {
        return gradientNoise;
    }

    /**
     * What a step does with NaN or infinite gradients; {@link NonFinitePolicy#ERROR} by default.
     *
     * @param policy the policy of the next steps
     */
    public void setNonFinitePolicy(NonFinitePolicy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy must not be null");
        }
        this.nonFinitePolicy = policy;
    }

    /**
     * What a step does with NaN or infinite gradients.
     *
     * @return the policy
     */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /**
     * Steps skipped so far because a gradient was NaN or infinite, under {@link NonFinitePolicy#SKIP}.
     *
     * @return the number of skipped steps
     */
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
     * Restores the skipped-step count, the clipping, noise and non-finite settings, the weight rounding
     * and the loss scale together (for checkpoints). Every argument is checked before any is set, so a
     * rejected call changes nothing.
     */
    void restoreStepSettings(long skippedSteps, GradientClipping clipping, GradientNoise noise,
                             NonFinitePolicy policy, List<GradientClipping> groupClipping,
                             WeightRounding weightRounding, double lossScale) {
        if (skippedSteps < 0) {
            throw new IllegalArgumentException("skippedSteps must be >= 0, got " + skippedSteps);
        }
        if (clipping == null || noise == null || policy == null || weightRounding == null) {
            throw new IllegalArgumentException("clipping, noise, policy and weightRounding must not be null, got "
                    + clipping + ", " + noise + ", " + policy + ", " + weightRounding);
        }
        if (groupClipping.size() != groups.size() || groupClipping.stream().anyMatch(c -> c == null)) {
            throw new IllegalArgumentException("groupClipping must hold one clipping per group (" + groups.size()
                    + "), got " + groupClipping);
        }
        checkLossScale(lossScale);
        this.skippedSteps = skippedSteps;
        this.gradientClipping = clipping;
        this.gradientNoise = noise;
        this.nonFinitePolicy = policy;
        this.weightRounding = weightRounding;
        this.lossScale = lossScale;
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).replaceClippingWhileGuarded(groupClipping.get(g));
        }
    }

    /**
     * The 2-norm of all gradients of all groups together as the last step saw them (after noise, before
     * clipping), what {@code clip_grad_norm_} returns; NaN if that step computed none (no clipping by
     * norm and {@link NonFinitePolicy#PROPAGATE}) or if no step was taken. Infinite or NaN when a
     * gradient was.
     *
     * @return the gradient norm of the last step
     */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    /**
     * The state of the parameter called {@code name}, or null before its first step.
     *
     * @param name the parameter's name
     * @return its state, or null
     */
    public ParameterState state(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no parameter called " + name);
        }
        return states.get(name);
    }

    // ---- state_dict(): the optimizer's state in memory (delegates to vecopt.engine.checkpoint.Checkpoints) ----

    /**
     * PyTorch's {@code optimizer.state_dict()}: a copy, in memory, of everything a checkpoint of this
     * optimizer holds (each group's hyperparameters, each parameter's step count, scalars and state
     * buffers, the skipped-step count and the clipping, noise and non-finite settings) and of the
     * positions of {@code schedulers}. Stepping on does not change it. The same as
     * {@link Checkpoints#stateDict(Optimizer, Checkpointable...) Checkpoints.stateDict(this, schedulers)}.
     *
     * @param schedulers what drives this optimizer and has a position to resume from, in the order
     *     {@link #loadStateDict} will be given them; none is fine
     * @return the snapshot, independent of this optimizer from then on
     * @throws IllegalArgumentException if a scheduler is null, drives another optimizer or is given twice
     */
    public final StateDict stateDict(Checkpointable... schedulers) {
        return Checkpoints.stateDict(this, schedulers);
    }

    /**
     * PyTorch's {@code optimizer.load_state_dict(state_dict)}: replaces this optimizer's state (and the
     * positions of {@code schedulers}) with {@code stateDict}, after checking that all of it fits, as a
     * checkpoint file is checked: the same rule, groups, parameter names and sizes, only state the rule
     * keeps, valid hyperparameters and settings, the same kinds of schedulers in the same order. The
     * arrays are copied in, so {@code stateDict} can be loaded again. The same as
     * {@link Checkpoints#loadStateDict(Optimizer, StateDict, Checkpointable...)
     * Checkpoints.loadStateDict(this, stateDict, schedulers)}.
     *
     * @param stateDict the state to load, from {@link #stateDict} of an optimizer of the same rule with the
     *     same groups and parameter names; unchanged by loading
     * @param schedulers the schedulers attached to this optimizer, of the same kinds and in the same order
     *     as in {@code stateDict}
     * @throws IllegalArgumentException if {@code stateDict} is null or does not fit (the message says what),
     *     or a scheduler is null, drives another optimizer or is given twice; this optimizer and the
     *     schedulers are then unchanged
     */
    public final void loadStateDict(StateDict stateDict, Checkpointable... schedulers) {
        Checkpoints.loadStateDict(this, stateDict, schedulers);
    }

    /**
     * Replaces every group's hyperparameters and every parameter's state at once (loading a
     * checkpoint). Checks that the arguments fit first, so a mismatch changes nothing.
     */
    void replaceState(List<Hyperparameters> groupHyperparameters, Map<String, ParameterState> newStates) {
        guard.enter("loading a checkpoint");
        try {
            replaceStateGuarded(groupHyperparameters, newStates);
        } finally {
            guard.exit();
        }
    }

    private void replaceStateGuarded(List<Hyperparameters> groupHyperparameters, Map<String, ParameterState> newStates) {
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
            groups.get(i).replaceWhileGuarded(groupHyperparameters.get(i));
        }
        states.clear();
        states.putAll(newStates);
    }

    /**
     * Updates every parameter from its gradient. Checks all state buffers against their parameters
     * first, so a mismatch is reported before anything is written; then adds gradient noise, clips
     * and checks the gradients as configured (see the class comment); then plans every parameter's
     * kernel call, creating missing state, before the first kernel writes anything.
     *
     * <p>All or nothing for everything that can be known before the first write: the executor is
     * running, state fits, gradients are finite (under ERROR and SKIP), every coefficient is a finite
     * float and all state is allocated. What remains is an error inside a kernel thread (the JVM's,
     * such as a {@code StackOverflowError}): it is rethrown, and parameters and state may then be
     * partly updated.
     *
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#ERROR}, if a gradient holds NaN or
     *     an infinity; parameters, state and step counters are then unchanged (the gradients hold the
     *     noise, if any was added)
     * @throws IllegalStateException if the executor was closed or a state buffer does not fit its
     *     parameter; nothing is changed
     * @throws IllegalArgumentException if a coefficient of this step overflows float32; parameters, state
     *     and step counters are unchanged (the gradients hold the noise, if any was added)
     */
    public void step() {
        guard.enter("step()");
        try {
            stepGuarded();
        } finally {
            guard.exit();
        }
    }

    /** Runs {@code body} as a call that must not overlap step, set or load calls, named {@code call} in the refusal. */
    final <T> T guarded(String call, Supplier<T> body) {
        guard.enter(call);
        try {
            return body.get();
        } finally {
            guard.exit();
        }
    }

    /**
     * Calls {@code closure} from inside a step (LBFGS evaluates several points per step). While it runs,
     * this thread may call {@link #zeroGrad()}, as PyTorch closures do; every other call still waits
     * for the step to end.
     */
    final double evaluateInsideStep(LossClosure closure) {
        closureThread = Thread.currentThread();
        try {
            return closure.evaluate();
        } finally {
            closureThread = null;
        }
    }

    /** Counts a step skipped under {@link NonFinitePolicy#SKIP}. */
    final void countSkippedStep() {
        skippedSteps++;
    }

    /** Recomputes the loss and writes every gradient, for {@link #step(LossClosure)}. */
    @FunctionalInterface
    public interface LossClosure {
        /**
         * Runs the model forward and backward: writes the gradients and returns the loss.
         *
         * @return the loss
         */
        double evaluate();
    }

    /**
     * PyTorch's {@code step(closure)}: calls {@code closure}, which recomputes the gradients and
     * returns the loss, then takes one {@link #step()} and returns that loss. Rules that evaluate the
     * loss several times per step (LBFGS) call it more often.
     *
     * @param closure recomputes the gradients and returns the loss
     * @return the loss {@code closure} returned
     * @throws IllegalArgumentException if {@code closure} is null; nothing is called
     */
    public double step(LossClosure closure) {
        if (closure == null) {
            throw new IllegalArgumentException("closure must not be null; call step() to use the gradients as they are");
        }
        double loss = closure.evaluate();
        step();
        return loss;
    }

    /**
     * Sets every gradient of every group to zero, as PyTorch's {@code zero_grad(set_to_none=False)}:
     * the gradient arrays are shared with the model, so they are zeroed in place, not dropped.
     */
    public void zeroGrad() {
        if (closureThread == Thread.currentThread()) { // inside the closure of a step(closure) that evaluates it
            zeroGradients();
            return;
        }
        guard.enter("zeroGrad()");
        try {
            zeroGradients();
        } finally {
            guard.exit();
        }
    }

    private void zeroGradients() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                if (p.hasLowPrecisionGrad()) {
                    p.lowPrecision().grad().fill(0f);
                } else {
                    p.grad().fill(0f);
                }
            }
        }
    }

    private void stepGuarded() {
        if (executor.isClosed()) {
            throw new IllegalStateException("the executor of this " + rule + " optimizer was closed; give it a"
                    + " running one with setExecutor before stepping");
        }
        executor.wake(); // idle workers start waking now, while the step checks and plans
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                checkStateFits(p, states.get(p.name()));
            }
        }
        if (gradientNoise.enabled()) {
            for (ParamGroup group : groups) {
                for (Parameter p : group.parameters()) {
                    if (p.hasLowPrecisionGrad()) {
                        throw new IllegalStateException("gradient noise needs float32 gradients; parameter " + p.name()
                                + " has a " + p.lowPrecision().typeName() + " one");
                    }
                }
            }
            addGradientNoise();
        }
        StepContext context = clipAndCheck();
        if (context == null) {
            skippedSteps++;
            return;
        }
        int count = planAll(context);
        try {
            for (int i = 0; i < count; i++) {
                runPasses(planned[i]);
            }
            for (int i = 0; i < count; i++) {
                planned[i].commit();
            }
        } finally {
            blockedPass.clear();
            mixedPass.clear();
            for (int i = 0; i < count; i++) {
                planned[i].clear();
            }
        }
    }

    /** Runs the passes of one parameter's plan in order, each split across the executor's threads if it may be. */
    private void runPasses(Planned pl) {
        Parameter p = pl.parameter;
        if (p.isMixed()) {
            runMixedPasses(pl);
            return;
        }
        List<StepPlan.Pass> passes = pl.plan.passes();
        for (int k = 0; k < passes.size(); k++) {
            StepPlan.Pass pass = passes.get(k);
            if (pass.splittable()) {
                executor.run(p.size(), pass.alignment(), blockedPass.set(pass.kernel(), p, pass.alignment()));
            } else {
                pass.kernel().run(p.value().array(), p.value().offset(), p.grad().array(), p.grad().offset(), 0, p.size());
            }
        }
    }

    /**
     * The passes of a mixed-precision parameter's plan on its float32 master copy ({@link MixedPass});
     * the last one rounds the master to the weights block by block as it goes. A whole pass gets the
     * master and the float32 gradient, or no gradient (null) when the gradient is low-precision;
     * after a whole last pass the master is rounded in a pass of its own.
     */
    private void runMixedPasses(Planned pl) {
        Parameter p = pl.parameter;
        float[] master = pl.state.buffer(MASTER);
        StateRounding rounding = weightRounding.at(p, pl.step);
        List<StepPlan.Pass> passes = pl.plan.passes();
        if (passes.size() == 1 && passes.getFirst().writesWeights()) { // a fused kernel: it rounds the weights itself
            StepPlan.Pass fused = passes.getFirst();
            executor.run(p.size(), fused.alignment(), blockedPass.setOwnArrays(fused.kernel(), fused.alignment()));
            return;
        }
        for (int k = 0; k < passes.size(); k++) {
            StepPlan.Pass pass = passes.get(k);
            StateRounding last = k == passes.size() - 1 ? rounding : null;
            if (pass.splittable()) {
                executor.run(p.size(), pass.alignment(), mixedPass.set(pass.kernel(), p, master, pass.alignment(), last));
            } else {
                boolean lowGradient = p.hasLowPrecisionGrad();
                pass.kernel().run(master, 0, lowGradient ? null : p.grad().array(), lowGradient ? 0 : p.grad().offset(),
                        0, p.size());
                if (last != null) {
                    executor.run(p.size(), mixedPass.set(null, p, master, 1, last));
                }
            }
        }
    }

    /**
     * A parameter's planned step: what to run and what to commit after. One per parameter, kept from
     * step to step and refilled, so that a step allocates nothing per parameter beyond what its rule's
     * plan does.
     */
    private static final class Planned {
        Parameter parameter;
        ParameterState state;
        long step;
        StepPlan plan;

        void set(Parameter parameter, ParameterState state, long step, StepPlan plan) {
            this.parameter = parameter;
            this.state = state;
            this.step = step;
            this.plan = plan;
        }

        /** Stores the step count and the plan's scalar state. */
        void commit() {
            state.setStep(step);
            Map<String, Double> scalars = plan.scalars();
            if (!scalars.isEmpty()) {
                for (Map.Entry<String, Double> e : scalars.entrySet()) {
                    state.setScalar(e.getKey(), e.getValue());
                }
            }
            state.markUsed();
        }

        /** Drops the references, so that a finished step keeps no plan (and what its kernels capture) alive. */
        void clear() {
            set(null, null, 0, null);
        }
    }

    /** This step's plans, in group order; grown to the number of parameters and reused. */
    private Planned[] planned = new Planned[0];
    /** What this step's planning created, to remove again if planning fails; reused. */
    private final List<Runnable> planUndo = new ArrayList<>();

    /**
     * Creates missing state and plans every parameter's step into {@link #planned}; returns how many.
     * If anything fails, the state created here is removed again, so the optimizer is as before the call.
     */
    private int planAll(StepContext context) {
        int total = 0;
        for (int g = 0; g < groups.size(); g++) {
            total += groups.get(g).parameters().size();
        }
        if (planned.length < total) {
            Planned[] grown = Arrays.copyOf(planned, total);
            for (int i = planned.length; i < total; i++) {
                grown[i] = new Planned();
            }
            planned = grown;
        }
        List<Runnable> undo = planUndo;
        undo.clear();
        int count = 0;
        try {
            for (int g = 0; g < groups.size(); g++) {
                ParamGroup group = groups.get(g);
                Hyperparameters h = group.hyperparameters();
                List<Parameter> parameters = group.parameters();
                for (int i = 0; i < parameters.size(); i++) {
                    Parameter p = parameters.get(i);
                    ParameterState state = createMissingState(p, h, undo);
                    long step = state.step() + 1;
                    StepContext own = parameterContexts == null ? context : parameterContexts.get(p);
                    StepPlan plan = state.hasCompressedBuffers() ? compressedStatePlan(p, state, h, step, own)
                            : plan(p, state, h, step, own);
                    planned[count++].set(p, state, step, plan);
                }
            }
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            for (int i = 0; i < count; i++) {
                planned[i].clear();
            }
            throw e;
        } finally {
            undo.clear();
        }
        return count;
    }

    /** The rule's fused plan over compressed state, or else the block path around its float32 plan. */
    private StepPlan compressedStatePlan(Parameter p, ParameterState state, Hyperparameters h, long step,
                                         StepContext context) {
        StepPlan fused = planCompressed(p, state, h, step, context);
        return fused != null ? fused : CompressedStatePass.plan(this, p, state, h, step, context, stateFormat);
    }

    /** The state of {@code p} with every buffer its rule keeps with {@code h}; what it creates, {@code undo} removes. */
    ParameterState createMissingState(Parameter p, Hyperparameters h, List<Runnable> undo) {
        ParameterState state = states.get(p.name());
        if (state == null) {
            ParameterState created = new ParameterState();
            for (Rule.Scalar s : rule.scalars()) {
                created.setScalar(s.name(), s.initialValue(h));
            }
            states.put(p.name(), created);
            undo.add(() -> states.remove(p.name()));
            state = created;
        }
        List<Rule.Buffer> buffers = rule.buffers();
        int[] shape = null; // copied only when a buffer is missing: a step with all state in place allocates nothing here
        for (int i = 0; i < buffers.size(); i++) {
            Rule.Buffer b = buffers.get(i);
            if (state.buffer(b.name()) != null || state.compressedBuffer(b.name()) != null) {
                continue;
            }
            if (shape == null) {
                shape = p.shape();
            }
            if (b.keptFor(h, shape)) {
                Map<String, Boolean> compressible = stateFormat.compresses(p.size()) ? rule.compressibleBuffers() : Map.of();
                Boolean signed = compressible.get(b.name());
                if (signed != null) {
                    state.putCompressed(b.name(), newCompressed(p.size(), signed, (float) b.initialValue().applyAsDouble(h)));
                } else {
                    state.create(b.name(), b.length(shape, h), (float) b.initialValue().applyAsDouble(h));
                }
                ParameterState s = state;
                undo.add(() -> s.discard(b.name()));
            }
        }
        if (p.isMixed() && state.buffer(MASTER) == null) {
            state.putBuffer(MASTER, widened(p.lowPrecision()));
            ParameterState s = state;
            undo.add(() -> s.discard(MASTER));
        }
        return state;
    }

    /** The master copy of bfloat16 or float16 weights: each widened exactly to float32. */
    private static float[] widened(Parameter.LowPrecision weights) {
        float[] master = new float[(int) weights.weights().size()];
        CompressedStateKernels k = CompressedStateKernels.get();
        short[] bits = weights.weightBits();
        if (bits != null) {
            k.widen(weights.isFloat16(), bits, weights.weightOffset(), master, 0, master.length);
            return master;
        }
        short[] block = new short[Math.min(MixedPass.BLOCK, master.length)]; // a native segment: block by block
        for (int start = 0; start < master.length; start += block.length) {
            int n = Math.min(block.length, master.length - start);
            Parameter.LowPrecision.read(weights.weights(), start, block, n);
            k.widen(weights.isFloat16(), block, 0, master, start, n);
        }
        return master;
    }

    /**
     * A buffer of {@code n} elements in this optimizer's state format holding {@code initial} as that
     * format encodes it (SGD's -0 stays -0 in bfloat16; a zero is 8-bit codes of scale 0; Adagrad's and
     * Yogi's initial accumulator value is one scale per block and the code of 1).
     */
    private CompressedBuffer newCompressed(int n, boolean signed, float initial) {
        return switch (stateFormat.kind()) {
            case BFLOAT16 -> {
                short[] bits = new short[n];
                if (Float.floatToRawIntBits(initial) != 0) {
                    java.util.Arrays.fill(bits, vecopt.tensor.BFloat16.fromFloat(initial));
                }
                yield new CompressedBuffer.BFloat16Buffer(bits);
            }
            case BLOCKWISE_8BIT -> {
                int blockSize = stateFormat.blockSize();
                byte[] codes = new byte[n];
                float[] absmax = new float[(n + blockSize - 1) / blockSize];
                if (initial != 0) { // as quantizing a block of initial values: scale |initial|, every code alike
                    vecopt.tensor.QuantizationMap map = signed ? vecopt.tensor.QuantizationMap.dynamicSigned()
                            : vecopt.tensor.QuantizationMap.dynamicUnsigned();
                    float scale = Math.abs(initial);
                    java.util.Arrays.fill(codes, (byte) map.encode(initial * vecopt.tensor.BlockwiseQuantizer.inverseScale(scale)));
                    java.util.Arrays.fill(absmax, scale);
                }
                yield new CompressedBuffer.BlockwiseBuffer(codes, absmax, blockSize, signed);
            }
            case FLOAT32 -> throw new IllegalStateException("float32 state is not compressed");
        };
    }

    /**
     * Creates every parameter's state now, as its first step would, so that a model too large for
     * memory fails here, at start-up, rather than in the middle of training. All or nothing: if an
     * allocation fails, no state is created. Steps taken afterwards give the same results as without
     * this call.
     *
     * @throws OutOfMemoryError if the state does not fit; the optimizer is then unchanged
     */
    public void allocateState() {
        guard.enter("allocateState()");
        try {
            allocateStateGuarded();
        } finally {
            guard.exit();
        }
    }

    /**
     * Runs {@code body} as one call of this optimizer, like {@link #step()}: an overlapping call on
     * another thread throws {@link java.util.ConcurrentModificationException}. For a rule's own public
     * calls that write parameters or state outside a step (schedule-free's {@code train()}, {@code eval()}).
     */
    void runGuarded(String call, Runnable body) {
        guard.enter(call);
        try {
            body.run();
        } finally {
            guard.exit();
        }
    }

    private void allocateStateGuarded() {
        List<Runnable> undo = new ArrayList<>();
        try {
            for (ParamGroup group : groups) {
                for (Parameter p : group.parameters()) {
                    createMissingState(p, group.hyperparameters(), undo);
                }
            }
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
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
     * This step's clipping, with one pass over the gradients when clipping by norm or checking for
     * non-finite values; null if the step is to be skipped. When a group clips or the optimizer clips
     * per parameter, each parameter's context goes to {@link #parameterContexts}, from the same pass.
     */
    private StepContext clipAndCheck() {
        float clipValue = ScopedClipping.clipValue(gradientClipping);
        lastGradientNorm = Double.NaN;
        parameterContexts = null;
        boolean scoped = ScopedClipping.applies(gradientClipping, groups);
        boolean byNorm = gradientClipping instanceof GradientClipping.ByNorm;
        if (!byNorm && nonFinitePolicy == NonFinitePolicy.PROPAGATE
                && !(scoped && ScopedClipping.needsNorms(gradientClipping, groups))) {
            if (scoped) {
                parameterContexts = ScopedClipping.contexts(gradientClipping, groups, null);
                parameterContexts.replaceAll((p, c) -> unscaled(c));
            }
            return unscaled(new StepContext(1f, clipValue));
        }
        double unscale = 1 / (lossScale * lossScale); // sums of squares of the gradients divided by the loss scale
        double[][] sums = scoped ? new double[groups.size()][] : null;
        double sumOfSquares = 0;
        for (int g = 0; g < groups.size(); g++) {
            List<Parameter> parameters = groups.get(g).parameters();
            if (scoped) {
                sums[g] = new double[parameters.size()];
            }
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                double s = p.hasLowPrecisionGrad() ? gradientNorms.sumOfSquaresLowPrecision(p, kernels)
                        : gradientNorms.sumOfSquares(p, kernels, executor);
                if (!Double.isFinite(s) && nonFinitePolicy != NonFinitePolicy.PROPAGATE) {
                    lastGradientNorm = Math.sqrt(s); // NaN or infinite, whatever the other parameters hold
                    if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                        return null;
                    }
                    int at = GradientNorms.firstNonFinite(p);
                    if (at < 0) { // cannot happen: the kernels sum an overflowing block again in double
                        throw new IllegalStateException("the gradient of " + p.name() + " has the sum of squares "
                                + s + " but no element is NaN or infinite");
                    }
                    throw new NonFiniteGradientException(p.name(), at, p.hasLowPrecisionGrad()
                            ? p.lowPrecision().grad().getFloat(at) : p.grad().array()[p.grad().offset() + at]);
                }
                s *= unscale;
                sumOfSquares += s;
                if (scoped) {
                    sums[g][i] = s;
                }
            }
        }
        lastGradientNorm = Math.sqrt(sumOfSquares);
        if (scoped) {
            parameterContexts = ScopedClipping.contexts(gradientClipping, groups, sums);
            parameterContexts.replaceAll((p, c) -> unscaled(c));
            return new StepContext(1f, clipValue); // not used: every parameter has its own
        }
        float normScale = gradientClipping instanceof GradientClipping.ByNorm clip
                ? (float) clip.coefficient(lastGradientNorm) : 1f;
        return unscaled(new StepContext(normScale, clipValue));
    }

    /**
     * Plans the rule's {@code step}-th step (1-based) of one parameter: coefficients from the group's
     * hyperparameters {@code h}, the step and the {@code context}, and the kernel call over the
     * parameter and its state. Every buffer the rule keeps with {@code h} exists already
     * ({@link ParameterState#isFresh} tells one no step has used yet). Nothing may be written here: the
     * step runs the kernels only once every parameter is planned.
     *
     * @param p the parameter
     * @param state its state
     * @param h its group's hyperparameters
     * @param step the step number, from 1
     * @param context the step's gradient scaling (clipping, maximize)
     * @return the kernel call to run
     */
    protected abstract StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step,
                                     StepContext context);

    /**
     * True if every buffer of {@code state} is one of the rule's, element-wise and as long as {@code p}:
     * the common case, checked without iterating the state's maps (which would allocate on every step
     * for every parameter). False sends {@link #checkStateFits} through the full check and its message.
     */
    private boolean stateFitsByRule(Parameter p, ParameterState state) {
        List<Rule.Buffer> buffers = rule.buffers();
        int plain = 0;
        int compressed = 0;
        for (int i = 0; i < buffers.size(); i++) {
            Rule.Buffer b = buffers.get(i);
            float[] buffer = state.buffer(b.name());
            if (buffer != null) {
                if (!b.elementWise() || buffer.length != p.size()) {
                    return false;
                }
                plain++;
            }
            CompressedBuffer c = state.compressedBuffer(b.name());
            if (c != null) {
                if (c.length() != p.size()) {
                    return false;
                }
                compressed++;
            }
        }
        if (p.isMixed()) {
            float[] master = state.buffer(MASTER);
            if (master != null) {
                if (master.length != p.size()) {
                    return false;
                }
                plain++;
            }
        }
        return plain == state.buffers().size() && compressed == state.compressedBuffers().size();
    }

    void checkStateFits(Parameter p, ParameterState state) {
        if (state == null || stateFitsByRule(p, state)) {
            return;
        }
        for (Map.Entry<String, float[]> e : state.buffers().entrySet()) {
            Rule.Buffer b = rule.buffer(e.getKey());
            int length = e.getValue().length;
            // element-wise buffers (nearly all) need no shape: no copy of it on every step
            if (b == null || b.elementWise() ? length != p.size() : !b.fits(length, p.size(), p.shape())) {
                String expected = b != null && b.stacked() ? "a whole number of rows of " + p.size()
                        : Integer.toString(b == null || b.elementWise() ? p.size() : b.length(p.shape()));
                throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                        + " elements, so its state " + e.getKey() + " must have " + expected + ", got " + length);
            }
        }
        for (Map.Entry<String, CompressedBuffer> e : state.compressedBuffers().entrySet()) {
            if (e.getValue().length() != p.size()) {
                throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                        + " elements, so its state " + e.getKey() + " must have as many, got " + e.getValue().length());
            }
        }
    }
}
