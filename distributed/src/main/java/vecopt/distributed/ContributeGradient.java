package vecopt.distributed;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * One worker's share of a synchronous round (the reduce-scatter of synchronous data parallelism): the
 * owner keeps each worker's gradient of the round; the one that completes the round sums them in worker
 * order (so the sum does not depend on arrival order), runs the rule once on the sum, and starts the
 * next round. Refused for a round other than the block's current one, or a worker out of range.
 */
final class ContributeGradient implements EntryProcessor<Integer, Block, PushReceipt>, DataSerializable {

    private String server;
    private int worker;
    private int workers;
    private long round;
    private float[] gradient;
    private transient Block result;

    ContributeGradient() {
    }

    ContributeGradient(String server, int worker, int workers, long round, float[] gradient) {
        this.server = server;
        this.worker = worker;
        this.workers = workers;
        this.round = round;
        this.gradient = gradient;
    }

    @Override
    public PushReceipt process(Map.Entry<Integer, Block> entry) {
        Block b = PushGradient.checked(server, entry, gradient);
        long before = b.version();
        if (round < b.syncRound()) { // a retried contribution of a round already completed
            return new PushReceipt(before, false);
        }
        if (round != b.syncRound()) {
            throw new IllegalStateException("block " + entry.getKey() + " of parameter server " + server
                    + " is in synchronous round " + b.syncRound() + ", worker " + worker + " sent round " + round);
        }
        if (!(worker >= 0 && worker < workers)) {
            throw new IllegalArgumentException("worker must be in [0, " + workers + "), got " + worker);
        }
        if (b.pending().containsKey(worker)) { // retried
            return new PushReceipt(before, false);
        }
        b.pending().put(worker, gradient);
        boolean complete = b.pending().size() == workers;
        if (complete) {
            float[] sum = new float[b.length()];
            for (float[] g : b.pending().values()) { // TreeMap: worker order
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += g[i];
                }
            }
            try {
                b.rule().apply(b, sum, null);
            } catch (RuntimeException e) {
                b.pending().remove(worker); // the block stays as it was before this contribution
                throw e;
            }
            b.recordPush(-1, 0);
            b.completeRound();
        }
        entry.setValue(b);
        result = b;
        return new PushReceipt(before, complete);
    }

    @Override
    public EntryProcessor<Integer, Block, PushReceipt> getBackupProcessor() {
        return result == null ? null : new StoreBlock<>(result);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(server);
        out.writeInt(worker);
        out.writeInt(workers);
        out.writeLong(round);
        out.writeFloatArray(gradient);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        server = in.readString();
        worker = in.readInt();
        workers = in.readInt();
        round = in.readLong();
        gradient = in.readFloatArray();
    }
}
