package vecopt.engine.checkpoint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.Hyperparameters;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.Rule;
import vecopt.engine.StateFormat;
import vecopt.engine.WeightRounding;

/**
 * The state of an optimizer and of the schedulers that drive it, in memory: what a checkpoint file
 * holds ({@link Checkpoints}), as PyTorch's {@code optimizer.state_dict()} is what {@code torch.save}
 * writes. Every group's hyperparameters and parameters (names and shapes), every parameter's step
 * count, state buffers (float32, or as stored compressed: {@link vecopt.engine.StateFormat}) and scalars once
 * it has stepped, the step settings (skipped steps, non-finite
 * policy, clipping, noise, state format) and each scheduler's name, position and buffers.
 *
 * <pre>
 * StateDict best = Checkpoints.stateDict(optimizer, scheduler);    // a snapshot: copies every buffer
 * ...
 * Checkpoints.loadStateDict(optimizer, best, scheduler);            // back to it, all or nothing
 * </pre>
 *
 * <p>A value: a snapshot taken from an optimizer owns copies of its arrays, {@link #buffer} hands out
 * copies, and loading one copies it in, so a state dict can be loaded any number of times. Parameter
 * values are the model's and are not part of it, as in PyTorch.
 */
public final class StateDict {

    /**
     * One parameter group: its hyperparameters, its own gradient clipping
     * ({@link ParamGroup#gradientClipping()}) and its parameters in order.
     *
     * @param hyperparameters the group's hyperparameters
     * @param gradientClipping the group's own clipping, besides the optimizer's
     * @param parameters the group's parameters, in order (copied)
     */
    public record Group(Hyperparameters hyperparameters, GradientClipping gradientClipping,
                        List<ParameterEntry> parameters) {

        /** Checks that no component is null and copies {@code parameters}. */
        public Group {
            if (hyperparameters == null || gradientClipping == null || parameters == null) {
                throw new IllegalArgumentException("hyperparameters, gradientClipping and parameters must not be null");
            }
            parameters = List.copyOf(parameters);
        }
    }

    /**
     * One parameter: its name, shape and, once it has stepped ({@code state != null}), its state.
     *
     * @param name the parameter's name
     * @param shape the parameter's shape; its buffers have as many elements, or the shape its rule
     *              gives them (a stack's rows of it, Adafactor's factors)
     * @param state the parameter's state, null if it has not stepped
     */
    public record ParameterEntry(String name, int[] shape, State state) {

        /** Checks that {@code name} and {@code shape} are not null and copies {@code shape}. */
        public ParameterEntry {
            if (name == null || shape == null) {
                throw new IllegalArgumentException("name and shape must not be null");
            }
            shape = shape.clone();
        }

        /** {@return a copy of the parameter's shape} */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** {@return the number of elements, the product of the shape} */
        public int size() {
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            return size;
        }
    }

    /**
     * A parameter's state: its step count, its buffers (names to arrays, in the rule's order), those it
     * stores compressed ({@link vecopt.engine.StateFormat}, kept as stored: bfloat16 bits or 8-bit codes
     * with their block scales) and its scalars (such as NAdam's {@code mu_product}).
     */
    public static final class State {
        private final long step;
        private final Map<String, float[]> buffers;
        private final Map<String, CompressedBuffer> compressed;
        private final Map<String, Double> scalars;

        State(long step, Map<String, float[]> buffers, Map<String, CompressedBuffer> compressed,
              Map<String, Double> scalars) {
            this.step = step;
            this.buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
            this.compressed = Collections.unmodifiableMap(new LinkedHashMap<>(compressed));
            this.scalars = Collections.unmodifiableMap(new LinkedHashMap<>(scalars));
        }

        /** {@return the steps this parameter has taken} */
        public long step() {
            return step;
        }

        /** {@return the names of the float32 buffers, in order} */
        public Set<String> bufferNames() {
            return buffers.keySet();
        }

        /** {@return the names of the buffers stored compressed, in order; empty for float32 state} */
        public Set<String> compressedBufferNames() {
            return compressed.keySet();
        }

        /** {@return the scalars by name, in order} */
        public Map<String, Double> scalars() {
            return scalars;
        }

        /** Buffers by name, shared: for the writer only. */
        Map<String, float[]> sharedBuffers() {
            return buffers;
        }

        /** Compressed buffers by name, shared: for the writer only. */
        Map<String, CompressedBuffer> sharedCompressedBuffers() {
            return compressed;
        }
    }

    /**
     * The step settings: see {@link Optimizer#skippedSteps()} and the setters beside it.
     *
     * @param skippedSteps the steps skipped so far because a gradient was NaN or infinite
     * @param nonFinitePolicy what a step does with NaN or infinite gradients
     * @param gradientClipping how the optimizer clips gradients
     * @param gradientNoise the gradient noise added before each update
     * @param stateFormat how the optimizer stores its rule's moments ({@link Optimizer#stateFormat()})
     * @param weightRounding how mixed-precision weights are rounded ({@link Optimizer#weightRounding()})
     * @param lossScale the factor gradients are divided by ({@link Optimizer#lossScale()})
     */
    public record Settings(long skippedSteps, NonFinitePolicy nonFinitePolicy, GradientClipping gradientClipping,
                           GradientNoise gradientNoise, StateFormat stateFormat, WeightRounding weightRounding,
                           double lossScale) {

        /** Checks that {@code stateFormat} and {@code weightRounding} are given and {@code lossScale} is finite and positive. */
        public Settings {
            if (stateFormat == null) {
                throw new IllegalArgumentException("stateFormat must not be null; StateFormat.float32() is the default");
            }
            if (weightRounding == null) {
                throw new IllegalArgumentException("weightRounding must not be null; WeightRounding.nearestEven() is the default");
            }
            if (!(lossScale > 0) || !Double.isFinite(lossScale)) {
                throw new IllegalArgumentException("lossScale must be finite and > 0, got " + lossScale);
            }
        }

        /**
         * Settings of float32 state, weights rounded to nearest and no loss scale.
         *
         * @param skippedSteps the steps skipped so far because a gradient was NaN or infinite
         * @param nonFinitePolicy what a step does with NaN or infinite gradients
         * @param gradientClipping how the optimizer clips gradients
         * @param gradientNoise the gradient noise added before each update
         */
        public Settings(long skippedSteps, NonFinitePolicy nonFinitePolicy, GradientClipping gradientClipping,
                        GradientNoise gradientNoise) {
            this(skippedSteps, nonFinitePolicy, gradientClipping, gradientNoise, StateFormat.float32(),
                    WeightRounding.nearestEven(), 1);
        }
    }

    /** A scheduler's {@link Checkpointable#checkpointName() name}, position and buffers (shared: for the writer). */
    record SchedulerEntry(String name, Map<String, Number> state, Map<String, float[]> buffers) {
    }

    private final String optimizer;
    private final List<Group> groups;
    private final Settings settings;
    private final List<SchedulerEntry> schedulers;

    private StateDict(String optimizer, List<Group> groups, Settings settings, List<SchedulerEntry> schedulers) {
        this.optimizer = optimizer;
        this.groups = List.copyOf(groups);
        this.settings = settings;
        this.schedulers = List.copyOf(schedulers);
    }

    /**
     * The state of {@code optimizer} and {@code schedulers}; with {@code copy} false its arrays are the
     * optimizer's own (for writing a file without copying first).
     */
    static StateDict capture(Optimizer optimizer, List<Checkpointable> schedulers, boolean copy) {
        List<Group> groups = new ArrayList<>();
        for (ParamGroup group : optimizer.paramGroups()) {
            List<ParameterEntry> entries = new ArrayList<>();
            for (Parameter p : group.parameters()) {
                ParameterState s = optimizer.state(p.name());
                State state = null;
                if (s != null) {
                    Map<String, float[]> buffers = new LinkedHashMap<>();
                    for (Map.Entry<String, float[]> e : s.buffers().entrySet()) {
                        if (!CheckpointReader.isValidStateName(e.getKey())) {
                            throw new IllegalStateException("parameter " + p.name() + ": state name '" + e.getKey()
                                    + "' cannot be saved (empty or containing '/')");
                        }
                        Rule.Buffer declared = optimizer.rule().buffer(e.getKey());
                        int length = e.getValue().length;
                        if (declared == null ? length != p.size() : !declared.fits(length, p.size(), p.shape())) {
                            int[] own = declared == null ? null : declared.shapeFor(p.shape());
                            throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                                    + " elements but its state " + e.getKey() + " has " + length
                                    + (declared != null && declared.stacked() ? ", not a whole number of rows"
                                    : declared == null || declared.elementWise() ? ""
                                    : own == null ? ", a buffer " + optimizer.rule() + " does not keep for shape "
                                            + java.util.Arrays.toString(p.shape())
                                    : ", expected " + declared.length(p.shape()) + " for shape "
                                            + java.util.Arrays.toString(own)));
                        }
                        buffers.put(e.getKey(), copy ? e.getValue().clone() : e.getValue());
                    }
                    Map<String, CompressedBuffer> compressed = new LinkedHashMap<>();
                    for (Map.Entry<String, CompressedBuffer> e : s.compressedBuffers().entrySet()) {
                        if (!CheckpointReader.isValidStateName(e.getKey())) {
                            throw new IllegalStateException("parameter " + p.name() + ": state name '" + e.getKey()
                                    + "' cannot be saved (empty or containing '/')");
                        }
                        if (e.getValue().length() != p.size()) {
                            throw new IllegalStateException("parameter " + p.name() + " has " + p.size()
                                    + " elements but its compressed state " + e.getKey() + " has " + e.getValue().length());
                        }
                        compressed.put(e.getKey(), copy ? copyOf(e.getValue()) : e.getValue());
                    }
                    state = new State(s.step(), buffers, compressed, s.scalars());
                }
                entries.add(new ParameterEntry(p.name(), p.shape(), state));
            }
            groups.add(new Group(group.hyperparameters(), group.gradientClipping(), entries));
        }
        Settings settings = new Settings(optimizer.skippedSteps(), optimizer.nonFinitePolicy(),
                optimizer.gradientClipping(), optimizer.gradientNoise(), optimizer.stateFormat(),
                optimizer.weightRounding(), optimizer.lossScale());
        List<SchedulerEntry> entries = new ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            entries.add(schedulerEntry(i, schedulers.get(i), copy));
        }
        return new StateDict(optimizer.torchName(), groups, settings, entries);
    }

    /** A compressed buffer with its own arrays. */
    private static CompressedBuffer copyOf(CompressedBuffer buffer) {
        return switch (buffer) {
            case CompressedBuffer.BFloat16Buffer b -> new CompressedBuffer.BFloat16Buffer(b.bits().clone());
            case CompressedBuffer.BlockwiseBuffer q -> new CompressedBuffer.BlockwiseBuffer(q.codes().clone(),
                    q.absmax().clone(), q.blockSize(), q.signed());
        };
    }

    private static SchedulerEntry schedulerEntry(int i, Checkpointable c, boolean copy) {
        String name = c.checkpointName();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("schedulers[" + i + "] has no checkpointName(), got " + name);
        }
        String where = "schedulers[" + i + "] " + name;
        Map<String, Number> state = c.checkpointState();
        if (state == null) {
            throw new IllegalArgumentException(where + ": checkpointState() returned null");
        }
        Map<String, Number> position = new LinkedHashMap<>();
        for (Map.Entry<String, Number> e : state.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException(where + ": a state entry has no name, got " + e.getKey());
            }
            if (!(e.getValue() instanceof Double) && !(e.getValue() instanceof Long)) {
                throw new IllegalArgumentException(where + ": state entry " + e.getKey() + " is "
                        + (e.getValue() == null ? "null" : "a " + e.getValue().getClass().getName())
                        + "; a checkpoint holds Long and Double values");
            }
            position.put(e.getKey(), e.getValue());
        }
        Map<String, float[]> buffers = c.checkpointBuffers();
        if (buffers == null) {
            throw new IllegalArgumentException(where + ": checkpointBuffers() returned null");
        }
        Map<String, float[]> kept = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
                throw new IllegalArgumentException(where + ": buffer " + e.getKey() + " has no name or no array");
            }
            kept.put(e.getKey(), copy ? e.getValue().clone() : e.getValue());
        }
        return new SchedulerEntry(name, Collections.unmodifiableMap(position), Collections.unmodifiableMap(kept));
    }

    /** {@return the {@code torch.optim} class name of the optimizer it was taken from, e.g. {@code "Adam"}} */
    public String optimizer() {
        return optimizer;
    }

    /** {@return the parameter groups, in order} */
    public List<Group> groups() {
        return groups;
    }

    /** {@return the step settings} */
    public Settings settings() {
        return settings;
    }

    /** {@return the schedulers' names, in the order they were given} */
    public List<String> schedulerNames() {
        List<String> names = new ArrayList<>();
        schedulers.forEach(s -> names.add(s.name()));
        return Collections.unmodifiableList(names);
    }

    /**
     * The position of the {@code index}-th scheduler, as its {@link Checkpointable#checkpointState()} gave it.
     *
     * @param index the scheduler's index, from 0, in the order the schedulers were given
     * @return its state entries by name, unmodifiable
     * @throws IllegalArgumentException if {@code index} is out of range
     */
    public Map<String, Number> schedulerState(int index) {
        checkIndex("index", index, schedulers.size());
        return schedulers.get(index).state();
    }

    /**
     * A copy of the float32 buffer {@code buffer} of the parameter called {@code parameter}.
     *
     * @param parameter the parameter's name
     * @param buffer the buffer's name, such as {@code "exp_avg"}
     * @return a copy of the buffer, as long as the parameter
     * @throws IllegalArgumentException naming the parameter or buffer if there is no such one, or if the
     *     buffer is stored compressed
     */
    public float[] buffer(String parameter, String buffer) {
        for (Group g : groups) {
            for (ParameterEntry p : g.parameters()) {
                if (p.name().equals(parameter)) {
                    float[] b = p.state() == null ? null : p.state().buffers.get(buffer);
                    if (b == null && p.state() != null && p.state().compressed.containsKey(buffer)) {
                        throw new IllegalArgumentException("parameter " + parameter + " stores its buffer " + buffer
                                + " compressed, not as float32 (see compressedBufferNames())");
                    }
                    if (b == null) {
                        throw new IllegalArgumentException("parameter " + parameter + " has no buffer " + buffer
                                + (p.state() == null ? " (it has not stepped)" : "; it has " + p.state().bufferNames()));
                    }
                    return b.clone();
                }
            }
        }
        throw new IllegalArgumentException("no parameter called " + parameter);
    }

    /**
     * This state dict with group {@code group}'s hyperparameters replaced, as a PyTorch user edits
     * {@code state_dict()["param_groups"][g]}; the arrays are shared with this one, which is unchanged.
     *
     * @param group the group's index, from 0
     * @param hyperparameters the group's new hyperparameters, of the optimizer's kind
     * @return the changed state dict
     * @throws IllegalArgumentException if {@code group} is out of range or {@code hyperparameters} is null
     *     or of another kind
     */
    public StateDict withHyperparameters(int group, Hyperparameters hyperparameters) {
        checkIndex("group", group, groups.size());
        if (hyperparameters == null) {
            throw new IllegalArgumentException("hyperparameters must not be null");
        }
        Group old = groups.get(group);
        if (!hyperparameters.definitions().equals(old.hyperparameters().definitions())) {
            throw new IllegalArgumentException("hyperparameters must be of this " + optimizer + "'s kind "
                    + old.hyperparameters().definitions() + ", got " + hyperparameters.definitions());
        }
        List<Group> changed = new ArrayList<>(groups);
        changed.set(group, new Group(hyperparameters, old.gradientClipping(), old.parameters()));
        return new StateDict(optimizer, changed, settings, schedulers);
    }

    /** The schedulers' entries, arrays shared: for the writer. */
    List<SchedulerEntry> schedulerEntries() {
        return schedulers;
    }

    private static void checkIndex(String name, int index, int size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException(name + " must be in [0, " + size + "), got " + index);
        }
    }
}
