package vecopt.distributed;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.checkpoint.Checkpointable;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.internal.EngineAccess;
import vecopt.tensor.FloatTensor;

/**
 * A sharded parameter server on Hazelcast: a flat parameter vector cut into blocks of
 * {@link #blockSize()} floats, each block an entry of an {@link IMap} with its rule's state beside it,
 * so Hazelcast spreads the blocks over the members by partition and keeps a backup of each. A push is an
 * entry processor that runs the rule on the member that owns the block (the fused vecopt kernel runs
 * where the block lives); its backup replica stores the owner's result. A pull reads every block in one
 * bulk call ({@link IMap#executeOnKeys}) with a read-only processor that copies the values out.
 *
 * <p>Thread-safe: any number of workers may push and pull at once; pushes to one block are applied one
 * at a time, in arrival order, by the block's partition thread.
 */
public final class ParameterServer {

    /** Longest a bulk push or pull waits for the cluster before it fails. */
    static final long TIMEOUT_SECONDS = 120;

    /** Smallest and largest block sizes accepted, in floats (256 B to 64 MiB). */
    public static final int MIN_BLOCK_SIZE = 64, MAX_BLOCK_SIZE = 16 << 20;

    private final String name;
    private final IMap<Integer, Block> blocks;
    private final int length;
    private final int blockSize;

    private ParameterServer(String name, IMap<Integer, Block> blocks, int length, int blockSize) {
        this.name = name;
        this.blocks = blocks;
        this.length = length;
        this.blockSize = blockSize;
    }

    /**
     * Stores {@code initial} as a new server called {@code name}, cut into blocks of {@code blockSize}
     * floats (the last one shorter), each updated by {@code rule}. Replaces a server of that name.
     */
    public static ParameterServer create(HazelcastInstance hazelcast, String name, float[] initial, int blockSize,
                                         ServerRule rule) {
        if (hazelcast == null || name == null || name.isBlank() || rule == null) {
            throw new IllegalArgumentException("hazelcast, name and rule must be given, got " + hazelcast + ", "
                    + name + ", " + rule);
        }
        if (initial == null || initial.length == 0) {
            throw new IllegalArgumentException("initial must hold at least one parameter");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blockSize must be in [" + MIN_BLOCK_SIZE + ", " + MAX_BLOCK_SIZE
                    + "] floats, got " + blockSize);
        }
        IMap<Integer, Block> map = hazelcast.getMap(ClusterSettings.MAP_PREFIX + name);
        map.clear();
        ParameterServer server = new ParameterServer(name, map, initial.length, blockSize);
        Map<Integer, Block> all = new HashMap<>();
        for (int b = 0; b < server.blockCount(); b++) {
            int from = server.blockOffset(b);
            all.put(b, new Block(b, from, Arrays.copyOfRange(initial, from, from + server.blockLength(b)), rule));
        }
        map.putAll(all);
        layouts(hazelcast).put(name, new long[] {initial.length, blockSize});
        return server;
    }

    /** The server called {@code name} that a member of this cluster created. */
    public static ParameterServer connect(HazelcastInstance hazelcast, String name) {
        long[] layout = layouts(hazelcast).get(name);
        if (layout == null) {
            throw new IllegalArgumentException("the cluster has no parameter server " + name + "; it has "
                    + layouts(hazelcast).keySet());
        }
        return new ParameterServer(name, hazelcast.getMap(ClusterSettings.MAP_PREFIX + name), (int) layout[0],
                (int) layout[1]);
    }

    private static IMap<String, long[]> layouts(HazelcastInstance hazelcast) {
        return hazelcast.getMap("vecopt.layouts");
    }

    public String name() {
        return name;
    }

    /** Number of parameters. */
    public int length() {
        return length;
    }

    /** Floats per block (the last block may be shorter). */
    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return (int) ((length + (long) blockSize - 1) / blockSize);
    }

    /** Where block {@code b} starts. */
    public int blockOffset(int b) {
        return b * blockSize;
    }

    /** Number of floats in block {@code b}. */
    public int blockLength(int b) {
        return Math.min(blockSize, length - b * blockSize);
    }

    /** The parameters, every block's version, and for delay-tolerant Adagrad every gradient sum, read together. */
    public record Snapshot(float[] values, long[] versions, float[] gradientSums) {
    }

    /** Reads every block in one bulk call. */
    public Snapshot pull() {
        Set<Integer> keys = new LinkedHashSet<>();
        for (int b = 0; b < blockCount(); b++) {
            keys.add(b);
        }
        Map<Integer, BlockRead> reads = await(blocks.submitToKeys(keys, new ReadBlock()).toCompletableFuture());
        float[] values = new float[length];
        long[] versions = new long[blockCount()];
        float[] sums = null;
        for (int b = 0; b < blockCount(); b++) {
            BlockRead r = reads.get(b);
            if (r == null) {
                throw new IllegalStateException("parameter server " + name + " lost block " + b);
            }
            System.arraycopy(r.values(), 0, values, blockOffset(b), blockLength(b));
            versions[b] = r.version();
            if (r.gradientSum() != null) {
                if (sums == null) {
                    sums = new float[length];
                }
                System.arraycopy(r.gradientSum(), 0, sums, blockOffset(b), blockLength(b));
            }
        }
        return new Snapshot(values, versions, sums);
    }

    /** Pushes a gradient for one block and waits for the owner to apply it. */
    public PushReceipt push(int block, float[] gradient) {
        checkBlock(block);
        return await(blocks.submitToKey(block, new PushGradient(name, -1, 0, gradient, null)).toCompletableFuture());
    }

    /**
     * Pushes a gradient of every parameter: one push per block, all sent before any is awaited.
     * {@code sequence} must grow with each push of {@code worker}: a push retried by Hazelcast is then
     * applied once. {@code sumsAtRead} is the gradient sum the worker pulled (delay-tolerant Adagrad)
     * or null.
     *
     * @return each block's receipt
     * @throws IllegalArgumentException if the gradient is not as long as the server or holds NaN or an
     *     infinity; nothing is sent
     */
    public PushReceipt[] pushAll(int worker, long sequence, float[] gradient, float[] sumsAtRead) {
        checkLength("gradient", gradient);
        if (sumsAtRead != null) {
            checkLength("sumsAtRead", sumsAtRead);
        }
        return eachBlock(b -> new PushGradient(name, worker, sequence, slice(gradient, b),
                sumsAtRead == null ? null : slice(sumsAtRead, b)));
    }

    /**
     * Worker {@code worker}'s gradient for synchronous round {@code round} of {@code workers}: the owner
     * of each block keeps it until all have arrived, then steps once on their sum in worker order.
     */
    public PushReceipt[] contributeAll(int worker, int workers, long round, float[] gradient) {
        checkLength("gradient", gradient);
        if (!(worker >= 0 && worker < workers)) {
            throw new IllegalArgumentException("worker must be in [0, " + workers + "), got " + worker);
        }
        return eachBlock(b -> new ContributeGradient(name, worker, workers, round, slice(gradient, b)));
    }

    private PushReceipt[] eachBlock(Function<Integer, com.hazelcast.map.EntryProcessor<Integer, Block, PushReceipt>> op) {
        List<CompletableFuture<PushReceipt>> futures = new ArrayList<>();
        for (int b = 0; b < blockCount(); b++) {
            futures.add(blocks.submitToKey(b, op.apply(b)).toCompletableFuture());
        }
        PushReceipt[] receipts = new PushReceipt[futures.size()];
        RuntimeException first = null;
        for (int b = 0; b < receipts.length; b++) {
            try {
                receipts[b] = await(futures.get(b));
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
        return receipts;
    }

    /** A copy of block {@code b} with its state, as stored (tests, checkpoints). */
    public Block block(int b) {
        checkBlock(b);
        return blocks.get(b);
    }

    /** The map that holds the blocks. */
    IMap<Integer, Block> map() {
        return blocks;
    }

    /** Removes the server's blocks from the cluster. */
    public void destroy() {
        blocks.destroy();
    }

    private float[] slice(float[] a, int b) {
        int from = blockOffset(b);
        return Arrays.copyOfRange(a, from, from + blockLength(b));
    }

    /** Checks length and finiteness before anything is sent, so a bad push changes no block. */
    private void checkLength(String what, float[] a) {
        if (a == null || a.length != length) {
            throw new IllegalArgumentException("parameter server " + name + " has " + length + " parameters, the "
                    + what + " " + (a == null ? "is null" : "has " + a.length) + "; nothing was pushed");
        }
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalArgumentException("the " + what + " pushed to parameter server " + name
                        + " is not finite at index " + i + ": " + a[i] + "; nothing was pushed");
            }
        }
    }

    private void checkBlock(int b) {
        if (b < 0 || b >= blockCount()) {
            throw new IllegalArgumentException("parameter server " + name + " has blocks 0 to " + (blockCount() - 1)
                    + ", got block " + b + "; nothing was pushed");
        }
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }

    // ---- checkpoints ----

    /**
     * Saves every block's values and its rule's state in vecopt's checkpoint format
     * ({@link Checkpoints}): the state as an optimizer of the rule over parameters {@code block.<i>},
     * the values and versions as the arrays and position of one {@link Checkpointable}. Only servers
     * whose rule is a vecopt rule ({@link ServerRule.Vecopt}) can be saved. Not atomic with respect to
     * pushes in flight: save while no worker pushes.
     */
    public void save(Path file) throws IOException {
        Map<Integer, Block> all = allBlocks();
        ServerRule.Vecopt rule = vecoptRule(all.get(0));
        CheckpointView view = new CheckpointView(rule, all);
        view.loadState(all);
        Checkpoints.save(view.optimizer, file, view);
    }

    /**
     * Replaces every block's values and state with those saved in {@code file} by {@link #save}, after
     * checking all of it (same rule, same layout). Sequence numbers and synchronous rounds start afresh.
     */
    public void restore(Path file) throws IOException {
        Map<Integer, Block> all = allBlocks();
        ServerRule.Vecopt rule = vecoptRule(all.get(0));
        CheckpointView view = new CheckpointView(rule, all);
        Checkpoints.load(view.optimizer, file, view);
        Hyperparameters h = view.optimizer.paramGroups().get(0).hyperparameters();
        ServerRule.Vecopt restoredRule = new ServerRule.Vecopt(rule.torchName(), h.asMap());
        Map<Integer, Block> restored = new HashMap<>();
        for (int b = 0; b < blockCount(); b++) {
            Block block = new Block(b, blockOffset(b), view.values[b], restoredRule);
            ParameterState s = view.optimizer.state(CheckpointView.parameterName(b));
            if (s != null) {
                block.setState(s.step(), s.scalars(), s.buffers());
            }
            for (long v = 0; v < view.versions[b]; v++) {
                block.recordPush(-1, 0);
            }
            restored.put(b, block);
        }
        blocks.putAll(restored);
    }

    private Map<Integer, Block> allBlocks() {
        Set<Integer> keys = new LinkedHashSet<>();
        for (int b = 0; b < blockCount(); b++) {
            keys.add(b);
        }
        Map<Integer, Block> all = blocks.getAll(keys);
        for (int b = 0; b < blockCount(); b++) {
            if (all.get(b) == null) {
                throw new IllegalStateException("parameter server " + name + " lost block " + b);
            }
        }
        return all;
    }

    private ServerRule.Vecopt vecoptRule(Block first) {
        if (first.rule() instanceof ServerRule.Vecopt v) {
            return v;
        }
        throw new UnsupportedOperationException("parameter server " + name + " runs " + first.rule().name()
                + ", not a vecopt rule; only vecopt rules are saved in vecopt's checkpoint format");
    }

    /** The server as an optimizer (the state) and a checkpointable (the values and versions). */
    private final class CheckpointView implements Checkpointable {

        final Optimizer optimizer;
        final float[][] values;
        final long[] versions;

        CheckpointView(ServerRule.Vecopt rule, Map<Integer, Block> all) {
            values = new float[blockCount()][];
            versions = new long[blockCount()];
            List<Parameter> parameters = new ArrayList<>();
            for (int b = 0; b < blockCount(); b++) {
                values[b] = all.get(b).values();
                versions[b] = all.get(b).version();
                parameters.add(new Parameter(parameterName(b), FloatTensor.of(values[b]),
                        FloatTensor.zeros(values[b].length)));
            }
            optimizer = rule.rule().create(parameters, rule.resolved());
        }

        static String parameterName(int b) {
            return "block." + b;
        }

        void loadState(Map<Integer, Block> all) {
            EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
            Map<String, ParameterState> states = new LinkedHashMap<>();
            for (Map.Entry<Integer, Block> e : all.entrySet()) {
                Block b = e.getValue();
                if (b.step() > 0) {
                    states.put(parameterName(e.getKey()), hooks.newState(b.step(), b.scalars(), b.buffers()));
                }
            }
            hooks.replaceState(optimizer, List.of(optimizer.paramGroups().get(0).hyperparameters()), states);
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }

        @Override
        public String checkpointName() {
            return "ParameterServer";
        }

        @Override
        public Map<String, Number> checkpointState() {
            Map<String, Number> state = new LinkedHashMap<>();
            state.put("length", (long) length);
            state.put("block_size", (long) blockSize);
            for (int b = 0; b < versions.length; b++) {
                state.put("version." + b, versions[b]);
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
            return buffers;
        }

        @Override
        public Map<String, Integer> checkpointBufferLengths() {
            Map<String, Integer> lengths = new LinkedHashMap<>();
            for (int b = 0; b < values.length; b++) {
                lengths.put("values." + b, values[b].length);
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
            if (state.get("length").longValue() != length || state.get("block_size").longValue() != blockSize) {
                throw new IllegalArgumentException("the checkpoint's server has length " + state.get("length")
                        + " and block_size " + state.get("block_size") + ", this one " + length + " and " + blockSize);
            }
            long[] restoredVersions = new long[versions.length];
            for (int b = 0; b < versions.length; b++) {
                Number v = state.get("version." + b);
                if (!(v instanceof Long) || v.longValue() < 0) {
                    throw new IllegalArgumentException("version." + b + " must be a whole number >= 0, got " + v);
                }
                restoredVersions[b] = v.longValue();
            }
            float[][] restoredValues = new float[values.length][];
            for (int b = 0; b < values.length; b++) {
                restoredValues[b] = buffers.get("values." + b);
                if (restoredValues[b] == null) {
                    throw new IllegalArgumentException("the checkpoint lacks values." + b);
                }
            }
            return () -> {
                System.arraycopy(restoredVersions, 0, versions, 0, versions.length);
                for (int b = 0; b < values.length; b++) {
                    values[b] = restoredValues[b];
                }
            };
        }
    }
}
