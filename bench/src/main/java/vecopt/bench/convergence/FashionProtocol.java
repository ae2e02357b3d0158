package vecopt.bench.convergence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vecopt.engine.Parameter;

/**
 * The Fashion-MNIST protocol as files, so that {@code bench/tools/fashion_torch.py} runs exactly what
 * the suite runs: {@code protocol.json} (settings, optimizers, grids, the signature), the rows of the
 * training file that form the training and validation subsets ({@code split.i32}), each experiment's
 * initial weights ({@code init-<experiment>.f32}, the parameters in {@link FeedForward#parameters()}
 * order, each row-major with shape (in, out) for weights) and mini-batch orders
 * ({@code orders-<experiment>.i32}, epochs x training rows). All little-endian. Dropout masks are not
 * exchanged: both sides compute them with {@link DropoutMasks}' hash.
 *
 * <p>PyTorch's per-epoch curves come back as the JSON fixture {@value #FIXTURE} in this package's
 * resources, used when its signature equals the run's.
 */
public final class FashionProtocol {

    public static final String FIXTURE = "fashion-torch.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FashionProtocol() {
    }

    /** Every setting that changes the curves, as one line; the fixture is for this line only. */
    public static String signature(FashionSuite.Settings s, int train, int validation, int test) {
        return String.format(java.util.Locale.ROOT,
                "fashion-mnist train=%d mlp-train=%d validation=%d test=%d split-seed=%d batch=%d wd=%s init=%d order=%d dropout=%s/%d "
                        + "logistic-epochs=%d mlp=%dx2 mlp-epochs=%d grid-epochs=%d/%d mlp-decay=%s",
                train, s.mlpTrainSize() == 0 ? train : Math.min(train, s.mlpTrainSize()), validation, test, FashionMnist.SPLIT_SEED, s.batchSize(), TestFunctions.fmt(s.weightDecay()),
                s.initSeed(), s.orderSeed(), TestFunctions.fmt(s.dropout()), s.dropoutSeed(), s.logisticEpochs(),
                s.hidden(), s.mlpEpochs(), s.logisticGridEpochs(), s.mlpGridEpochs(), s.mlpDecay() ? "inverse-sqrt-epoch" : "none");
    }

    /** Writes the protocol files into {@code dir}; returns them. */
    public static List<Path> export(FashionSuite.Settings s, FashionMnist.Split data, Path dataDir, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        int n = data.train().size();
        int[][] split = FashionMnist.splitIndices(data.trainFileSize());
        ObjectNode root = JSON.createObjectNode();
        root.put("signature", signature(s, n, data.validation().size(), data.test().size()));
        root.put("data_dir", dataDir.toAbsolutePath().toString());
        int mlpN = s.mlpTrainSize() == 0 ? n : Math.min(n, s.mlpTrainSize());
        root.put("train", n).put("mlp_train", mlpN).put("validation", data.validation().size()).put("test", data.test().size());
        root.put("batch_size", s.batchSize()).put("weight_decay", s.weightDecay());
        root.put("hidden", s.hidden()).put("dropout", s.dropout()).put("dropout_seed", s.dropoutSeed());
        root.put("logistic_epochs", s.logisticEpochs()).put("mlp_epochs", s.mlpEpochs())
                .put("logistic_grid_epochs", s.logisticGridEpochs()).put("mlp_grid_epochs", s.mlpGridEpochs())
                .put("mlp_decay", s.mlpDecay());
        ArrayNode optimizers = root.putArray("optimizers");
        for (FashionTable.Row row : FashionTable.all()) {
            ObjectNode o = optimizers.addObject();
            o.put("label", row.label()).put("torch", row.setup().torchName());
            o.set("kwargs", JSON.valueToTree(row.setup().kwargs()));
            o.set("logistic_grid", JSON.valueToTree(row.grid(false)));
            o.set("mlp_grid", JSON.valueToTree(row.grid(true)));
        }
        Path protocol = dir.resolve("protocol.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(protocol.toFile(), root);
        Path splitFile = dir.resolve("split.i32");
        int[] rows = new int[n + data.validation().size()];
        System.arraycopy(split[0], 0, rows, 0, n);
        System.arraycopy(split[1], 0, rows, n, data.validation().size());
        writeInts(splitFile, rows);
        List<Path> files = new java.util.ArrayList<>(List.of(protocol, splitFile));
        for (boolean mlp : new boolean[] {false, true}) {
            String name = mlp ? "mlp" : "logistic";
            FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, s.options(mlp));
            Path init = dir.resolve("init-" + name + ".f32");
            try (OutputStream out = Files.newOutputStream(init)) {
                for (Parameter p : net.parameters()) {
                    float[] v = p.value().array();
                    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    out.write(b.array());
                }
            }
            Path orders = dir.resolve("orders-" + name + ".i32");
            int count = mlp ? mlpN : n;
            int[][] o = FashionSuite.orders(s, count, mlp);
            int[] flat = new int[o.length * count];
            for (int e = 0; e < o.length; e++) {
                System.arraycopy(o[e], 0, flat, e * count, count);
            }
            writeInts(orders, flat);
            files.add(init);
            files.add(orders);
        }
        return files;
    }

    private static void writeInts(Path file, int[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        Files.write(file, b.array());
    }

    /**
     * vecopt's per-epoch curves of a run in the fixture's format (signature; per experiment and
     * optimizer: lr, train_cost, validation_loss, test_accuracy), so that both sides' curves can be
     * compared epoch by epoch outside the charts.
     */
    public static void writeCurves(FashionSuite.Results r, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("signature", signature(r.settings(), r.trainSize(), r.validationSize(), r.testSize()));
        root.put("generator", "vecopt convergence --dataset fashion-mnist");
        ObjectNode experiments = root.putObject("experiments");
        for (FashionSuite.Experiment e : List.of(r.logistic(), r.mlp())) {
            ObjectNode byLabel = experiments.putObject(e.name());
            for (EpochTrainer.Curves c : e.chosen()) {
                ObjectNode o = byLabel.putObject(c.label());
                o.put("lr", c.lr());
                o.set("train_cost", JSON.valueToTree(c.trainCost()));
                o.set("validation_loss", JSON.valueToTree(c.validationLoss()));
                o.set("test_accuracy", JSON.valueToTree(c.testAccuracy()));
            }
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    /** PyTorch's curves of one optimizer in one experiment. */
    public record TorchCurves(String label, double lr, double[] trainCost, double[] validationLoss, double[] testAccuracy) {

        public double finalTestAccuracy() {
            return testAccuracy[testAccuracy.length - 1];
        }
    }

    /** The fixture's curves by experiment ("logistic", "mlp") and label, if it exists and its signature is {@code signature}. */
    public static Optional<Map<String, Map<String, TorchCurves>>> fixture(String signature) throws IOException {
        try (InputStream in = FashionProtocol.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                return Optional.empty();
            }
            return parse(JSON.readTree(in), signature);
        }
    }

    /** As {@link #fixture(String)}, from a file the script wrote rather than the committed one; empty if it is missing. */
    public static Optional<Map<String, Map<String, TorchCurves>>> fixture(String signature, java.nio.file.Path file)
            throws IOException {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            return parse(JSON.readTree(in), signature);
        }
    }

    static Optional<Map<String, Map<String, TorchCurves>>> parse(JsonNode root, String signature) {
        if (!signature.equals(root.path("signature").asText())) {
            return Optional.empty();
        }
        Map<String, Map<String, TorchCurves>> all = new LinkedHashMap<>();
        root.path("experiments").fields().forEachRemaining(e -> {
            Map<String, TorchCurves> byLabel = new LinkedHashMap<>();
            e.getValue().fields().forEachRemaining(o -> byLabel.put(o.getKey(), new TorchCurves(o.getKey(),
                    o.getValue().path("lr").asDouble(), doubles(o.getValue().path("train_cost")),
                    doubles(o.getValue().path("validation_loss")), doubles(o.getValue().path("test_accuracy")))));
            all.put(e.getKey(), byLabel);
        });
        return Optional.of(all);
    }

    private static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = array.get(i).asDouble();
        }
        return d;
    }
}
