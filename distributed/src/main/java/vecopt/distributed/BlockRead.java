package vecopt.distributed;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;

/**
 * A block as a pull returns it: a copy of its values, its version, and for delay-tolerant Adagrad a copy
 * of its gradient sum (null otherwise).
 */
public final class BlockRead implements DataSerializable {

    private int index;
    private long version;
    private float[] values;
    private float[] gradientSum;

    /** For Hazelcast's deserialization. */
    public BlockRead() {
    }

    BlockRead(int index, long version, float[] values, float[] gradientSum) {
        this.index = index;
        this.version = version;
        this.values = values;
        this.gradientSum = gradientSum;
    }

    public int index() {
        return index;
    }

    public long version() {
        return version;
    }

    public float[] values() {
        return values;
    }

    /** The sum of every gradient applied to the block (delay-tolerant Adagrad), or null. */
    public float[] gradientSum() {
        return gradientSum;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(index);
        out.writeLong(version);
        out.writeFloatArray(values);
        out.writeFloatArray(gradientSum);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        index = in.readInt();
        version = in.readLong();
        values = in.readFloatArray();
        gradientSum = in.readFloatArray();
    }
}
