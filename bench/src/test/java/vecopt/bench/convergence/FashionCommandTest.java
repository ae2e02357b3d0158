package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fashion-MNIST path of the command, on small synthetic IDX files: tests never need the package. */
class FashionCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return ConvergenceCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void missingDataSaysHowToInstallItAndFails() throws Exception {
        assertEquals(3, run("--dataset", "fashion-mnist", "--data", dir.resolve("nowhere").toString()));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("apt-get install dataset-fashion-mnist"), printed);
        assertTrue(printed.contains("missing train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz"), printed);
    }

    @Test
    void anUnknownDatasetAndDataWithoutFashionAreUsageErrors() throws Exception {
        assertEquals(2, run("--dataset", "cifar"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown dataset cifar; expected one of digits, fashion-mnist"));
        assertEquals(2, run("--data", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--data, --export-protocol, --torch and --threads need --dataset fashion-mnist"));
        assertEquals(2, run("--dataset", "fashion-mnist", "--threads", "3"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads must be 1 or 2, got 3"));
    }

    /**
     * 5,300 training images (5,000 become the validation set) and 400 test images whose class is a
     * bright stripe at row 2 * label: the quick run trains both models with nine optimizers, prints
     * the comparison tables and writes the charts, the summary and its own curves in the fixture's
     * format; the protocol export writes
     * the split, the initial weights and the orders.
     */
    @Test
    void quickRunOnSyntheticIdxFilesWritesChartsAndTables() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        writeSet(data, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, 5_300, 1);
        writeSet(data, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS, 400, 2);
        Path charts = dir.resolve("out");
        int status = run("--dataset", "fashion-mnist", "--data", data.toString(), "--quick", "--out", charts.toString());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed + err);
        assertTrue(printed.contains("Fashion-MNIST: 300 training, 500 validation, 400 test images"), printed);
        for (FashionTable.Row row : FashionTable.all()) {
            assertTrue(printed.contains("| " + row.label() + " | "), row.label());
        }
        assertTrue(printed.contains("## MLP 784-64-64-10, dropout 0.2"), printed);
        assertTrue(printed.contains("wrote 8 files to "), printed);
        for (String chart : List.of("fashion-logistic.png", "fashion-mlp.png", "fashion-mlp-regularisation.png", "fashion-mlp-line.png",
                "fashion-epoch-time.png", "fashion-mlp-batchnorm-rates.png")) {
            assertTrue(Files.size(charts.resolve(chart)) > 10_000, chart);
        }
        String summary = Files.readString(charts.resolve(FashionReport.SUMMARY));
        assertTrue(summary.contains("Signature: `fashion-mnist train=300"), summary);
        assertTrue(summary.contains("SGD + Nesterov at higher rates"), summary);
        var curves = FashionProtocol.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                charts.resolve(FashionReport.CURVES).toFile()), FashionProtocol.signature(FashionSuite.Settings.of(true), 300, 500, 400))
                .orElseThrow();
        assertEquals(2, curves.get("mlp").get("Adam").testAccuracy().length);

        Path protocol = dir.resolve("protocol");
        assertEquals(0, run("--dataset", "fashion-mnist", "--data", data.toString(), "--quick", "--export-protocol",
                protocol.toString()));
        assertEquals(4L * (300 + 500), Files.size(protocol.resolve("split.i32")));
        assertEquals(4L * 2 * 300, Files.size(protocol.resolve("orders-logistic.i32")));
        assertEquals(4L * (784 * 10 + 10), Files.size(protocol.resolve("init-logistic.f32")));
        assertEquals(4L * (784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10), Files.size(protocol.resolve("init-mlp.f32")));
    }

    private static void writeSet(Path dir, String images, String labels, int n, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] x = new byte[n * 784];
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(10);
            y[i] = (byte) label;
            for (int j = 0; j < 784; j++) {
                int row = j / 28;
                int v = row == 2 * label + 4 ? 200 + r.nextInt(56) : r.nextInt(90);
                x[i * 784 + j] = (byte) v;
            }
        }
        IdxTest.write(dir.resolve(images), 3, new int[] {n, 28, 28}, x);
        IdxTest.write(dir.resolve(labels), 1, new int[] {n}, y);
    }
}
