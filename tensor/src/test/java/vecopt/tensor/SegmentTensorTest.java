package vecopt.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentTensorTest {

    @Test
    void allocatedTensorsAreZeroAndCacheLineAligned() {
        try (Arena arena = Arena.ofConfined()) {
            for (DType t : DType.values()) {
                SegmentTensor x = SegmentTensor.allocate(arena, t, 3, 5);
                assertEquals(15, x.size());
                assertEquals(15L * t.byteSize(), x.byteSize());
                assertArrayEquals(new long[] {3, 5}, x.shape());
                assertEquals(0, x.segment().address() % SegmentTensor.ALIGNMENT, t.toString());
                assertArrayEquals(new float[15], x.toFloatArray());
            }
        }
    }

    @Test
    void elementsAreLittleEndianInTheirFormat() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor b = SegmentTensor.allocate(arena, DType.BFLOAT16, 2);
            b.setFloat(1, 1.5f); // bfloat16 0x3FC0
            assertEquals((byte) 0xC0, b.segment().get(ValueLayout.JAVA_BYTE, 2));
            assertEquals((byte) 0x3F, b.segment().get(ValueLayout.JAVA_BYTE, 3));
            SegmentTensor h = SegmentTensor.allocate(arena, DType.FLOAT16, 1);
            h.setFloat(0, -2f); // binary16 0xC000
            assertEquals((short) 0xC000, h.segment().get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
            SegmentTensor f = SegmentTensor.allocate(arena, DType.FLOAT32, 1);
            f.setFloat(0, 1f); // 0x3F800000
            assertEquals((byte) 0x3F, f.segment().get(ValueLayout.JAVA_BYTE, 3));
        }
    }

    @Test
    void writesRoundToNearestEvenAndStochasticWritesUseTheGivenBits() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor b = SegmentTensor.allocate(arena, DType.BFLOAT16, 1);
            b.setFloat(0, 1f + 0x1p-8f); // tie: even, 1
            assertEquals(1f, b.getFloat(0));
            b.setFloatStochastic(0, 1f + 0x1p-8f, 0x8000); // half way plus half the range carries
            assertEquals(1f + 0x1p-7f, b.getFloat(0));
            b.setFloatStochastic(0, 1f + 0x1p-8f, 0x7FFF);
            assertEquals(1f, b.getFloat(0));
        }
    }

    @Test
    void viewOfAFloatTensorSharesItsArray() {
        float[] a = {9, 1, 2, 3, 9};
        SegmentTensor s = SegmentTensor.of(FloatTensor.view(a, 1, 3));
        assertEquals(3, s.size());
        assertEquals(2f, s.getFloat(1));
        s.setFloat(2, 7f);
        assertEquals(7f, a[3]);
        assertTrue(!s.segment().isNative());
    }

    @Test
    void slicesAndCopiesConvertBetweenFormats() {
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor f = SegmentTensor.of(FloatTensor.of(new float[] {1f, 1.00390625f, -3f, 65520f}));
            SegmentTensor h = SegmentTensor.allocate(arena, DType.FLOAT16, 4);
            h.copyFrom(f);
            assertArrayEquals(new float[] {1f, 1.00390625f, -3f, Float.POSITIVE_INFINITY}, h.toFloatArray());
            SegmentTensor b = SegmentTensor.allocate(arena, DType.BFLOAT16, 4);
            b.copyFrom(f);
            assertArrayEquals(new float[] {1f, 1f, -3f, 65536f}, b.toFloatArray());
            SegmentTensor mid = b.slice(1, 2);
            mid.fill(0.5f);
            assertArrayEquals(new float[] {1f, 0.5f, 0.5f, 65536f}, b.toFloatArray());
        }
    }

    @Test
    void wrapsAMappedFileWithLongIndices(@TempDir Path dir) throws Exception {
        long n = (1L << 31) + 5; // past int indexing; the file is sparse, only touched pages exist
        Path file = dir.resolve("big.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, n * 2, arena);
            SegmentTensor t = SegmentTensor.wrap(mapped, DType.BFLOAT16, n);
            t.setFloat(n - 1, 3.0f);
            t.setFloat(1L << 31, -0.25f);
            assertEquals(3.0f, t.getFloat(n - 1));
            assertEquals(-0.25f, t.getFloat(1L << 31));
            assertEquals(0f, t.getFloat(n - 2));
            assertEquals(n * 2, Files.size(file));
        }
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals("shape[1] must be >= 0, got -1 in [2, -1]", assertThrows(IllegalArgumentException.class,
                    () -> SegmentTensor.allocate(arena, DType.FLOAT32, 2, -1)).getMessage());
            MemorySegment small = arena.allocate(8);
            assertEquals("shape [3] of FLOAT32 needs 12 bytes, but the segment has 8", assertThrows(
                    IllegalArgumentException.class, () -> SegmentTensor.wrap(small, DType.FLOAT32, 3)).getMessage());
            SegmentTensor u = SegmentTensor.allocate(arena, DType.UINT8, 2);
            assertThrows(IllegalArgumentException.class, () -> u.setFloat(0, 256f));
            assertThrows(IllegalArgumentException.class, () -> u.setFloat(0, 1.5f));
            assertThrows(IndexOutOfBoundsException.class, () -> u.getFloat(2));
            assertEquals(0f, u.getFloat(0));
            assertThrows(IllegalArgumentException.class, () -> u.copyFrom(SegmentTensor.allocate(arena, DType.UINT8, 3)));
        }
    }
}
