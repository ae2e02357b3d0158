package vecopt.bench.convergence;

import java.util.Arrays;
import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Runs a vecopt optimizer on a test function: the parameters are one 2-element float32 tensor; each
 * step writes the analytic gradient at the current point into the gradient tensor and calls
 * {@link Optimizer#step()}.
 */
public final class TrajectoryRunner {

    /** A run stops once |x| or |y| exceeds this: it diverged, or (on the saddle) escaped for good. */
    public static final double ESCAPE_BOUND = 1e4;

    private TrajectoryRunner() {
    }

    /** {@code steps} steps of {@code setup} at learning rate {@code lr} from {@code start}. */
    public static Trajectory run(TestFunction fn, OptimizerSetup setup, double lr, double[] start, int steps) {
        FloatTensor value = FloatTensor.of(new float[] {(float) start[0], (float) start[1]});
        FloatTensor grad = FloatTensor.zeros(2);
        Optimizer optimizer = setup.build(List.of(new Parameter("xy", value, grad)), lr);
        double[] xs = new double[steps + 1];
        double[] ys = new double[steps + 1];
        double[] fs = new double[steps + 1];
        double[] g = new double[2];
        xs[0] = value.getFlat(0);
        ys[0] = value.getFlat(1);
        fs[0] = fn.value(xs[0], ys[0]);
        String stop = "";
        int t = 0;
        while (t < steps) {
            fn.gradient(xs[t], ys[t], g);
            grad.setFlat(0, (float) g[0]);
            grad.setFlat(1, (float) g[1]);
            optimizer.step();
            double x = value.getFlat(0);
            double y = value.getFlat(1);
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                stop = "non-finite after step " + (t + 1);
                break;
            }
            t++;
            xs[t] = x;
            ys[t] = y;
            fs[t] = fn.value(x, y);
            if (Math.abs(x) > ESCAPE_BOUND || Math.abs(y) > ESCAPE_BOUND) {
                stop = "left |x|, |y| <= " + (long) ESCAPE_BOUND + " after step " + t;
                break;
            }
        }
        return new Trajectory(setup.label(), lr, Arrays.copyOf(xs, t + 1), Arrays.copyOf(ys, t + 1),
                Arrays.copyOf(fs, t + 1), stop, 0);
    }
}
