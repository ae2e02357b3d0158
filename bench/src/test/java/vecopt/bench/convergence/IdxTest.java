package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    /** Writes a gzipped IDX file: magic 0x0000080d, the sizes, then the bytes. */
    static void write(Path file, int dims, int[] sizes, byte[] data) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new GZIPOutputStream(raw))) {
            out.writeInt(0x0800 | dims);
            for (int s : sizes) {
                out.writeInt(s);
            }
            out.write(data);
        }
    }

    @Test
    void readsImagesAsRowsScaledToTheUnitIntervalAndLabelsAsInts() throws IOException {
        Path images = dir.resolve("i.gz");
        Path labels = dir.resolve("l.gz");
        write(images, 3, new int[] {2, 2, 3}, new byte[] {0, 51, (byte) 255, 1, 2, 3, (byte) 128, 0, 0, 0, 0, 17});
        write(labels, 1, new int[] {2}, new byte[] {9, 0});
        float[][] x = Idx.images(images);
        assertEquals(2, x.length);
        assertArrayEquals(new float[] {0f, 0.2f, 1f, 1 / 255f, 2 / 255f, 3 / 255f}, x[0], 1e-7f);
        assertArrayEquals(new float[] {128 / 255f, 0, 0, 0, 0, 17 / 255f}, x[1], 1e-7f);
        assertArrayEquals(new int[] {9, 0}, Idx.labels(labels));
    }

    @Test
    void rejectsAWrongMagicNumberAndATruncatedFile() throws IOException {
        Path labels = dir.resolve("l.gz");
        write(labels, 1, new int[] {3}, new byte[] {1, 2, 3});
        IOException wrongKind = assertThrows(IOException.class, () -> Idx.images(labels));
        assertTrue(wrongKind.getMessage().contains("magic number 0x00000801, expected 0x00000803"), wrongKind.getMessage());
        Path shortFile = dir.resolve("s.gz");
        write(shortFile, 1, new int[] {5}, new byte[] {1, 2});
        IOException truncated = assertThrows(IOException.class, () -> Idx.labels(shortFile));
        assertTrue(truncated.getMessage().contains("ends before the sizes its header gives"), truncated.getMessage());
        Path notGzip = dir.resolve("n.gz");
        Files.write(notGzip, new ByteArrayOutputStream().toByteArray());
        assertThrows(IOException.class, () -> Idx.labels(notGzip));
    }
}
