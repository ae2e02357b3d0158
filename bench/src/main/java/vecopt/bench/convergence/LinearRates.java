package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Linear convergence on the quadratic ravine (Hessian eigenvalues mu = 1 and L = kappa), measured
 * with vecopt's SGD against the closed forms. Gradient descent with its optimal step 2 / (L + mu)
 * contracts the error by (kappa - 1) / (kappa + 1) per step; the heavy ball (SGD with momentum:
 * v = beta v + g, x -= lr v, which is x' = x - lr g + beta (x - x_prev)) with lr = 4 / (sqrt L + sqrt mu)^2
 * and beta = ((sqrt kappa - 1) / (sqrt kappa + 1))^2 by (sqrt kappa - 1) / (sqrt kappa + 1) (Polyak 1964).
 *
 * <p>The measured rate r fits log ||x_t|| = a + c log t + t log r by least squares over the steps from
 * {@link #FIRST_STEP} until the distance to the minimum falls below {@link #FLOOR} times the first
 * one: at the optimal momentum the heavy ball's iteration matrix has a double eigenvalue, so its error
 * decays as t r^t, not r^t, and the log t term keeps that factor out of r.
 */
public final class LinearRates {

    public static final int FIRST_STEP = 5;
    public static final double FLOOR = 1e-9;
    public static final int MAX_STEPS = 400_000;

    private LinearRates() {
    }

    /** One condition number's measured and predicted rates. */
    public record Rates(double kappa, double gd, double gdTheory, double heavyBall, double heavyBallTheory) {
    }

    public static double gdTheory(double kappa) {
        return (kappa - 1) / (kappa + 1);
    }

    public static double heavyBallTheory(double kappa) {
        double s = Math.sqrt(kappa);
        return (s - 1) / (s + 1);
    }

    /** Both methods at their optimal settings on the ravine of condition number {@code kappa}. */
    public static Rates measure(double kappa) {
        TestFunction fn = TestFunctions.ravine(kappa, TestFunctions.RAVINE_ANGLE_DEGREES);
        double gd = rate(fn, 2 / (kappa + 1), 0);
        double lr = 4 / Math.pow(Math.sqrt(kappa) + 1, 2);
        double beta = Math.pow(heavyBallTheory(kappa), 2);
        double hb = rate(fn, lr, beta);
        return new Rates(kappa, gd, gdTheory(kappa), hb, heavyBallTheory(kappa));
    }

    /** The fitted rate of vecopt's SGD with {@code lr} and {@code momentum} from the ravine's start. */
    static double rate(TestFunction fn, double lr, double momentum) {
        FloatTensor value = FloatTensor.of(new float[] {(float) fn.start()[0], (float) fn.start()[1]});
        FloatTensor grad = FloatTensor.zeros(2);
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("lr", lr);
        kwargs.put("momentum", momentum);
        Optimizer sgd = vecopt.engine.Optimizers.fromTorch("SGD", List.of(new Parameter("xy", value, grad)), kwargs);
        double[] g = new double[2];
        double first = 0;
        // Sums for the least-squares fit of log d = a + c log t + t log r.
        double[][] ata = new double[3][3];
        double[] atb = new double[3];
        for (int t = 1; t <= MAX_STEPS; t++) {
            fn.gradient(value.getFlat(0), value.getFlat(1), g);
            grad.setFlat(0, (float) g[0]);
            grad.setFlat(1, (float) g[1]);
            sgd.step();
            double d = Math.hypot(value.getFlat(0), value.getFlat(1));
            if (t < FIRST_STEP) {
                continue;
            }
            if (t == FIRST_STEP) {
                first = d;
            }
            if (d < FLOOR * first || d == 0) {
                break;
            }
            double[] row = {1, Math.log(t), t};
            double y = Math.log(d);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    ata[i][j] += row[i] * row[j];
                }
                atb[i] += row[i] * y;
            }
        }
        return Math.exp(solve3(ata, atb)[2]);
    }

    /** Solves the 3x3 system by Gaussian elimination with partial pivoting. */
    static double[] solve3(double[][] a, double[] b) {
        int n = 3;
        double[][] m = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            double[] tmp = m[c];
            m[c] = m[p];
            m[p] = tmp;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) {
                    m[r][k] -= f * m[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int k = i + 1; k < n; k++) {
                s -= m[i][k] * x[k];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    /** Condition numbers 10, 10^1.5, ..., 10^4. */
    public static List<Rates> sweep() {
        List<Rates> all = new ArrayList<>();
        for (int k = 2; k <= 8; k++) {
            all.add(measure(Math.pow(10, k / 2.0)));
        }
        return all;
    }

    /** 1 - r against kappa, log-log: closed forms as lines, measurements as markers. */
    static XYChart chart(List<Rates> rates) {
        XYChart chart = new XYChartBuilder().width(900).height(600)
                .title("Quadratic ravine: linear rate r at the optimal step (and momentum)")
                .xAxisTitle("condition number κ").yAxisTitle("1 − r  (error shrinks by r per step)").build();
        Charts.style(chart);
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        int n = 61;
        double[] k = new double[n];
        double[] gd = new double[n];
        double[] hb = new double[n];
        for (int i = 0; i < n; i++) {
            k[i] = Math.pow(10, 1 + 3.0 * i / (n - 1));
            gd[i] = 1 - gdTheory(k[i]);
            hb[i] = 1 - heavyBallTheory(k[i]);
        }
        line(chart, "GD theory (κ−1)/(κ+1)", k, gd, Charts.paletteColor(0));
        line(chart, "heavy ball theory (√κ−1)/(√κ+1)", k, hb, Charts.paletteColor(1));
        double[] mk = rates.stream().mapToDouble(Rates::kappa).toArray();
        marks(chart, "GD measured (vecopt SGD)", mk, rates.stream().mapToDouble(r -> 1 - r.gd()).toArray(), Charts.paletteColor(0));
        marks(chart, "heavy ball measured (vecopt SGD+momentum)", mk,
                rates.stream().mapToDouble(r -> 1 - r.heavyBall()).toArray(), Charts.paletteColor(1));
        return chart;
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, java.awt.Color c) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(c);
    }

    private static void marks(XYChart chart, String name, double[] x, double[] y, java.awt.Color c) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(c);
    }
}
