package vecopt.bench.convergence;

import java.util.Arrays;

/**
 * The points an optimizer visited on a test function: {@code x[t], y[t]} after {@code t} steps
 * ({@code t = 0} is the start) and {@code f[t]} there.
 *
 * @param label who made it, such as {@code Adam} or {@code Newton}
 * @param lr the learning rate, or NaN where there is none (Newton's method)
 * @param stop empty if every requested step ran, otherwise why the run stopped early
 * @param fallbacks how many steps were gradient steps because the Hessian was not positive definite
 *        (Newton's method and exact steepest descent; 0 for the optimizers)
 */
public record Trajectory(String label, double lr, double[] x, double[] y, double[] f, String stop, int fallbacks) {

    /** Number of steps taken. */
    public int steps() {
        return x.length - 1;
    }

    /** The point after the last step. */
    public double[] last() {
        return new double[] {x[x.length - 1], y[y.length - 1]};
    }

    /** f after the last step. */
    public double lastValue() {
        return f[f.length - 1];
    }

    /** The first step count after which {@code fn.reached(x, y, tolerance)} holds, or -1 if never. */
    public int firstReached(TestFunction fn, double tolerance) {
        for (int t = 0; t < x.length; t++) {
            if (fn.reached(x[t], y[t], tolerance)) {
                return t;
            }
        }
        return -1;
    }

    /** Euclidean distance of the last point from {@code point}. */
    public double distanceTo(double[] point) {
        return Math.hypot(x[x.length - 1] - point[0], y[y.length - 1] - point[1]);
    }

    /** The first {@code n + 1} points (n steps). */
    public Trajectory head(int n) {
        int k = Math.min(n + 1, x.length);
        return new Trajectory(label, lr, Arrays.copyOf(x, k), Arrays.copyOf(y, k), Arrays.copyOf(f, k), stop, fallbacks);
    }
}
