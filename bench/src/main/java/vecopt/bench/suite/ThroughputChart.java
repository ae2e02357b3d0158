package vecopt.bench.suite;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import vecopt.bench.speed.Workload;

/**
 * The suite's PNG: throughput against size, one chart per rule in a grid, one line per implementation
 * and thread count. The x axis is log2 of the size, the y axis Gelem/s on a log scale, so in-cache and
 * DRAM sizes and fast and slow implementations all stay readable.
 */
public final class ThroughputChart {

    static final int WIDTH = 760;
    static final int HEIGHT = 420;
    static final int COLUMNS = 2;

    private ThroughputChart() {
    }

    /** Writes the grid of charts to {@code png} (the {@code .png} suffix included). */
    public static void write(List<Measurement> results, Path png) throws IOException {
        List<XYChart> charts = charts(results);
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("no results to chart");
        }
        if (!png.toString().endsWith(".png")) {
            throw new IllegalArgumentException("chart file must end in .png, got " + png);
        }
        int columns = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage grid = new BufferedImage(columns * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(charts.get(i)), (i % columns) * WIDTH, (i / columns) * HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /** One chart per workload (references included), in report order. */
    static List<XYChart> charts(List<Measurement> results) {
        SuiteReport report = new SuiteReport(results);
        Map<Workload, List<Measurement>> byRule = new TreeMap<>();
        for (Measurement m : report.ruleRows()) {
            byRule.computeIfAbsent(m.workload(), r -> new ArrayList<>()).add(m);
        }
        results.stream().filter(m -> m.workload().reference())
                .forEach(m -> byRule.computeIfAbsent(m.workload(), r -> new ArrayList<>()).add(m));
        List<XYChart> charts = new ArrayList<>();
        byRule.forEach((rule, ms) -> charts.add(chart(rule, ms)));
        return charts;
    }

    private static XYChart chart(Workload rule, List<Measurement> ms) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(rule.label() + " (" + rule.bytesPerElement() + " B/elem)")
                .xAxisTitle("size (elements)").yAxisTitle("Gelem/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(true);
        // Ticks at 2, 3, ... between decades only while they do not crowd each other.
        double max = ms.stream().mapToDouble(Measurement::gelemPerSecond).max().orElse(1);
        double min = ms.stream().mapToDouble(Measurement::gelemPerSecond).min().orElse(1);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(max / min > 30);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        chart.getStyler().setxAxisTickLabelsFormattingFunction(ThroughputChart::log2Label);
        chart.getStyler().setMarkerSize(7);

        Map<String, List<Measurement>> series = new LinkedHashMap<>();
        ms.stream()
                .sorted(Comparator.comparingInt((Measurement m) -> SuitePlan.implementationRank(m.implementation()))
                        .thenComparing(Measurement::implementation)
                        .thenComparingInt(Measurement::threads)
                        .thenComparingInt(Measurement::size))
                .forEach(m -> series.computeIfAbsent(seriesName(m), k -> new ArrayList<>()).add(m));
        series.forEach((name, points) -> {
            double[] x = points.stream().mapToDouble(m -> log2(m.size())).toArray();
            double[] y = points.stream().mapToDouble(Measurement::gelemPerSecond).toArray();
            XYSeries s = chart.addSeries(name, x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            if (points.getFirst().threads() > 1) {
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {6f, 4f}, 0f));
            }
        });
        return chart;
    }

    static String seriesName(Measurement m) {
        return m.implementation() + (m.threads() > 1 ? " ×" + m.threads() + " threads" : "");
    }

    private static double log2(int size) {
        return Math.log(size) / Math.log(2);
    }

    /** Tick at log2 of a size: the size itself where it is a whole power of two, else nothing. */
    static String log2Label(double exponent) {
        double rounded = Math.rint(exponent);
        if (Math.abs(exponent - rounded) > 1e-6 || rounded < 0 || rounded > 30) {
            return " ";
        }
        return SuiteReport.sizeLabel(1 << (int) rounded);
    }
}
