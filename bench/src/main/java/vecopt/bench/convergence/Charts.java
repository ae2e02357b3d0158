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
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The suite's XChart charts. Needs {@code java.awt.headless=true} where there is no display. */
final class Charts {

    /** Below this, f - f* is drawn as this (log axes cannot show 0). */
    static final double LOG_FLOOR = 1e-14;

    /**
     * The optimizers' colours, by their row in {@link OptimizerTable}: the first row gets the first
     * colour, and so on, starting again after the last.
     */
    private static final Color[] ROW_COLORS = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0xbcbd22), new Color(0x17becf), new Color(0x393b79),
        new Color(0x7f7f7f), new Color(0xaec7e8), new Color(0xffbb78), new Color(0x98df8a), new Color(0xff9896),
        new Color(0xc5b0d5), new Color(0xc49c94), new Color(0xf7b6d2), new Color(0xdbdb8d), new Color(0x9edae5)};
    /** The second-order methods drawn beside the optimizers, which are no rows of the table. */
    private static final Map<String, Color> REFERENCE_COLORS = Map.of(
            SecondOrder.NEWTON, Color.BLACK,
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

    /** The colour of a run labelled {@code label}: its table row's, or its second-order method's. */
    static Color colorOf(String label) {
        Color reference = REFERENCE_COLORS.get(label);
        if (reference != null) {
            return reference;
        }
        List<OptimizerSetup> rows = OptimizerTable.all();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).label().equals(label)) {
                return ROW_COLORS[i % ROW_COLORS.length];
            }
        }
        return Color.DARK_GRAY;
    }

    /** Trajectories over the contour lines of {@code fn}, with the start and the minimiser marked. */
    static XYChart trajectories(TestFunction fn, List<Trajectory> runs) {
        return trajectories(fn, runs, 1000, 700);
    }

    /** {@link #trajectories(TestFunction, List)} at another size (the animations' frames). */
    static XYChart trajectories(TestFunction fn, List<Trajectory> runs, int width, int height) {
        double[] w = fn.window();
        XYChart chart = new XYChartBuilder().width(width).height(height)
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
        for (Trajectory t : runs) {
            double[][] p = thin(t, minStep);
            XYSeries s = chart.addSeries(t.label(), p[0], p[1]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(colorOf(t.label()));
            s.setLineStyle(t.label().equals(SecondOrder.STEEPEST) ? DASHED : SOLID);
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
        chart.getStyler().setMarkerSize(9);
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
        for (Trajectory t : runs) {
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
            XYSeries s = chart.addSeries(t.label(), xs, ys);
            // A run of a few steps (Newton) would be a dot or nothing without markers.
            s.setMarker(t.steps() <= 20 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            s.setMarkerColor(colorOf(t.label()));
            s.setLineColor(colorOf(t.label()));
            s.setLineStyle(t.label().equals(SecondOrder.STEEPEST) ? DASHED : SOLID);
        }
        chart.getStyler().setMarkerSize(6);
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
            XYChart chart = new XYChartBuilder().width(440).height(300)
                    .title(label + "   (x solid, y dashed)").xAxisTitle("step").yAxisTitle("x, y").build();
            style(chart);
            chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
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
                XYSeries sx = chart.addSeries(name, steps0, xs);
                sx.setMarker(SeriesMarkers.NONE);
                sx.setLineColor(color);
                sx.setLineStyle(SOLID);
                XYSeries sy = chart.addSeries(name + " y", steps0, ys);
                sy.setMarker(SeriesMarkers.NONE);
                sy.setLineColor(color);
                sy.setLineStyle(DASHED);
                sy.setShowInLegend(false);
            }
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
        loss.getStyler().setYAxisLogarithmic(true);
        loss.getStyler().setLegendVisible(false);
        accuracy.getStyler().setLegendPosition(LegendPosition.InsideSE);
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
            XYSeries sl = loss.addSeries(labels.get(r), epochs, l);
            XYSeries sa = accuracy.addSeries(labels.get(r), epochs, a);
            for (XYSeries s : List.of(sl, sa)) {
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(colors.get(r));
                s.setLineStyle(SOLID);
            }
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

    static void style(XYChart chart) {
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
     * 0, 1, then about {@code count} evenly spaced indices up to {@code last}. (Step 1 is kept also
     * because XChart labels an axis of equally spaced values at data points, not at round numbers.)
     */
    private static List<Integer> linearIndices(int last, int count) {
        List<Integer> idx = new ArrayList<>();
        int stride = Math.max(1, last / count);
        idx.add(0);
        if (last >= 1 && stride > 1) {
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
