package vecopt.distributed;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;

/**
 * What the owner of a block answers to a push: the block's version before the push (staleness is that
 * minus the version the worker read) and whether it was applied (false for a retried push already applied,
 * or a synchronous gradient that waits for the rest of its round).
 */
public final class PushReceipt implements DataSerializable {

    private long versionBefore;
    private boolean applied;

    /** For Hazelcast's deserialization. */
    public PushReceipt() {
    }

    PushReceipt(long versionBefore, boolean applied) {
        this.versionBefore = versionBefore;
        this.applied = applied;
    }

    /** The block's version when the push arrived. */
    public long versionBefore() {
        return versionBefore;
    }

    /** Whether this push changed the block's values. */
    public boolean applied() {
        return applied;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(versionBefore);
        out.writeBoolean(applied);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        versionBefore = in.readLong();
        applied = in.readBoolean();
    }
}
