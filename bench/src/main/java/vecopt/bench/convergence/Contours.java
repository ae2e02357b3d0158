package vecopt.bench.convergence;

import java.util.Arrays;

/**
 * Contour lines by marching squares: f is sampled on a grid over a window, and in each grid cell
 * every level crossing two of its edges becomes a line segment between the linearly interpolated
 * crossing points.
 */
final class Contours {

    private Contours() {
    }

    /**
     * The segments of the level {@code level} as polyline arrays for a chart: x and y of the two
     * end points of each segment, followed by a (x, NaN) separator so no line joins two segments.
     */
    static double[][] level(TestFunction fn, double[] window, int cells, double level) {
        int n = cells + 1;
        double x0 = window[0];
        double y0 = window[2];
        double dx = (window[1] - window[0]) / cells;
        double dy = (window[3] - window[2]) / cells;
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v[i][j] = fn.value(x0 + i * dx, y0 + j * dy) - level;
            }
        }
        double[] xs = new double[64];
        double[] ys = new double[64];
        int size = 0;
        double[] px = new double[4];
        double[] py = new double[4];
        for (int i = 0; i < cells; i++) {
            for (int j = 0; j < cells; j++) {
                // Corners counter-clockwise: (i,j), (i+1,j), (i+1,j+1), (i,j+1); edge k joins corner k and k+1.
                double[] c = {v[i][j], v[i + 1][j], v[i + 1][j + 1], v[i][j + 1]};
                double[] cx = {x0 + i * dx, x0 + (i + 1) * dx, x0 + (i + 1) * dx, x0 + i * dx};
                double[] cy = {y0 + j * dy, y0 + j * dy, y0 + (j + 1) * dy, y0 + (j + 1) * dy};
                int crossings = 0;
                for (int k = 0; k < 4; k++) {
                    double a = c[k];
                    double b = c[(k + 1) % 4];
                    if ((a < 0) != (b < 0)) {
                        double t = a / (a - b);
                        px[crossings] = cx[k] + t * (cx[(k + 1) % 4] - cx[k]);
                        py[crossings] = cy[k] + t * (cy[(k + 1) % 4] - cy[k]);
                        crossings++;
                    }
                }
                // Two crossings: one segment. Four (a saddle cell): pair them in edge order; at this
                // grid resolution the choice is invisible.
                for (int s = 0; s + 1 < crossings; s += 2) {
                    if (size + 3 > xs.length) {
                        xs = Arrays.copyOf(xs, xs.length * 2);
                        ys = Arrays.copyOf(ys, ys.length * 2);
                    }
                    xs[size] = px[s];
                    ys[size++] = py[s];
                    xs[size] = px[s + 1];
                    ys[size++] = py[s + 1];
                    xs[size] = px[s + 1];
                    ys[size++] = Double.NaN;
                }
            }
        }
        return new double[][] {Arrays.copyOf(xs, size), Arrays.copyOf(ys, size)};
    }
}
