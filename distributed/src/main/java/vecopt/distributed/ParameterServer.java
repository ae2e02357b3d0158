package vecopt.distributed;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
import vecopt.engine.checkpoint.Checkpoints;

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
     * Saves the whole server in vecopt's checkpoint format ({@link Checkpoints}, safetensors): every
     * block's values, version and synchronous round, and its rule's settings and state, whatever the
     * rule (see {@link ServerCheckpoint} for the layout: a vecopt rule's state is that of an optimizer of
     * the rule over parameters {@code block.<i>}; delay-tolerant Adagrad's gradient sums and
     * accumulators and the elastic centre's steps are arrays and counts beside it). Not atomic with
     * respect to pushes in flight: save while no worker pushes.
     *
     * @throws IllegalStateException if a block lacks, or a synchronous round is half gathered (some
     *     workers' gradients have arrived, not all); nothing is written then
     */
    public void save(Path file) throws IOException {
        Map<Integer, Block> all = allBlocks();
        for (Block b : all.values()) {
            if (!b.pendingWorkers().isEmpty()) {
                throw new IllegalStateException("block " + b.index() + " of parameter server " + name
                        + " holds the gradients of workers " + b.pendingWorkers() + " for synchronous round "
                        + b.syncRound() + "; save between rounds");
            }
        }
        ServerCheckpoint view = ServerCheckpoint.of(this, all);
        Checkpoints.save(view.optimizer, file, view);
    }

    /**
     * Replaces every block's values, version, synchronous round, rule settings (a vecopt rule's
     * hyperparameters, delay-tolerant Adagrad's {@code lr} and {@code eps}) and rule state with those
     * saved in {@code file} by {@link #save}, after checking all of it: the file's integrity, the same
     * kind of rule (the same vecopt rule, or the same other rule), the same length and block size. The
     * server may be a fresh one of the same layout on another cluster. Sequence numbers of retried
     * pushes start afresh (workers number their pushes from 0 again).
     *
     * @throws vecopt.engine.checkpoint.CheckpointException if the file is damaged or does not fit this
     *     server; no block is changed then
     */
    public void restore(Path file) throws IOException {
        Map<Integer, Block> all = allBlocks();
        ServerCheckpoint view = ServerCheckpoint.empty(this, all.get(0).rule());
        Checkpoints.load(view.optimizer, file, view);
        blocks.putAll(view.blocks());
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
}
