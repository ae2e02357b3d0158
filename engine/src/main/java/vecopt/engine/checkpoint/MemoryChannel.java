package vecopt.engine.checkpoint;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes in memory, in blocks of {@value #BLOCK} bytes so that more than 2 GiB fit: what a checkpoint
 * read from a stream is gathered into, and what a state dict is encoded into, before
 * {@link CheckpointReader} checks it as it checks a file.
 */
final class MemoryChannel implements SeekableByteChannel {

    static final int BLOCK = 1 << 20;

    private final List<byte[]> blocks = new ArrayList<>();
    private long size;
    private long position;

    @Override
    public int read(ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int n = 0;
        while (dst.hasRemaining() && position < size) {
            byte[] block = blocks.get((int) (position / BLOCK));
            int at = (int) (position % BLOCK);
            int count = (int) Math.min(Math.min(dst.remaining(), BLOCK - at), size - position);
            dst.put(block, at, count);
            position += count;
            n += count;
        }
        return n;
    }

    /** Appends or overwrites at the position, growing as needed. */
    @Override
    public int write(ByteBuffer src) {
        int n = 0;
        while (src.hasRemaining()) {
            int index = (int) (position / BLOCK);
            while (blocks.size() <= index) {
                blocks.add(new byte[BLOCK]);
            }
            int at = (int) (position % BLOCK);
            int count = Math.min(src.remaining(), BLOCK - at);
            src.get(blocks.get(index), at, count);
            position += count;
            n += count;
        }
        size = Math.max(size, position);
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("newPosition must be >= 0, got " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new UnsupportedOperationException("a checkpoint in memory is not truncated");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
