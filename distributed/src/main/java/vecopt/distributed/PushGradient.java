package vecopt.distributed;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * A push: runs the block's rule on the member that owns the block, with the pushed gradient. Refused,
 * changing nothing, if the block does not exist or the gradient's length is not the block's. A push
 * carries its worker's sequence number, so one that Hazelcast retries after a member failure is
 * applied once. The backup replica gets the owner's result ({@link StoreBlock}).
 */
final class PushGradient implements EntryProcessor<Integer, Block, PushReceipt>, DataSerializable {

    private String server;
    private int worker;
    private long sequence;
    private float[] gradient;
    private float[] sumAtRead;
    private transient Block result;

    PushGradient() {
    }

    PushGradient(String server, int worker, long sequence, float[] gradient, float[] sumAtRead) {
        this.server = server;
        this.worker = worker;
        this.sequence = sequence;
        this.gradient = gradient;
        this.sumAtRead = sumAtRead;
    }

    @Override
    public PushReceipt process(Map.Entry<Integer, Block> entry) {
        Block b = checked(server, entry, gradient);
        long before = b.version();
        if (worker >= 0 && b.applied(worker, sequence)) {
            return new PushReceipt(before, false);
        }
        b.rule().apply(b, gradient, sumAtRead);
        b.recordPush(worker, sequence);
        entry.setValue(b);
        result = b;
        return new PushReceipt(before, true);
    }

    /** The block of {@code entry}, after checking that it exists and is as long as {@code gradient}. */
    static Block checked(String server, Map.Entry<Integer, Block> entry, float[] gradient) {
        Block b = entry.getValue();
        if (b == null) {
            throw new IllegalArgumentException("parameter server " + server + " has no block " + entry.getKey()
                    + "; the push is refused");
        }
        if (gradient == null || gradient.length != b.length()) {
            throw new IllegalArgumentException("block " + entry.getKey() + " of parameter server " + server + " has "
                    + b.length() + " elements, the pushed gradient " + (gradient == null ? "none" : gradient.length)
                    + "; the push is refused");
        }
        return b;
    }

    @Override
    public EntryProcessor<Integer, Block, PushReceipt> getBackupProcessor() {
        return result == null ? null : new StoreBlock<>(result);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(server);
        out.writeInt(worker);
        out.writeLong(sequence);
        out.writeFloatArray(gradient);
        out.writeFloatArray(sumAtRead);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        server = in.readString();
        worker = in.readInt();
        sequence = in.readLong();
        gradient = in.readFloatArray();
        sumAtRead = in.readFloatArray();
    }
}
