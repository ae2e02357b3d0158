package vecopt.bench.convergence;

import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The loss along the straight line between two trained models of the same architecture and the same
 * initial weights (Goodfellow, Vinyals and Saxe 2015 draw it from the start; here between two
 * optimizers' answers): weights (1 - alpha) A + alpha B for alpha from {@link #FROM} to {@link #TO},
 * evaluated on a training subset and the validation set. A bump between 0 and 1 means the two
 * optimizers ended in different basins; a flat or convex line, in one.
 */
public final class LineInterpolation {

    public static final double FROM = -0.25;
    public static final double TO = 1.25;
    public static final int POINTS = 25;

    private LineInterpolation() {
    }

    /** alpha, the training loss and the validation loss at each point. */
    public record Line(String a, String b, double[] alpha, double[] trainLoss, double[] validationLoss) {
    }

    /** Evaluates {@code model} along the line from snapshot {@code a} to {@code b}; leaves {@code model} at b. */
    public static Line along(FeedForward model, String labelA, float[][] a, String labelB, float[][] b,
                             Digits.Dataset train, Digits.Dataset validation) {
        double[] alpha = new double[POINTS];
        double[] tl = new double[POINTS];
        double[] vl = new double[POINTS];
        float[][] w = new float[a.length][];
        for (int k = 0; k < POINTS; k++) {
            alpha[k] = FROM + (TO - FROM) * k / (POINTS - 1);
            float t = (float) alpha[k];
            for (int i = 0; i < a.length; i++) {
                w[i] = new float[a[i].length];
                for (int j = 0; j < w[i].length; j++) {
                    w[i][j] = (1 - t) * a[i][j] + t * b[i][j];
                }
            }
            model.restore(w);
            tl[k] = model.evaluate(train).loss();
            vl[k] = model.evaluate(validation).loss();
        }
        model.restore(b);
        return new Line(labelA, labelB, alpha, tl, vl);
    }

    static XYChart chart(String model, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(900).height(600)
                .title("Fashion-MNIST " + model + ": loss on the line between two optimizers' weights")
                .xAxisTitle("α  (weights (1 − α) A + α B)").yAxisTitle("mean cross-entropy").build();
        Charts.style(chart);
        chart.getStyler().setLegendPosition(LegendPosition.InsideN);
        int c = 0;
        for (Line l : lines) {
            String name = "A = " + l.a() + ", B = " + l.b();
            XYSeries t = chart.addSeries(name + ", training", l.alpha(), l.trainLoss());
            XYSeries v = chart.addSeries(name + ", validation", l.alpha(), l.validationLoss());
            for (XYSeries s : List.of(t, v)) {
                s.setLineColor(Charts.paletteColor(c));
                s.setMarkerColor(Charts.paletteColor(c));
                s.setMarker(SeriesMarkers.CIRCLE);
            }
            v.setLineStyle(new java.awt.BasicStroke(1.4f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_ROUND,
                    10f, new float[] {5f, 4f}, 0f));
            c++;
        }
        chart.getStyler().setMarkerSize(4);
        return chart;
    }
}
