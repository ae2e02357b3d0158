package vecopt.bench.distributed;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the digits runs as charts (test accuracy and loss against wall time and examples seen) and a table. */
final class DemoReport {

    private static final Color[] COLORS = {new Color(0x1b9e77), new Color(0xd95f02), new Color(0x7570b3),
        new Color(0xe7298a), new Color(0x66a61e), new Color(0xe6ab02), new Color(0xa6761d), new Color(0x666666)};

    private DemoReport() {
    }

    static List<Path> write(List<Curve> curves, Path dir, int members, int workers, int steps) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        charts.add(chart(curves, "test accuracy vs wall time", "seconds", "accuracy, test set (360 images)", true, true));
        charts.add(chart(curves, "test accuracy vs examples seen", "examples seen (all workers)",
                "accuracy, test set (360 images)", false, true));
        charts.add(chart(curves, "test loss vs wall time", "seconds", "mean cross-entropy, test set", true, false));
        charts.add(chart(curves, "test loss vs examples seen", "examples seen (all workers)",
                "mean cross-entropy, test set", false, false));
        Path png = dir.resolve("digits-distributed.png");
        BitmapEncoder.saveBitmap(charts, 2, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Digits MLP 64-%d-10, minibatch %d, %d steps per worker, %d Hazelcast "
                + "members on 127.0.0.1, %d workers.%n%n", DistributedCommand.HIDDEN, DistributedCommand.BATCH, steps,
                members, workers));
        md.append("| run | final test accuracy | best | final test loss | examples seen | wall time (s) |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Curve c : curves) {
            Curve.Point p = c.last();
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d | %.2f |%n", c.label, p.accuracy(),
                    c.bestAccuracy(), p.loss(), p.examples(), p.seconds()));
        }
        Path table = dir.resolve("digits-distributed.md");
        Files.writeString(table, md.toString());
        return List.of(png, table);
    }

    private static XYChart chart(List<Curve> curves, String title, String x, String y, boolean time, boolean accuracy) {
        XYChart chart = new XYChartBuilder().width(700).height(500).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(accuracy ? LegendPosition.InsideSE : LegendPosition.InsideNE);
        if (accuracy) {
            chart.getStyler().setYAxisMin(0.5).setYAxisMax(1.0);
        } else {
            chart.getStyler().setYAxisLogarithmic(true);
        }
        for (int r = 0; r < curves.size(); r++) {
            Curve c = curves.get(r);
            double[] xs = new double[c.points.size()];
            double[] ys = new double[c.points.size()];
            for (int i = 0; i < xs.length; i++) {
                Curve.Point p = c.points.get(i);
                xs[i] = time ? p.seconds() : p.examples();
                ys[i] = accuracy ? p.accuracy() : Math.max(1e-4, p.loss());
            }
            XYSeries s = chart.addSeries(c.label, xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(COLORS[r % COLORS.length]);
            s.setLineStyle(new BasicStroke(1.6f));
        }
        return chart;
    }
}
