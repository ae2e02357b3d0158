package vecopt.distributed;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One shard of a parameter server, the value of one entry of its map: a contiguous range of the
 * parameters, the rule that updates it, that rule's state for it (step count, scalars, buffers), how
 * many pushes it has taken ({@link #version()}, for staleness), the last push sequence number applied
 * per worker (so a push retried after a member failure is applied once), and the gradients of the
 * current synchronous round that have arrived so far.
 */
public final class Block implements DataSerializable {

    private int index;
    private int offset;
    private ServerRule rule;
    private float[] values;
    private long step;
    private Map<String, Double> scalars = new LinkedHashMap<>();
    private Map<String, float[]> buffers = new LinkedHashMap<>();
    private long version;
    private Map<Integer, Long> lastSequence = new HashMap<>();
    private long syncRound;
    private TreeMap<Integer, float[]> pending = new TreeMap<>();

    /** For Hazelcast's deserialization. */
    public Block() {
    }

    Block(int index, int offset, float[] values, ServerRule rule) {
        this.index = index;
        this.offset = offset;
        this.values = values;
        this.rule = rule;
    }

    /** The block's number in its server. */
    public int index() {
        return index;
    }

    /** Where the block starts in the flat parameter vector. */
    public int offset() {
        return offset;
    }

    /** Number of parameters in the block. */
    public int length() {
        return values.length;
    }

    /** The parameters themselves, shared, not copied. */
    public float[] values() {
        return values;
    }

    /** The rule that applies pushes. */
    public ServerRule rule() {
        return rule;
    }

    /** Steps the rule has taken on this block (its optimizer state's step count). */
    public long step() {
        return step;
    }

    /** The rule's scalar state, read-only. */
    public Map<String, Double> scalars() {
        return java.util.Collections.unmodifiableMap(scalars);
    }

    /** The rule's state buffers, shared, not copied. */
    public Map<String, float[]> buffers() {
        return java.util.Collections.unmodifiableMap(buffers);
    }

    /** Pushes applied to this block so far, including synchronous rounds. */
    public long version() {
        return version;
    }

    /** Synchronous rounds completed on this block. */
    public long syncRound() {
        return syncRound;
    }

    /** Workers whose gradient for the current synchronous round has arrived, in worker order. */
    public java.util.Set<Integer> pendingWorkers() {
        return java.util.Collections.unmodifiableSet(pending.keySet());
    }

    void setState(long step, Map<String, Double> scalars, Map<String, float[]> buffers) {
        this.step = step;
        this.scalars = new LinkedHashMap<>(scalars);
        this.buffers = new LinkedHashMap<>(buffers);
    }

    void replaceValues(float[] values) {
        this.values = values;
    }

    /** Whether {@code sequence} from {@code worker} was applied already (a retried push). */
    boolean applied(int worker, long sequence) {
        Long last = lastSequence.get(worker);
        return last != null && sequence <= last;
    }

    /** A push was applied: one more version, and the worker's sequence number remembered. */
    void recordPush(int worker, long sequence) {
        version++;
        if (worker >= 0) {
            lastSequence.put(worker, sequence);
        }
    }

    TreeMap<Integer, float[]> pending() {
        return pending;
    }

    void completeRound() {
        pending = new TreeMap<>();
        syncRound++;
    }

    /** Sets the counts a checkpoint restores: pushes applied and synchronous rounds completed. */
    void restoreCounters(long version, long syncRound) {
        this.version = version;
        this.syncRound = syncRound;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(index);
        out.writeInt(offset);
        writeRule(out, rule);
        out.writeFloatArray(values);
        out.writeLong(step);
        out.writeInt(scalars.size());
        for (Map.Entry<String, Double> e : scalars.entrySet()) {
            out.writeString(e.getKey());
            out.writeDouble(e.getValue());
        }
        out.writeInt(buffers.size());
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            out.writeString(e.getKey());
            out.writeFloatArray(e.getValue());
        }
        out.writeLong(version);
        out.writeInt(lastSequence.size());
        for (Map.Entry<Integer, Long> e : lastSequence.entrySet()) {
            out.writeInt(e.getKey());
            out.writeLong(e.getValue());
        }
        out.writeLong(syncRound);
        out.writeInt(pending.size());
        for (Map.Entry<Integer, float[]> e : pending.entrySet()) {
            out.writeInt(e.getKey());
            out.writeFloatArray(e.getValue());
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        index = in.readInt();
        offset = in.readInt();
        rule = readRule(in);
        values = in.readFloatArray();
        step = in.readLong();
        int n = in.readInt();
        scalars = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            scalars.put(in.readString(), in.readDouble());
        }
        n = in.readInt();
        buffers = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            buffers.put(in.readString(), in.readFloatArray());
        }
        version = in.readLong();
        n = in.readInt();
        lastSequence = new HashMap<>();
        for (int i = 0; i < n; i++) {
            lastSequence.put(in.readInt(), in.readLong());
        }
        syncRound = in.readLong();
        n = in.readInt();
        pending = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            pending.put(in.readInt(), in.readFloatArray());
        }
    }

    static void writeRule(ObjectDataOutput out, ServerRule rule) throws IOException {
        switch (rule) {
            case ServerRule.Vecopt v -> {
                out.writeByte(0);
                out.writeString(v.torchName());
                out.writeInt(v.hyperparameters().size());
                for (Map.Entry<String, Double> e : new TreeMap<>(v.hyperparameters()).entrySet()) {
                    out.writeString(e.getKey());
                    out.writeDouble(e.getValue());
                }
            }
            case ServerRule.DelayTolerantAdagrad d -> {
                out.writeByte(1);
                out.writeDouble(d.lr());
                out.writeDouble(d.eps());
            }
            case ServerRule.ElasticCentre e -> out.writeByte(2);
        }
    }

    static ServerRule readRule(ObjectDataInput in) throws IOException {
        byte kind = in.readByte();
        return switch (kind) {
            case 0 -> {
                String name = in.readString();
                int n = in.readInt();
                Map<String, Double> h = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    h.put(in.readString(), in.readDouble());
                }
                yield new ServerRule.Vecopt(name, h);
            }
            case 1 -> new ServerRule.DelayTolerantAdagrad(in.readDouble(), in.readDouble());
            case 2 -> new ServerRule.ElasticCentre();
            default -> throw new IOException("unknown server rule kind " + kind);
        };
    }
}
