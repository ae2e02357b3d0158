package vecopt.bench.convergence;

import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ScheduleFreeOptimizer;
import vecopt.tensor.FloatTensor;

/**
 * Runs a vecopt optimizer on a test function: the parameters are one 2-element float32 tensor; each
 * step writes the analytic gradient at the current point into the gradient tensor and calls
 * {@link Optimizer#step()}. A schedule-free optimizer takes its gradients at y but returns x, its
 * average: the trajectory records x ({@link ScheduleFreeOptimizer#eval()} after each step, then
 * {@code train()}, which gives back y bit for bit, so recording changes nothing of the run).
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
        ScheduleFreeOptimizer averaging = optimizer instanceof ScheduleFreeOptimizer sf ? sf : null;
        TrajectoryRecorder points = new TrajectoryRecorder(fn, steps, value.getFlat(0), value.getFlat(1));
        double[] g = new double[2];
        while (points.running()) {
            fn.gradient(value.getFlat(0), value.getFlat(1), g);
            grad.setFlat(0, (float) g[0]);
            grad.setFlat(1, (float) g[1]);
            optimizer.step();
            if (averaging != null) {
                averaging.eval();
            }
            points.record(value.getFlat(0), value.getFlat(1));
            if (averaging != null) {
                averaging.train();
            }
        }
        return points.trajectory(setup.label(), lr, 0);
    }
}
