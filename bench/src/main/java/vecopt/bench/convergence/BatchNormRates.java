package vecopt.bench.convergence;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import vecopt.engine.Optimizer;

/**
 * Batch normalisation's claim that it tolerates higher learning rates (Ioffe and Szegedy 2015, as
 * Ruder's overview quotes it), measured: the Fashion-MNIST MLP of the experiments without dropout,
 * without and with batch norm, trained with SGD and Nesterov momentum 0.9 ({@link FashionTable}'s
 * "SGD+Nesterov") at each rate of {@link #RATES} for {@link #EPOCHS} epochs, same initial weights and
 * mini-batch order; per rate the final validation loss and test accuracy, or the epoch in which the
 * training cost stopped being finite.
 *
 * <p>Alone: {@code java --add-modules jdk.incubator.vector -cp vecopt-bench.jar
 * vecopt.bench.convergence.BatchNormRates [--data DIR] [--out DIR] [--threads 1|2]} trains on the
 * first {@link #ALONE_TRAIN_ROWS} training images, as the full Fashion-MNIST run's regularisation runs do.
 */
public final class BatchNormRates {

    /** Rates of SGD with Nesterov momentum, a factor of about 3 apart from below the experiments' pick (0.1). */
    public static final double[] RATES = {0.03, 0.1, 0.3, 1.0, 3.0};
    /** Epochs per run. */
    public static final int EPOCHS = 5;
    /** Training images of a run on its own (the full run passes its regularisation runs' rows). */
    public static final int ALONE_TRAIN_ROWS = 10_000;
    static final String CHART = "fashion-mlp-batchnorm-rates.png";

    private BatchNormRates() {
    }

    /** One run per rate, without batch norm and with it, in {@link #RATES} order. */
    public record Sweep(int epochs, List<EpochTrainer.Curves> plain, List<EpochTrainer.Curves> batchNorm) {
    }

    /** Trains the sweep on {@code data}'s training rows with {@code s}'s model, seeds and rate decay. */
    static Sweep run(FashionSuite.Settings s, FashionMnist.Split data, Progress progress) {
        int epochs = Math.min(EPOCHS, s.mlpEpochs());
        int[][] orders = EpochTrainer.shuffles(data.train().size(), epochs, s.orderSeed());
        List<List<EpochTrainer.Curves>> runs = List.of(new ArrayList<>(), new ArrayList<>());
        for (int bn = 0; bn < 2; bn++) {
            FeedForward.Options options = new FeedForward.Options(new int[] {s.hidden(), s.hidden()}, bn == 1, 0,
                    s.weightDecay(), s.initSeed(), s.dropoutSeed());
            for (double lr : RATES) {
                FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, options);
                Optimizer sgd = FashionTable.get("SGD+Nesterov").setup().build(net.parameters(), lr);
                runs.get(bn).add(EpochTrainer.train(bn == 1 ? "batch norm" : "no batch norm", net, sgd, data,
                        new EpochTrainer.Plan(s.batchSize(), orders, lr, s.decay(true), null), progress));
            }
        }
        return new Sweep(epochs, runs.get(0), runs.get(1));
    }

    /** Work units of {@link #run} for a {@link Progress}: examples seen. */
    static long work(FashionSuite.Settings s, int trainRows) {
        return 2L * RATES.length * Math.min(EPOCHS, s.mlpEpochs()) * trainRows;
    }

    /** Whether the run trained every epoch to a finite validation loss. */
    static boolean finished(EpochTrainer.Curves c) {
        return c.stop().isEmpty() && Double.isFinite(c.finalValidationLoss());
    }

    /** Final validation loss against the rate (log axis), a line per model; a diverged run has no point. */
    static XYChart chart(Sweep sweep) {
        XYChart chart = new XYChartBuilder().width(800).height(540)
                .title("MLP, SGD + Nesterov: final validation loss after " + sweep.epochs() + " epochs against the rate")
                .xAxisTitle("learning rate").yAxisTitle("validation loss (missing: diverged)").build();
        Charts.style(chart);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
        int color = 0;
        for (List<EpochTrainer.Curves> runs : List.of(sweep.plain(), sweep.batchNorm())) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (EpochTrainer.Curves c : runs) {
                if (finished(c)) {
                    xs.add(c.lr());
                    ys.add(c.finalValidationLoss());
                }
            }
            if (xs.isEmpty()) {
                xs.add(RATES[0]);
                ys.add(Double.NaN);
            }
            XYSeries series = chart.addSeries(runs.getFirst().label(), xs, ys);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(Charts.paletteColor(color));
            series.setMarkerColor(Charts.paletteColor(color++));
        }
        return chart;
    }

    /** The sweep as a markdown table: per rate, validation loss and test accuracy of both models. */
    static String table(Sweep sweep, int trainRows) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "## MLP with and without batch norm: SGD + Nesterov at higher rates (%,d training images, %d epochs)%n%n",
                trainRows, sweep.epochs()));
        md.append("| lr | no batch norm: validation loss | test acc | batch norm: validation loss | test acc |\n");
        md.append("|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < RATES.length; i++) {
            md.append("| ").append(TestFunctions.fmt(RATES[i])).append(" | ").append(cells(sweep.plain().get(i)))
                    .append(" | ").append(cells(sweep.batchNorm().get(i))).append(" |\n");
        }
        return md.toString();
    }

    private static String cells(EpochTrainer.Curves c) {
        if (!finished(c)) {
            return "diverged (" + (c.stop().isEmpty() ? "validation loss not finite" : c.stop()) + ") | -";
        }
        return String.format(Locale.ROOT, "%.4f | %.2f%%", c.finalValidationLoss(), 100 * c.finalTestAccuracy());
    }

    /** Runs the sweep alone and writes its chart and table; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path data = FashionMnist.DEFAULT_DIR;
        Path out = Path.of("bench-results", "convergence");
        int threads = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --data DIR, --out DIR, --threads 1|2");
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("option " + args[args.length - 1] + " needs a value");
        }
        String missing = FashionMnist.missingFiles(data);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Fashion-MNIST not found in " + data + " (missing " + missing
                    + "); sudo apt-get install dataset-fashion-mnist, or --data DIR");
        }
        MatrixProducts.setThreads(threads);
        FashionSuite.Settings s = FashionSuite.Settings.of(false);
        FashionMnist.Split split = FashionMnist.load(data).head(ALONE_TRAIN_ROWS, Integer.MAX_VALUE, Integer.MAX_VALUE);
        long start = System.nanoTime();
        Sweep sweep = run(s, split, new Progress(System.err, work(s, split.train().size())));
        write(sweep, split.train().size(), out, System.out);
        System.out.printf(Locale.ROOT, "took %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    /** Writes the chart into {@code dir} and prints the table; returns the chart's file. */
    static Path write(Sweep sweep, int trainRows, Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Path chart = dir.resolve(CHART);
        Charts.save(chart(sweep), chart);
        String table = table(sweep, trainRows);
        Files.writeString(dir.resolve("fashion-mlp-batchnorm-rates.md"), table, StandardCharsets.UTF_8);
        out.print(table);
        return chart;
    }
}
