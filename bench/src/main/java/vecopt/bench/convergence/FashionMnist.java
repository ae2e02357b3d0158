package vecopt.bench.convergence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017; MIT licence), as the Debian package
 * {@code dataset-fashion-mnist} installs it: 60,000 training and 10,000 test images of 28x28 pixels in
 * ten classes of clothing. Nothing of it ships with vecopt; it is read where the package put it, or
 * from {@code --data DIR}.
 *
 * <p>The split is fixed: {@link #VALIDATION_SIZE} images of the training file, chosen by a permutation
 * from {@code SplittableRandom(SPLIT_SEED)}, are the validation set, the others the training set,
 * both in file order; the test file is the test set, untouched.
 */
public final class FashionMnist {

    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    public static final int FEATURES = 784;
    public static final int CLASSES = 10;
    public static final int VALIDATION_SIZE = 5_000;
    public static final long SPLIT_SEED = 20_260_318L;
    /** The class names, by label. */
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
        "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private FashionMnist() {
    }

    /**
     * The training, validation and test sets, and the number of images in the training file they
     * came from (which {@link #splitIndices} splits).
     */
    public record Split(Digits.Dataset train, Digits.Dataset validation, Digits.Dataset test, int trainFileSize) {

        /**
         * The first {@code train}, {@code validation} and {@code test} rows of each set (fewer where a
         * set is smaller): the quick mode's subset.
         */
        public Split head(int train, int validation, int test) {
            return new Split(first(this.train, train), first(this.validation, validation), first(this.test, test),
                    trainFileSize);
        }

        private static Digits.Dataset first(Digits.Dataset d, int n) {
            int[] rows = new int[Math.min(n, d.size())];
            Arrays.setAll(rows, i -> i);
            return d.rows(rows);
        }
    }

    /** The four files that {@code dir} lacks, space-separated, or the empty string. */
    public static String missingFiles(Path dir) {
        StringBuilder s = new StringBuilder();
        for (String f : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                s.append(s.isEmpty() ? "" : " ").append(f);
            }
        }
        return s.toString();
    }

    /** Reads the four files from {@code dir} and splits the training file. */
    public static Split load(Path dir) throws IOException {
        Digits.Dataset train = dataset(dir, TRAIN_IMAGES, TRAIN_LABELS);
        Digits.Dataset test = dataset(dir, TEST_IMAGES, TEST_LABELS);
        if (train.size() <= VALIDATION_SIZE) {
            throw new IOException(dir.resolve(TRAIN_IMAGES) + " has " + train.size() + " images, fewer than the "
                    + VALIDATION_SIZE + " the validation set takes");
        }
        int[][] parts = splitIndices(train.size());
        return new Split(train.rows(parts[0]), train.rows(parts[1]), test, train.size());
    }

    /**
     * The rows of a training file of {@code n} images that form the training set (index 0) and the
     * validation set (index 1), each ascending.
     */
    public static int[][] splitIndices(int n) {
        int[] perm = Digits.permutation(n, new SplittableRandom(SPLIT_SEED));
        int[] train = Arrays.copyOfRange(perm, 0, n - VALIDATION_SIZE);
        int[] validation = Arrays.copyOfRange(perm, n - VALIDATION_SIZE, n);
        Arrays.sort(train);
        Arrays.sort(validation);
        return new int[][] {train, validation};
    }

    static Digits.Dataset dataset(Path dir, String imagesFile, String labelsFile) throws IOException {
        float[][] images = Idx.images(dir.resolve(imagesFile));
        int[] labels = Idx.labels(dir.resolve(labelsFile));
        if (images.length != labels.length) {
            throw new IOException(dir.resolve(imagesFile) + " has " + images.length + " images but "
                    + dir.resolve(labelsFile) + " has " + labels.length + " labels");
        }
        int features = images.length == 0 ? 0 : images[0].length;
        float[] x = new float[images.length * features];
        for (int i = 0; i < images.length; i++) {
            System.arraycopy(images[i], 0, x, i * features, features);
            if (labels[i] >= CLASSES) {
                throw new IOException(dir.resolve(labelsFile) + ": label " + labels[i] + " at " + i + " is not in 0.." + (CLASSES - 1));
            }
        }
        return new Digits.Dataset(FMatrixRMaj.wrap(images.length, features, x), labels);
    }
}
