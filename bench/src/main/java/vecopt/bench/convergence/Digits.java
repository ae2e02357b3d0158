package vecopt.bench.convergence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.ejml.data.FMatrixRMaj;

/**
 * The 8x8 handwritten digits (UCI, as shipped by scikit-learn; see {@code digits.NOTICE.txt} beside
 * the data): 1,797 images of 64 pixels in 0..16 with labels 0..9. Pixels are scaled to [0, 1].
 */
public final class Digits {

    public static final int SAMPLES = 1797;
    public static final int FEATURES = 64;
    public static final int CLASSES = 10;
    /** Size of the test set of {@link #split()}: 360 images, about 20%. */
    public static final int TEST_SIZE = 360;
    /** Seed of the permutation behind {@link #split()}. */
    public static final long SPLIT_SEED = 20_260_101L;

    private static final String RESOURCE = "digits.csv.gz";

    /** Images as rows, in the file's order, and their labels. */
    private final Dataset all;

    private Digits(Dataset all) {
        this.all = all;
    }

    /** Reads the data set from bench's resources. */
    public static Digits load() {
        try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the vecopt.bench.convergence package");
            }
            return new Digits(parse(new GZIPInputStream(raw)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static Dataset parse(InputStream in) throws IOException {
        float[] pixels = new float[SAMPLES * FEATURES];
        int[] labels = new int[SAMPLES];
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        int row = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length != FEATURES + 1 || row == SAMPLES) {
                throw new IOException(RESOURCE + ": line " + (row + 1) + " has " + cells.length
                        + " values, expected " + (FEATURES + 1) + " on each of " + SAMPLES + " lines");
            }
            for (int j = 0; j < FEATURES; j++) {
                pixels[row * FEATURES + j] = (float) (Double.parseDouble(cells[j]) / 16.0);
            }
            labels[row] = (int) Double.parseDouble(cells[FEATURES]);
            row++;
        }
        if (row != SAMPLES) {
            throw new IOException(RESOURCE + " has " + row + " rows, expected " + SAMPLES);
        }
        return new Dataset(FMatrixRMaj.wrap(SAMPLES, FEATURES, pixels), labels);
    }

    /** All 1,797 images in the file's order. */
    public Dataset all() {
        return all;
    }

    /**
     * The fixed split: a permutation of the rows from {@code SplittableRandom(SPLIT_SEED)}; its last
     * {@link #TEST_SIZE} rows are the test set, the other 1,437 the training set, each kept in file order.
     */
    public Split split() {
        int[] perm = permutation(SAMPLES, new SplittableRandom(SPLIT_SEED));
        int[] train = Arrays.copyOfRange(perm, 0, SAMPLES - TEST_SIZE);
        int[] test = Arrays.copyOfRange(perm, SAMPLES - TEST_SIZE, SAMPLES);
        Arrays.sort(train);
        Arrays.sort(test);
        return new Split(all.rows(train), all.rows(test));
    }

    /** A Fisher-Yates permutation of 0..n-1. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, n, random);
        return p;
    }

    /** Shuffles {@code a[0, n)} in place. */
    static void shuffle(int[] a, int n, SplittableRandom random) {
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The training and test sets. */
    public record Split(Dataset train, Dataset test) {
    }

    /**
     * Images as the rows of {@code x} (n x 64, pixels in [0, 1]) and their labels.
     */
    public record Dataset(FMatrixRMaj x, int[] y) {

        public int size() {
            return y.length;
        }

        /** The given rows, copied, in the given order. */
        public Dataset rows(int[] rows) {
            FMatrixRMaj out = new FMatrixRMaj(rows.length, x.numCols);
            int[] labels = new int[rows.length];
            gather(rows, 0, rows.length, out, labels);
            return new Dataset(out, labels);
        }

        /** Copies rows {@code rows[from, to)} into {@code out} (reshaped to fit) and their labels into {@code labels}. */
        public void gather(int[] rows, int from, int to, FMatrixRMaj out, int[] labels) {
            int cols = x.numCols;
            out.reshape(to - from, cols, false);
            for (int i = from; i < to; i++) {
                System.arraycopy(x.data, rows[i] * cols, out.data, (i - from) * cols, cols);
                labels[i - from] = y[rows[i]];
            }
        }

        /**
         * How hard each example is, the curriculum's measure: the Euclidean distance from the image
         * to the mean image of its class in this set. Typical-looking digits are close to their
         * class mean and come first.
         */
        public double[] difficulty() {
            int cols = x.numCols;
            double[][] mean = new double[CLASSES][cols];
            int[] count = new int[CLASSES];
            for (int i = 0; i < size(); i++) {
                count[y[i]]++;
                for (int j = 0; j < cols; j++) {
                    mean[y[i]][j] += x.data[i * cols + j];
                }
            }
            for (int c = 0; c < CLASSES; c++) {
                for (int j = 0; j < cols; j++) {
                    mean[c][j] /= Math.max(1, count[c]);
                }
            }
            double[] d = new double[size()];
            for (int i = 0; i < size(); i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    double diff = x.data[i * cols + j] - mean[y[i]][j];
                    s += diff * diff;
                }
                d[i] = Math.sqrt(s);
            }
            return d;
        }
    }
}
