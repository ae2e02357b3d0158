package vecopt.bench.convergence;

import java.util.Arrays;

/**
 * The points of one run on a test function as they are taken, with the stops every run shares: a
 * non-finite point is not recorded, and a point beyond {@link TrajectoryRunner#ESCAPE_BOUND} is the
 * last one.
 */
final class TrajectoryRecorder {

    private final TestFunction fn;
    private final double[] xs;
    private final double[] ys;
    private final double[] fs;
    private int t;
    private String stop = "";

    /** Room for {@code maxSteps} steps after {@code (x0, y0)}. */
    TrajectoryRecorder(TestFunction fn, int maxSteps, double x0, double y0) {
        this.fn = fn;
        xs = new double[maxSteps + 1];
        ys = new double[maxSteps + 1];
        fs = new double[maxSteps + 1];
        xs[0] = x0;
        ys[0] = y0;
        fs[0] = fn.value(x0, y0);
    }

    /** Whether another step may be taken: room is left and no stop was recorded. */
    boolean running() {
        return t < xs.length - 1 && stop.isEmpty();
    }

    /** Steps recorded so far. */
    int steps() {
        return t;
    }

    double x() {
        return xs[t];
    }

    double y() {
        return ys[t];
    }

    /** Ends the run for {@code reason}. */
    void stop(String reason) {
        stop = reason;
    }

    /** Records the point after one more step, or the reason the run ends there. */
    void record(double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            stop = "non-finite after step " + (t + 1);
            return;
        }
        t++;
        xs[t] = x;
        ys[t] = y;
        fs[t] = fn.value(x, y);
        double bound = TrajectoryRunner.ESCAPE_BOUND;
        if (Math.abs(x) > bound || Math.abs(y) > bound) {
            stop = "left |x|, |y| <= " + (long) bound + " after step " + t;
        }
    }

    Trajectory trajectory(String label, double lr, int fallbacks) {
        return new Trajectory(label, lr, Arrays.copyOf(xs, t + 1), Arrays.copyOf(ys, t + 1),
                Arrays.copyOf(fs, t + 1), stop, fallbacks);
    }
}
