package vecopt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Applies one update rule to groups of parameters, the way {@code torch.optim.Optimizer} does:
 * hyperparameters per group, state per parameter created on its first step, one {@link #step()}
 * over everything. Subclasses turn a group's hyperparameters and a parameter's step count into
 * kernel coefficients and make one fused kernel call per parameter.
 *
 * <p>Not thread-safe: step and change hyperparameters from one thread, or synchronize.
 */
public abstract class Optimizer {

    private final String torchName;
    private final Hyperparameters defaults;
    private final OptimizerKernels kernels;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<String, ParameterState> states = new HashMap<>();
    private final Map<String, Parameter> byName = new HashMap<>();
    private ChunkedExecutor executor = ChunkedExecutor.callingThread();

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

    /** The state of the parameter called {@code name}, or null before its first step. */
    public ParameterState state(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no parameter called " + name);
        }
        return states.get(name);
    }

    /**
     * Updates every parameter from its gradient. Checks all state buffers against their parameters
     * first, so a mismatch is reported before anything is written.
     */
    public void step() {
        for (ParamGroup group : groups) {
            for (Parameter p : group.parameters()) {
                checkStateFits(p, states.get(p.name()));
            }
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

    /**
     * Applies the rule to one parameter for its {@code step}-th step (1-based), creating missing state
     * buffers with {@link ParameterState#bufferOrCreate}.
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
