package vecopt.distributed;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;

/**
 * The backup side of a push: stores the block as the owner left it, so a backup replica holds the
 * owner's result bit for bit without running the update again (a rule's kernel is not re-run, and a
 * replica can never drift from its owner through a different thread split or kernel).
 */
final class StoreBlock<R> implements EntryProcessor<Integer, Block, R>, DataSerializable {

    private Block block;

    StoreBlock() {
    }

    StoreBlock(Block block) {
        this.block = block;
    }

    @Override
    public R process(Map.Entry<Integer, Block> entry) {
        entry.setValue(block);
        return null;
    }

    @Override
    public EntryProcessor<Integer, Block, R> getBackupProcessor() {
        return null;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        block.writeData(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        block = new Block();
        block.readData(in);
    }
}
