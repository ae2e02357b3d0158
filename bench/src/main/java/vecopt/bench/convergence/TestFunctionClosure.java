package vecopt.bench.convergence;

import vecopt.engine.Optimizer;
import vecopt.tensor.FloatTensor;

/**
 * A test function as the closure of {@link Optimizer#step(Optimizer.LossClosure)}: reads the point
 * from a 2-element float32 tensor, writes the analytic gradient there, rounded to float32, into the
 * gradient tensor and returns f, both computed in double. Counts its calls.
 */
public final class TestFunctionClosure implements Optimizer.LossClosure {

    private final TestFunction fn;
    private final FloatTensor value;
    private final FloatTensor grad;
    private final double[] g = new double[2];
    private long evaluations;

    /** Evaluates {@code fn} at {@code value}, writing into {@code grad}. */
    public TestFunctionClosure(TestFunction fn, FloatTensor value, FloatTensor grad) {
        if (value.size() != 2 || grad.size() != 2) {
            throw new IllegalArgumentException("a test function takes 2 elements, got a value of " + value.size()
                    + " and a gradient of " + grad.size());
        }
        this.fn = fn;
        this.value = value;
        this.grad = grad;
    }

    @Override
    public double evaluate() {
        evaluations++;
        double x = value.getFlat(0);
        double y = value.getFlat(1);
        fn.gradient(x, y, g);
        grad.setFlat(0, (float) g[0]);
        grad.setFlat(1, (float) g[1]);
        return fn.value(x, y);
    }

    /** Calls so far. */
    public long evaluations() {
        return evaluations;
    }
}
