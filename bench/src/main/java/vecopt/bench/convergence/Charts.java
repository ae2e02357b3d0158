package vecopt.bench.convergence;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The suite's XChart charts. Needs {@code java.awt.headless=true} where there is no display. */
final class Charts {

    /** Below this, f - f* is drawn as this (log axes cannot show 0). */
    static final double LOG_FLOOR = 1e-14;

    /**
     * The optimizers' colours, by their row in {@link OptimizerTable}: row i gets colour i mod 10, line
     * pattern (i + i / 10) mod 4 and marker i mod 7, so rows of one colour (i, i + 10, ...) differ in
     * pattern and marker for the first 40 rows. Ten strong colours read better than twenty pale ones.
     */
    private static final Color[] ROW_COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
    private static final BasicStroke[] PATTERNS = {
        new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND),
        new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 4f}, 0f),
        new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.1f, 3.6f}, 0f),
        new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 3f, 2f, 3f}, 0f)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS};
    /** Markers drawn along each line besides the one at its end; a run this short gets one per point. */
    private static final int MARKS_PER_LINE = 4;
    private static final int MARK_EVERY_POINT_UP_TO = 20;
    /** The second-order methods drawn beside the optimizers, which are no rows of the table. */
    private static final Map<String, Color> REFERENCE_COLORS = Map.of(
            SecondOrder.NEWTON, Color.BLACK,
            SecondOrder.LBFGS, new Color(0x8b0000),
            SecondOrder.STEEPEST, new Color(0x555555));
    private static final Color[] LR_COLORS = {new Color(0x1b9e77), new Color(0xd95f02), new Color(0x7570b3),
        new Color(0xe7298a), new Color(0x66a61e)};
    private static final Color CONTOUR = new Color(0xc8c8c8);
    private static final BasicStroke SOLID = new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final BasicStroke THIN = new BasicStroke(0.8f);
    private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND,
            10f, new float[] {6f, 4f}, 0f);

    private Charts() {
    }

    /** How one run is drawn: its colour, line pattern and marker. */
    record RunStyle(Color color, BasicStroke stroke, Marker marker) {
    }

    /** The style of the run labelled {@code label}: its table row's, or its second-order method's. */
    static RunStyle styleOf(String label) {
        return styleOf(label, rowOf(label));
    }

    private static RunStyle styleOf(String label, int row) {
        if (label.equals(SecondOrder.NEWTON)) {
            return new RunStyle(Color.BLACK, PATTERNS[0], SeriesMarkers.CIRCLE);
        }
        if (label.equals(SecondOrder.STEEPEST)) {
            return new RunStyle(REFERENCE_COLORS.get(label), PATTERNS[1], SeriesMarkers.SQUARE);
        }
        return row < 0 ? new RunStyle(Color.DARK_GRAY, PATTERNS[0], SeriesMarkers.CIRCLE) : styleAt(row, ROW_COLORS[row % ROW_COLORS.length]);
    }

    /** The pattern and marker of the {@code i}-th run of a chart, in {@code color}. */
    private static RunStyle styleAt(int i, Color color) {
        return new RunStyle(color, PATTERNS[(i + i / ROW_COLORS.length) % PATTERNS.length], MARKERS[i % MARKERS.length]);
    }

    private static int rowOf(String label) {
        List<OptimizerSetup> rows = OptimizerTable.all();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).label().equals(label)) {
                return i;
            }
        }
        return -1;
    }

    /** The colour of a run labelled {@code label}: its table row's, or its second-order method's. */
    static Color colorOf(String label) {
        Color reference = REFERENCE_COLORS.get(label);
        if (reference != null) {
            return reference;
        }
        int row = rowOf(label);
        return row < 0 ? Color.DARK_GRAY : ROW_COLORS[row % ROW_COLORS.length];
    }

    /**
     * Draws one run: its line (not in the legend), {@link #MARKS_PER_LINE} markers along it at places
     * shifted by {@code phase}, so that the markers of lines lying on each other do not hide each
     * other, and a marker at its last point, which carries the legend entry (line pattern and marker
     * together) when {@code inLegend}.
     */
    private static void addRun(XYChart chart, String label, double[] xs, double[] ys, RunStyle style, int phase,
                               boolean inLegend) {
        int n = xs.length;
        XYSeries line = chart.addSeries(label + " (line)", xs, ys);
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(style.color());
        line.setLineStyle(style.stroke());
        line.setShowInLegend(false);

        int marks = n <= MARK_EVERY_POINT_UP_TO ? n : MARKS_PER_LINE;
        double shift = (phase * 0.381966) % 1.0; // golden-ratio steps spread the phases evenly
        double[] mx = new double[marks];
        double[] my = new double[marks];
        for (int j = 0; j < marks; j++) {
            int i = n <= MARK_EVERY_POINT_UP_TO ? j : (int) ((0.1 + 0.8 * (j + shift) / marks) * (n - 1));
            mx[j] = xs[i];
            my[j] = ys[i];
        }
        XYSeries along = chart.addSeries(label + " (markers)", mx, my);
        along.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        along.setMarker(style.marker());
        along.setMarkerColor(style.color());
        along.setShowInLegend(false);

        XYSeries end = chart.addSeries(label, new double[] {xs[n - 1]}, new double[] {ys[n - 1]});
        end.setMarker(style.marker());
        end.setMarkerColor(style.color());
        end.setLineColor(style.color());
        end.setLineStyle(style.stroke());
        end.setShowInLegend(inLegend);
    }

    /** Trajectories over the contour lines of {@code fn}, with the start and the minimiser marked. */
    static XYChart trajectories(TestFunction fn, List<Trajectory> runs) {
        double[] w = fn.window();
        XYChart chart = new XYChartBuilder().width(1000).height(700)
                .title(fn.name() + ":  " + fn.formula()).xAxisTitle("x").yAxisTitle("y").build();
        style(chart);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        chart.getStyler().setXAxisMin(w[0]).setXAxisMax(w[1]).setYAxisMin(w[2]).setYAxisMax(w[3]);
        double[] levels = fn.contourLevels();
        for (int i = 0; i < levels.length; i++) {
            double[][] seg = Contours.level(fn, w, 160, levels[i]);
            if (seg[0].length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries("level " + i, seg[0], seg[1]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(CONTOUR);
            s.setLineStyle(THIN);
            s.setShowInLegend(false);
        }
        double minStep = 0.003 * Math.hypot(w[1] - w[0], w[3] - w[2]);
        for (int r = 0; r < runs.size(); r++) {
            Trajectory t = runs.get(r);
            double[][] p = thin(t, minStep);
            addRun(chart, t.label(), p[0], p[1], styleOf(t.label()), r, true);
        }
        double[] start = fn.start();
        XYSeries s = chart.addSeries("start", new double[] {start[0]}, new double[] {start[1]});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(Color.BLACK);
        double[] min = fn.minimizer();
        if (min != null) {
            XYSeries m = chart.addSeries("global minimum", new double[] {min[0]}, new double[] {min[1]});
            m.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            m.setMarker(SeriesMarkers.DIAMOND);
            m.setMarkerColor(Color.RED);
        }
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setLegendSeriesLineLength(32);
        return chart;
    }

    /**
     * f - f* against the step, both axes logarithmic; on the saddle (no minimum) f itself against the
     * step, linear, over the steps it takes to escape.
     */
    static XYChart loss(TestFunction fn, List<Trajectory> runs) {
        boolean bounded = fn.minimizer() != null;
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title(fn.name() + ": " + (bounded ? "f − f* against the step" : "f against the step"))
                .xAxisTitle("step").yAxisTitle(bounded ? "f − f*" : "f").build();
        style(chart);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
        double fStar = fn.minimum();
        int longest = 1;
        for (Trajectory t : runs) {
            longest = Math.max(longest, t.steps());
        }
        if (bounded) {
            chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
            chart.getStyler().setXAxisMin(1.0).setXAxisMax((double) longest).setYAxisMin(LOG_FLOOR);
        } else {
            int shown = Math.min(longest, 1500);
            chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) shown).setYAxisMin(-2.0).setYAxisMax(1.2);
        }
        for (int r = 0; r < runs.size(); r++) {
            Trajectory t = runs.get(r);
            if (t.steps() == 0) {
                continue;
            }
            List<Integer> idx = bounded ? logIndices(t.steps()) : linearIndices(t.steps(), 600);
            double[] xs = new double[idx.size()];
            double[] ys = new double[idx.size()];
            for (int k = 0; k < idx.size(); k++) {
                int i = idx.get(k);
                xs[k] = i;
                ys[k] = bounded ? Math.max(LOG_FLOOR, t.f()[i] - fStar) : Math.max(-1e3, t.f()[i]);
            }
            // A run of a few steps (Newton) gets a marker at every point, or it would be a dot.
            addRun(chart, t.label(), xs, ys, styleOf(t.label()), r, true);
        }
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setLegendSeriesLineLength(32);
        return chart;
    }

    /**
     * One small chart per optimizer: x (solid) and y (dashed) against the step, one colour per
     * learning rate, on {@code fn}. The y axis is the function's window, so a diverging run leaves it.
     */
    static List<XYChart> learningRateGrid(TestFunction fn, List<String> labels, Map<String, List<Trajectory>> runs,
                                          double[] lrs, int steps) {
        double[] w = fn.window();
        double lo = Math.min(w[0], w[2]);
        double hi = Math.max(w[1], w[3]);
        List<XYChart> charts = new ArrayList<>();
        for (String label : labels) {
            XYChart chart = new XYChartBuilder().width(440).height(330)
                    .title(label + "   (x solid, y dashed)").xAxisTitle("step").yAxisTitle("x, y").build();
            style(chart);
            // Below the plot, in one row: inside it would cover the lines.
            chart.getStyler().setLegendPosition(LegendPosition.OutsideS).setLegendLayout(LegendLayout.Horizontal);
            chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            chart.getStyler().setXAxisMin(0.0).setXAxisMax((double) steps).setYAxisMin(lo).setYAxisMax(hi);
            chart.getStyler().setXAxisDecimalPattern("#");
            List<Trajectory> ts = runs.get(label);
            for (int k = 0; k < ts.size(); k++) {
                Trajectory t = ts.get(k);
                Color color = LR_COLORS[k % LR_COLORS.length];
                List<Integer> idx = linearIndices(t.steps(), 400);
                double[] steps0 = new double[idx.size()];
                double[] xs = new double[idx.size()];
                double[] ys = new double[idx.size()];
                for (int i = 0; i < idx.size(); i++) {
                    steps0[i] = idx.get(i);
                    xs[i] = clamp(t.x()[idx.get(i)], lo, hi);
                    ys[i] = clamp(t.y()[idx.get(i)], lo, hi);
                }
                String name = (Double.isNaN(t.lr()) ? t.label() + ", " + t.steps() + " step" + (t.steps() == 1 ? "" : "s")
                        : "lr " + TestFunctions.fmt(t.lr())) + (diverged(t) ? " (diverged)" : "");
                Marker marker = MARKERS[k % MARKERS.length];
                addRun(chart, name, steps0, xs, new RunStyle(color, SOLID, marker), k, true);
                addRun(chart, name + " y", steps0, ys, new RunStyle(color, DASHED, marker), k + 2, false);
            }
            chart.getStyler().setMarkerSize(6);
            charts.add(chart);
        }
        return charts;
    }

    /** Training loss (log scale) and test accuracy against the epoch, one line per run. */
    static List<XYChart> training(String title, List<Trainer.Curves> runs, List<String> labels, List<Color> colors) {
        XYChart loss = new XYChartBuilder().width(700).height(520)
                .title(title + ": training loss").xAxisTitle("epoch").yAxisTitle("mean cross-entropy, training set").build();
        XYChart accuracy = new XYChartBuilder().width(700).height(520)
                .title(title + ": test accuracy").xAxisTitle("epoch").yAxisTitle("accuracy, test set (360 images)").build();
        style(loss);
        style(accuracy);
        // Labels at 1 to 9 times each power of ten: the loss spans about one decade, which would
        // otherwise get a single labelled tick.
        loss.getStyler().setYAxisLogarithmic(true).setYAxisLogarithmicDecadeOnly(false);
        loss.getStyler().setLegendVisible(false);
        // One legend for both charts, right of the accuracy chart, where it covers no line.
        accuracy.getStyler().setLegendPosition(LegendPosition.OutsideE);
        accuracy.getStyler().setLegendSeriesLineLength(32);
        for (XYChart chart : List.of(loss, accuracy)) {
            chart.getStyler().setMarkerSize(6);
            chart.getStyler().setXAxisDecimalPattern("#");
        }
        accuracy.getStyler().setYAxisMax(1.0);
        double lowest = 1;
        for (int r = 0; r < runs.size(); r++) {
            Trainer.Curves c = runs.get(r);
            int n = c.train().size();
            double[] epochs = new double[n];
            double[] l = new double[n];
            double[] a = new double[n];
            for (int e = 0; e < n; e++) {
                epochs[e] = e;
                l[e] = Math.max(1e-6, c.train().get(e).loss());
                a[e] = c.test().get(e).accuracy();
                lowest = Math.min(lowest, e == 0 ? 1 : a[e]);
            }
            String label = labels.get(r);
            RunStyle style = rowOf(label) >= 0 ? styleOf(label) : styleAt(r, colors.get(r));
            addRun(loss, label, epochs, l, style, r, true);
            addRun(accuracy, label, epochs, a, style, r, true);
        }
        accuracy.getStyler().setYAxisMin(Math.max(0, Math.floor((lowest - 0.05) * 10) / 10));
        return List.of(loss, accuracy);
    }

    /** A colour per index, for runs that are not optimizers (schedules). */
    static Color paletteColor(int i) {
        return LR_COLORS[i % LR_COLORS.length];
    }

    static void save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Saves {@code charts} as one PNG, {@code cols} per row; empty cells are filled with a blank chart. */
    static void saveGrid(List<XYChart> charts, int cols, Path file) throws IOException {
        int rows = (charts.size() + cols - 1) / cols;
        List<XYChart> all = new ArrayList<>(charts);
        while (all.size() < rows * cols) {
            XYChart blank = new XYChartBuilder().width(charts.get(0).getWidth()).height(charts.get(0).getHeight()).build();
            style(blank);
            blank.getStyler().setChartTitleVisible(false).setLegendVisible(false);
            blank.getStyler().setAxisTicksVisible(false);
            blank.getStyler().setPlotBorderVisible(false);
            blank.getStyler().setPlotGridLinesVisible(false);
            all.add(blank);
        }
        BitmapEncoder.saveBitmap(all, rows, cols, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendBorderColor(Color.LIGHT_GRAY);
        chart.getStyler().setPlotGridLinesColor(new Color(0xeeeeee));
        chart.getStyler().setChartTitleBoxVisible(false);
        chart.getStyler().setToolTipsEnabled(false);
    }

    /** The points of {@code t}, skipping those closer than {@code minStep} to the last kept one. */
    private static double[][] thin(Trajectory t, double minStep) {
        double[] xs = new double[t.x().length];
        double[] ys = new double[t.x().length];
        int n = 0;
        for (int i = 0; i < t.x().length; i++) {
            boolean last = i == t.x().length - 1;
            if (n == 0 || last || Math.hypot(t.x()[i] - xs[n - 1], t.y()[i] - ys[n - 1]) >= minStep) {
                xs[n] = clamp(t.x()[i], -1e6, 1e6);
                ys[n] = clamp(t.y()[i], -1e6, 1e6);
                n++;
            }
        }
        return new double[][] {java.util.Arrays.copyOf(xs, n), java.util.Arrays.copyOf(ys, n)};
    }

    /** 1, then indices growing by about 1.5% each, then the last: evenly spaced on a log axis. */
    private static List<Integer> logIndices(int last) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 1; i < last; i = Math.max(i + 1, (int) (i * 1.015))) {
            idx.add(i);
        }
        idx.add(last);
        return idx;
    }

    /**
     * 0, 1, then at most about {@code count} evenly spaced indices, at least 2 apart, up to
     * {@code last}. Never equally spaced throughout: XChart puts the ticks of an axis whose values are
     * all equally spaced at data points (0, 22, 44, ...), not at round numbers (0, 50, 100, ...).
     */
    private static List<Integer> linearIndices(int last, int count) {
        List<Integer> idx = new ArrayList<>();
        int stride = Math.max(2, last / count);
        idx.add(0);
        if (last > 1) {
            idx.add(1);
        }
        for (int i = stride; i < last; i += stride) {
            idx.add(i);
        }
        if (last > 0) {
            idx.add(last);
        }
        return idx;
    }

    /** Whether the run stopped because its point left every bound or stopped being finite. */
    static boolean diverged(Trajectory t) {
        return t.stop().startsWith("non-finite") || t.stop().startsWith("left");
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
