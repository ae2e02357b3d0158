package vecopt.bench.convergence;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzipped: a big-endian header (two zero bytes, the
 * element type 0x08 for unsigned bytes, the number of dimensions d, then d sizes as 32-bit integers)
 * followed by the elements in row-major order. Images are {@code idx3} (count, rows, columns),
 * labels {@code idx1} (count).
 */
public final class Idx {

    private static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** An {@code idx3} image file as rows of {@code rows * columns} pixels scaled from 0..255 to [0, 1]. */
    public static float[][] images(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            int pixels = dims[1] * dims[2];
            float[][] images = new float[dims[0]][pixels];
            byte[] row = new byte[pixels];
            for (float[] image : images) {
                readFully(in, row, file);
                for (int j = 0; j < pixels; j++) {
                    image[j] = (row[j] & 0xff) / 255f;
                }
            }
            return images;
        }
    }

    /** An {@code idx1} label file. */
    public static int[] labels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 1);
            byte[] raw = new byte[dims[0]];
            readFully(in, raw, file);
            int[] labels = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
    }

    private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims != expectedDims) {
            throw new IOException(String.format("%s: magic number 0x%08x, expected 0x%08x (unsigned bytes, %d dimensions)",
                    file, magic, (UNSIGNED_BYTE << 8) | expectedDims, expectedDims));
        }
        int[] sizes = new int[dims];
        for (int d = 0; d < dims; d++) {
            sizes[d] = in.readInt();
            if (sizes[d] < 0) {
                throw new IOException(file + ": dimension " + d + " has negative size " + sizes[d]);
            }
        }
        return sizes;
    }

    private static void readFully(DataInputStream in, byte[] into, Path file) throws IOException {
        try {
            in.readFully(into);
        } catch (EOFException e) {
            throw new IOException(file + " ends before the sizes its header gives", e);
        }
    }
}
