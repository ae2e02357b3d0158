package vecopt.distributed;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.util.Map;

/** A pull: copies a block's values (and gradient sum, if its rule keeps one) on its owner; writes nothing. */
final class ReadBlock implements EntryProcessor<Integer, Block, BlockRead>, ReadOnly, DataSerializable {

    ReadBlock() {
    }

    @Override
    public BlockRead process(Map.Entry<Integer, Block> entry) {
        Block b = entry.getValue();
        if (b == null) {
            return null;
        }
        float[] sum = b.rule().pullsGradientSum() ? b.buffers().get(ServerRule.DelayTolerantAdagrad.SUM) : null;
        if (b.rule().pullsGradientSum() && sum == null) {
            sum = new float[b.length()];
        }
        return new BlockRead(b.index(), b.version(), b.values().clone(), sum == null ? null : sum.clone());
    }

    @Override
    public EntryProcessor<Integer, Block, BlockRead> getBackupProcessor() {
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
    }

    @Override
    public void readData(ObjectDataInput in) {
    }
}
