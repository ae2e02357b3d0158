package vecopt.distributed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.checkpoint.Checkpointable;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.internal.EngineAccess;
import vecopt.tensor.FloatTensor;

/**
 * A parameter server as one vecopt checkpoint ({@link Checkpoints}, safetensors) sees it: an optimizer
 * over parameters {@code block.<b>}, one per block, and one {@link Checkpointable} that holds what the
 * optimizer does not.
 * <ul>
 * <li>A vecopt rule ({@link ServerRule.Vecopt}): the optimizer is that rule with the server's
 *     hyperparameters and every block's state (step, scalars, buffers), exactly as a local optimizer's
 *     checkpoint; the checkpointable is called {@code ParameterServer}.
 * <li>Any other rule: the optimizer is a stateless {@code SGD} that only fixes the blocks' names and
 *     lengths; the checkpointable, called {@code ParameterServer(<rule name>)}, holds the rule's
 *     settings ({@code lr} and {@code eps} of {@link ServerRule.DelayTolerantAdagrad}, none for
 *     {@link ServerRule.ElasticCentre}), each block's step and the rule's buffers per block
 *     ({@code z.<b>}, {@code G.<b>}, {@code G_max.<b>} of delay-tolerant Adagrad once the block has
 *     taken a push).
 * </ul>
 * The checkpointable's position has {@code length}, {@code block_size}, and per block
 * {@code version.<b>} (pushes applied) and {@code sync_round.<b>} (synchronous rounds completed); its
 * buffers are the values {@code values.<b>} ({@code __schedulers__/0/values.<b>} in the file). The
 * per-worker sequence numbers of retried pushes are not saved: a restored server serves new worker
 * sessions, which number their pushes from 0 again. A synchronous round half gathered is not saved
 * either: {@link ParameterServer#save} refuses it.
 *
 * <p>Loading checks everything (file integrity, the kind of rule, the layout, every count, the rule's
 * settings and buffers) before {@link ParameterServer#restore} changes a block.
 */
final class ServerCheckpoint implements Checkpointable {

    /** The checkpoint's name of every server whose rule is a vecopt rule. */
    static final String NAME = "ParameterServer";

    /** The rule that carries the layout when the server's rule is not a vecopt rule. */
    private static final String CARRIER = "SGD";

    private final ParameterServer server;
    private final ServerRule rule;
    final Optimizer optimizer;
    /** Per block: values, version, synchronous round, and (non-vecopt rules) step and rule buffers. */
    final float[][] values;
    final long[] versions;
    final long[] syncRounds;
    final long[] steps;
    final List<Map<String, float[]>> ruleBuffers;
    /** The rule with the settings of the checkpoint, once loaded (non-vecopt rules). */
    ServerRule loadedRule;

    private ServerCheckpoint(ParameterServer server, ServerRule rule, float[][] values) {
        this.server = server;
        this.rule = rule;
        int blocks = server.blockCount();
        this.values = values;
        versions = new long[blocks];
        syncRounds = new long[blocks];
        steps = new long[blocks];
        ruleBuffers = new ArrayList<>();
        List<Parameter> parameters = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            ruleBuffers.add(Map.of());
            parameters.add(new Parameter(parameterName(b), FloatTensor.of(values[b]),
                    FloatTensor.zeros(values[b].length)));
        }
        if (rule instanceof ServerRule.Vecopt v) {
            optimizer = v.rule().create(parameters, v.resolved());
        } else {
            Rule carrier = Rules.get(CARRIER);
            optimizer = carrier.create(parameters, carrier.defaults());
        }
        loadedRule = rule;
    }

    /** The server's blocks {@code all} as they are now, ready to save. */
    static ServerCheckpoint of(ParameterServer server, Map<Integer, Block> all) {
        float[][] values = new float[server.blockCount()][];
        for (int b = 0; b < values.length; b++) {
            values[b] = all.get(b).values();
        }
        ServerCheckpoint view = new ServerCheckpoint(server, all.get(0).rule(), values);
        Map<String, ParameterState> states = new LinkedHashMap<>();
        EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
        for (int b = 0; b < values.length; b++) {
            Block block = all.get(b);
            view.versions[b] = block.version();
            view.syncRounds[b] = block.syncRound();
            view.steps[b] = block.step();
            if (view.rule instanceof ServerRule.Vecopt) {
                if (block.step() > 0) {
                    states.put(parameterName(b), hooks.newState(block.step(), block.scalars(), block.buffers()));
                }
            } else {
                Map<String, float[]> kept = new LinkedHashMap<>();
                for (String name : ruleBufferNames(view.rule)) {
                    float[] buffer = block.buffers().get(name);
                    if (buffer != null) {
                        kept.put(name, buffer);
                    }
                }
                view.ruleBuffers.set(b, kept);
            }
        }
        if (view.rule instanceof ServerRule.Vecopt) {
            hooks.replaceState(view.optimizer, List.of(view.optimizer.paramGroups().get(0).hyperparameters()),
                    states);
        }
        return view;
    }

    /** An empty view of a server with {@code rule}, for loading a checkpoint into. */
    static ServerCheckpoint empty(ParameterServer server, ServerRule rule) {
        float[][] values = new float[server.blockCount()][];
        for (int b = 0; b < values.length; b++) {
            values[b] = new float[server.blockLength(b)];
        }
        return new ServerCheckpoint(server, rule, values);
    }

    /**
     * The blocks this view holds, after a load: values, the loaded rule and its state, version and
     * synchronous round.
     */
    Map<Integer, Block> blocks() {
        ServerRule restored = loadedRule;
        if (rule instanceof ServerRule.Vecopt v) {
            Hyperparameters h = optimizer.paramGroups().get(0).hyperparameters();
            restored = new ServerRule.Vecopt(v.torchName(), h.asMap());
        }
        Map<Integer, Block> blocks = new LinkedHashMap<>();
        for (int b = 0; b < values.length; b++) {
            Block block = new Block(b, server.blockOffset(b), values[b], restored);
            if (rule instanceof ServerRule.Vecopt) {
                ParameterState s = optimizer.state(parameterName(b));
                if (s != null) {
                    block.setState(s.step(), s.scalars(), s.buffers());
                }
            } else {
                block.setState(steps[b], Map.of(), ruleBuffers.get(b));
            }
            block.restoreCounters(versions[b], syncRounds[b]);
            blocks.put(b, block);
        }
        return blocks;
    }

    static String parameterName(int b) {
        return "block." + b;
    }

    /** The buffers a rule that is not a vecopt rule keeps per block, in the order they are saved. */
    static List<String> ruleBufferNames(ServerRule rule) {
        return switch (rule) {
            case ServerRule.DelayTolerantAdagrad d -> List.of(ServerRule.DelayTolerantAdagrad.SUM,
                    ServerRule.DelayTolerantAdagrad.ACCUMULATOR, ServerRule.DelayTolerantAdagrad.MAX_ACCUMULATOR);
            case ServerRule.ElasticCentre e -> List.of();
            case ServerRule.Vecopt v -> List.of(); // in the optimizer
        };
    }

    /** The settings a rule that is not a vecopt rule is saved with, by name. */
    private static Map<String, Number> ruleSettings(ServerRule rule) {
        return switch (rule) {
            case ServerRule.DelayTolerantAdagrad d -> {
                Map<String, Number> s = new LinkedHashMap<>();
                s.put("lr", d.lr());
                s.put("eps", d.eps());
                yield s;
            }
            case ServerRule.ElasticCentre e -> Map.of();
            case ServerRule.Vecopt v -> Map.of(); // the optimizer's hyperparameters
        };
    }

    /** The rule of {@code rule}'s kind with the saved {@code settings}, checked by the rule's constructor. */
    private static ServerRule withSettings(ServerRule rule, Map<String, Number> settings) {
        return switch (rule) {
            case ServerRule.DelayTolerantAdagrad d -> new ServerRule.DelayTolerantAdagrad(
                    settings.get("lr").doubleValue(), settings.get("eps").doubleValue());
            case ServerRule.ElasticCentre e -> e;
            case ServerRule.Vecopt v -> v;
        };
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public String checkpointName() {
        return rule instanceof ServerRule.Vecopt ? NAME : NAME + "(" + rule.name() + ")";
    }

    @Override
    public Map<String, Number> checkpointState() {
        Map<String, Number> state = new LinkedHashMap<>();
        state.put("length", (long) server.length());
        state.put("block_size", (long) server.blockSize());
        for (int b = 0; b < values.length; b++) {
            state.put("version." + b, versions[b]);
            state.put("sync_round." + b, syncRounds[b]);
        }
        if (!(rule instanceof ServerRule.Vecopt)) {
            for (int b = 0; b < values.length; b++) {
                state.put("step." + b, steps[b]);
            }
            state.putAll(ruleSettings(rule));
        }
        return state;
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        throw new IllegalArgumentException("a parameter server checkpoint holds the blocks' values");
    }

    @Override
    public Map<String, float[]> checkpointBuffers() {
        Map<String, float[]> buffers = new LinkedHashMap<>();
        for (int b = 0; b < values.length; b++) {
            buffers.put("values." + b, values[b]);
        }
        for (int b = 0; b < values.length; b++) {
            for (Map.Entry<String, float[]> e : ruleBuffers.get(b).entrySet()) {
                buffers.put(e.getKey() + "." + b, e.getValue());
            }
        }
        return buffers;
    }

    @Override
    public Map<String, Integer> checkpointBufferLengths() {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        for (int b = 0; b < values.length; b++) {
            lengths.put("values." + b, values[b].length);
        }
        for (int b = 0; b < values.length; b++) {
            for (String name : ruleBufferNames(rule)) {
                lengths.put(name + "." + b, values[b].length);
            }
        }
        return lengths;
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state, Map<String, float[]> buffers) {
        Map<String, Number> expected = checkpointState();
        if (!state.keySet().equals(expected.keySet())) {
            throw new IllegalArgumentException("the checkpoint's server has entries " + state.keySet()
                    + ", this server " + expected.keySet());
        }
        if (!Long.valueOf(server.length()).equals(state.get("length"))
                || !Long.valueOf(server.blockSize()).equals(state.get("block_size"))) {
            throw new IllegalArgumentException("the checkpoint's server has length " + state.get("length")
                    + " and block_size " + state.get("block_size") + ", this one " + server.length() + " and "
                    + server.blockSize());
        }
        int blocks = values.length;
        long[] newVersions = counts(state, "version.", blocks);
        long[] newRounds = counts(state, "sync_round.", blocks);
        float[][] newValues = new float[blocks][];
        for (int b = 0; b < blocks; b++) {
            newValues[b] = buffers.get("values." + b);
            if (newValues[b] == null) {
                throw new IllegalArgumentException("the checkpoint lacks values." + b);
            }
        }
        long[] newSteps = rule instanceof ServerRule.Vecopt ? null : counts(state, "step.", blocks);
        ServerRule newRule = rule;
        List<Map<String, float[]>> newRuleBuffers = new ArrayList<>();
        if (!(rule instanceof ServerRule.Vecopt)) {
            Map<String, Number> settings = new LinkedHashMap<>();
            for (String name : ruleSettings(rule).keySet()) {
                settings.put(name, state.get(name));
            }
            newRule = withSettings(rule, settings); // the rule's own checks: lr and eps finite and >= 0
            for (int b = 0; b < blocks; b++) {
                Map<String, float[]> kept = new LinkedHashMap<>();
                for (String name : ruleBufferNames(rule)) {
                    float[] buffer = buffers.get(name + "." + b);
                    if (buffer != null) {
                        kept.put(name, buffer);
                    }
                }
                boolean stepped = newSteps[b] > 0;
                if (stepped ? kept.size() != ruleBufferNames(rule).size() : !kept.isEmpty()) {
                    throw new IllegalArgumentException("block " + b + " has step " + newSteps[b] + " and buffers "
                            + kept.keySet() + "; " + rule.name() + " keeps " + ruleBufferNames(rule)
                            + " once a block has taken a push, none before");
                }
                newRuleBuffers.add(kept);
            }
        }
        ServerRule installedRule = newRule;
        return () -> {
            for (int b = 0; b < blocks; b++) {
                values[b] = newValues[b];
                versions[b] = newVersions[b];
                syncRounds[b] = newRounds[b];
                if (newSteps != null) {
                    steps[b] = newSteps[b];
                    ruleBuffers.set(b, newRuleBuffers.get(b));
                }
            }
            loadedRule = installedRule;
        };
    }

    /** The whole numbers {@code prefix<b>} of {@code state}, each checked to be a Long >= 0. */
    private static long[] counts(Map<String, Number> state, String prefix, int blocks) {
        long[] counts = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            Number v = state.get(prefix + b);
            if (!(v instanceof Long) || v.longValue() < 0) {
                throw new IllegalArgumentException(prefix + b + " must be a whole number >= 0, got " + v);
            }
            counts[b] = v.longValue();
        }
        return counts;
    }
}
