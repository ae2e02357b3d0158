package vecopt.bench.convergence;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The Fashion-MNIST charts (training cost against the epoch, as the Adam paper plots it, vecopt solid
 * and PyTorch dashed where the fixture matches) and {@code fashion-summary.md} with the comparison table.
 */
public final class FashionReport {

    public static final String SUMMARY = "fashion-summary.md";
    /** vecopt's per-epoch curves, in the PyTorch fixture's format. */
    public static final String CURVES = "fashion-vecopt.json";
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0x17becf)};
    private static final BasicStroke SOLID = new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final BasicStroke DASHED = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
            10f, new float[] {5f, 4f}, 0f);

    private FashionReport() {
    }

    static Color colorOf(String label) {
        List<FashionTable.Row> rows = FashionTable.all();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).label().equals(label)) {
                return COLORS[i % COLORS.length];
            }
        }
        return Color.DARK_GRAY;
    }

    /** Writes the charts and the summary into {@code dir}; returns the files. */
    public static List<Path> write(FashionSuite.Results r, Map<String, Map<String, FashionProtocol.TorchCurves>> torch,
                                   Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (FashionSuite.Experiment e : List.of(r.logistic(), r.mlp())) {
            Path file = dir.resolve("fashion-" + e.name() + ".png");
            Charts.save(costChart(e, torch == null ? null : torch.get(e.name())), file);
            files.add(file);
        }
        Path regularisation = dir.resolve("fashion-mlp-regularisation.png");
        Charts.saveGrid(regularisationCharts(r), 2, regularisation);
        files.add(regularisation);
        Path batchNormRates = dir.resolve(BatchNormRates.CHART);
        Charts.save(BatchNormRates.chart(r.batchNormRates()), batchNormRates);
        files.add(batchNormRates);
        Path line = dir.resolve("fashion-mlp-line.png");
        Charts.save(LineInterpolation.chart(r.mlp().model(), r.lines()), line);
        files.add(line);
        Path timing = dir.resolve("fashion-epoch-time.png");
        org.knowm.xchart.BitmapEncoder.saveBitmap(EpochTiming.chart(r.timing(), r.trainSize()), timing.toString(),
                org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
        files.add(timing);
        Path curves = dir.resolve(CURVES);
        FashionProtocol.writeCurves(r, curves);
        files.add(curves);
        Path summary = dir.resolve(SUMMARY);
        Files.writeString(summary, summary(r, torch), StandardCharsets.UTF_8);
        files.add(summary);
        return files;
    }

    /** Training cost and validation loss of the regularisation runs; an early stop ends its line. */
    static List<XYChart> regularisationCharts(FashionSuite.Results r) {
        List<XYChart> charts = new ArrayList<>();
        for (boolean validation : new boolean[] {false, true}) {
            XYChart chart = new XYChartBuilder().width(700).height(520)
                    .title("MLP, Adam: " + (validation ? "validation loss" : "training cost"))
                    .xAxisTitle("epoch").yAxisTitle(validation ? "mean cross-entropy, validation set" : "training cost").build();
            Charts.style(chart);
            chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
            for (int i = 0; i < r.regularisation().size(); i++) {
                EpochTrainer.Curves c = r.regularisation().get(i);
                XYSeries s = add(chart, c.label() + (c.stop().isEmpty() ? "" : " (stopped, best epoch " + c.bestEpoch() + ")"),
                        validation ? c.validationLoss() : c.trainCost(), Charts.paletteColor(i), SOLID);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
            chart.getStyler().setMarkerSize(5);
            charts.add(chart);
        }
        return charts;
    }

    static XYChart costChart(FashionSuite.Experiment e, Map<String, FashionProtocol.TorchCurves> torch) {
        XYChart chart = new XYChartBuilder().width(1000).height(650)
                .title("Fashion-MNIST " + e.model() + ": training cost" + (torch == null ? "" : " (vecopt solid, PyTorch dashed)"))
                .xAxisTitle("epoch").yAxisTitle("training cost (mean mini-batch cross-entropy + L2)").build();
        Charts.style(chart);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        for (EpochTrainer.Curves c : e.chosen()) {
            add(chart, c.label() + " " + TestFunctions.fmt(c.lr()), c.trainCost(), colorOf(c.label()), SOLID);
            FashionProtocol.TorchCurves t = torch == null ? null : torch.get(c.label());
            if (t != null) {
                XYSeries s = add(chart, c.label() + " (PyTorch)", t.trainCost(), colorOf(c.label()), DASHED);
                s.setShowInLegend(false);
            }
        }
        return chart;
    }

    private static XYSeries add(XYChart chart, String name, double[] cost, Color color, BasicStroke stroke) {
        double[] x = new double[cost.length];
        double[] y = new double[cost.length];
        for (int i = 0; i < cost.length; i++) {
            x[i] = i + 1;
            y[i] = Math.max(1e-6, cost[i]);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(cost.length <= 3 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setMarkerColor(color);
        s.setLineColor(color);
        s.setLineStyle(stroke);
        return s;
    }

    public static String summary(FashionSuite.Results r, Map<String, Map<String, FashionProtocol.TorchCurves>> torch) {
        FashionSuite.Settings s = r.settings();
        StringBuilder md = new StringBuilder("# Fashion-MNIST: the Adam paper's experiments\n\n");
        md.append(String.format(Locale.ROOT, "%s run: %,d training (MLP: the first %,d; its regularisation runs: the first %,d), %,d validation, %,d test images; mini-batches of %d; "
                        + "L2 penalty %s; rate lr / sqrt(epoch) (%s); grid runs of %d epochs (logistic regression) and %d (MLP), "
                        + "chosen rate by lowest validation loss; took %.1f s.%n",
                s.quick() ? "Quick" : "Full", r.trainSize(), r.mlpTrainSize(), r.regularisationTrainSize(), r.validationSize(), r.testSize(), s.batchSize(),
                TestFunctions.fmt(s.weightDecay()), s.decay(true) ? "both models" : "logistic regression; the MLP's constant",
                s.gridEpochs(false), s.gridEpochs(true), r.nanos() / 1e9));
        md.append("\nSignature: `").append(FashionProtocol.signature(s, r.trainSize(), r.validationSize(), r.testSize()))
                .append("`\n\n");
        if (torch == null) {
            md.append("No PyTorch fixture for this signature: the tables show vecopt only.\n\n");
        }
        for (FashionSuite.Experiment e : List.of(r.logistic(), r.mlp())) {
            md.append(table(e, torch == null ? null : torch.get(e.name())));
            md.append("\nGrid (final validation loss after the grid epochs, per rate):\n\n| optimizer | rates |\n|---|---|\n");
            for (FashionTable.Row row : FashionTable.all()) {
                md.append("| ").append(row.label()).append(" |");
                for (EpochTrainer.Curves c : e.grid()) {
                    if (c.label().equals(row.label())) {
                        md.append(' ').append(TestFunctions.fmt(c.lr())).append(": ")
                                .append(c.stop().isEmpty() ? String.format(Locale.ROOT, "%.4f", c.finalValidationLoss()) : "diverged")
                                .append(';');
                    }
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        md.append(String.format(Locale.ROOT, "%n## MLP with Adam: dropout, batch norm, early stopping (%,d training images)%n%n"
                + "| run | epochs | best epoch | final cost | validation loss | test acc | note |%n|---|---:|---:|---:|---:|---:|---|%n",
                r.regularisationTrainSize()));
        for (EpochTrainer.Curves c : r.regularisation()) {
            if (c.epochs() == 0) {
                md.append("| ").append(c.label()).append(" | 0 | — | — | — | — | ").append(c.stop()).append(" |\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.4f | %.4f | %.2f%% | %s |%n", c.label(), c.epochs(),
                    c.bestEpoch(), c.finalTrainCost(), c.validationLoss()[c.bestEpoch() - 1],
                    100 * c.testAccuracy()[c.bestEpoch() - 1], c.stop()));
        }
        md.append('\n').append(BatchNormRates.table(r.batchNormRates(), r.regularisationTrainSize()));
        md.append(EpochTiming.table(r.timing(), r.trainSize()));
        return md.toString();
    }

    /**
     * The comparison table of one experiment: per optimizer, the chosen rate, final test accuracy of
     * vecopt and PyTorch and their difference in percentage points, and the rank of each by accuracy.
     */
    public static String table(FashionSuite.Experiment e, Map<String, FashionProtocol.TorchCurves> torch) {
        StringBuilder md = new StringBuilder("\n## ").append(e.model()).append("\n\n");
        List<EpochTrainer.Curves> chosen = e.chosen();
        List<String> vecoptRank = chosen.stream().sorted(Comparator.comparingDouble(c -> -c.finalTestAccuracy()))
                .map(EpochTrainer.Curves::label).toList();
        List<String> torchRank = torch == null ? List.of() : torch.values().stream()
                .sorted(Comparator.comparingDouble(t -> -t.finalTestAccuracy())).map(FashionProtocol.TorchCurves::label).toList();
        md.append("| optimizer | lr | epochs | final cost | test acc vecopt | test acc PyTorch | diff (pp) | rank vecopt | rank PyTorch |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double worst = 0;
        for (EpochTrainer.Curves c : chosen) {
            FashionProtocol.TorchCurves t = torch == null ? null : torch.get(c.label());
            String tAcc = t == null ? "—" : String.format(Locale.ROOT, "%.2f%%", 100 * t.finalTestAccuracy());
            String diff = t == null ? "—" : String.format(Locale.ROOT, "%+.2f", 100 * (c.finalTestAccuracy() - t.finalTestAccuracy()));
            if (t != null) {
                worst = Math.max(worst, Math.abs(100 * (c.finalTestAccuracy() - t.finalTestAccuracy())));
            }
            String tLr = t == null || t.lr() == c.lr() ? "" : " (PyTorch " + TestFunctions.fmt(t.lr()) + ")";
            md.append(String.format(Locale.ROOT, "| %s | %s%s | %d | %.4f | %.2f%% | %s | %s | %d | %s |%n", c.label(),
                    TestFunctions.fmt(c.lr()), tLr, c.epochs(), c.finalTrainCost(), 100 * c.finalTestAccuracy(),
                    tAcc, diff, vecoptRank.indexOf(c.label()) + 1, t == null ? "—" : String.valueOf(torchRank.indexOf(c.label()) + 1)));
        }
        if (torch != null) {
            md.append(String.format(Locale.ROOT, "%nLargest difference %.2f pp (target 0.5); same ranking: %s.%n", worst,
                    vecoptRank.equals(torchRank) ? "yes" : "no"));
            List<String> vecoptMeanRank = chosen.stream()
                    .sorted(Comparator.comparingDouble(c -> -tailMean(c.testAccuracy()))).map(EpochTrainer.Curves::label).toList();
            List<String> torchMeanRank = torch.values().stream()
                    .sorted(Comparator.comparingDouble(t -> -tailMean(t.testAccuracy()))).map(FashionProtocol.TorchCurves::label).toList();
            md.append(String.format(Locale.ROOT, "Ranked by the mean test accuracy of the last %d epochs: vecopt %s; PyTorch %s; same: %s.%n",
                    TAIL_EPOCHS, String.join(", ", vecoptMeanRank), String.join(", ", torchMeanRank),
                    vecoptMeanRank.equals(torchMeanRank) ? "yes" : "no"));
        }
        return md.toString();
    }

    /** Epochs averaged by the second ranking, which the epoch-to-epoch wiggle of the last epoch does not decide. */
    static final int TAIL_EPOCHS = 5;

    /** The mean of the last {@link #TAIL_EPOCHS} values (all of them when fewer); NaN for none. */
    static double tailMean(double[] values) {
        int n = Math.min(TAIL_EPOCHS, values.length);
        double sum = 0;
        for (int i = values.length - n; i < values.length; i++) {
            sum += values[i];
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
