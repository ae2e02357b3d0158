package vecopt.bench.convergence;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_FDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * The second-order references: Newton's method (Hessian, then an EJML Cholesky solve), and steepest
 * descent with the exact step on quadratics, both float64; and vecopt's {@code LBFGS}, the
 * quasi-Newton method that needs no Hessian, with the strong Wolfe line search, on float32 parameters.
 *
 * <p>The solve is float32 ({@code FMatrixRMaj}) followed by iterative refinement with the residual
 * computed in float64, which gives the float64 Newton step for any Hessian with condition number
 * well below 1e7. Why not EJML's float64 {@code DMatrixRMaj}: the artifacts {@code ejml-ddense} and
 * {@code ejml-fdense} are automatic modules that share packages ({@code org.ejml.dense.row} and
 * others), so the named module {@code vecopt.bench} cannot read both, and the digits models need the
 * float32 one to share arrays with vecopt's tensors.
 */
public final class SecondOrder {

    /** The label of {@link #newton} runs. */
    public static final String NEWTON = "Newton";
    /** The label of {@link #exactSteepestDescent} runs. */
    public static final String STEEPEST = "Steepest (exact step)";
    /** The label of {@link #lbfgs} runs. */
    public static final String LBFGS = "L-BFGS (strong Wolfe)";

    /**
     * Registered rules the suite runs here as references rather than as rows of {@link OptimizerTable}:
     * they step with a closure and have no learning rate to tune per problem.
     */
    public static final Set<String> REFERENCE_RULES = Set.of("LBFGS");

    /** Iteration stops once the gradient's norm is below this. */
    public static final double GRADIENT_TOLERANCE = 1e-12;

    /** At most this many refinement passes per Newton solve; each gains about 7 - log10(kappa) digits. */
    private static final int MAX_REFINEMENTS = 30;

    private SecondOrder() {
    }

    /**
     * Newton's method: each step solves H d = -g by Cholesky decomposition and moves to x + d. Where
     * the Hessian is not positive definite (Cholesky fails) the step is the gradient step
     * {@code -fallbackLr * g} instead, and {@link Trajectory#fallbacks()} counts it.
     */
    public static Trajectory newton(TestFunction fn, double[] start, int maxSteps, double fallbackLr) {
        LinearSolverDense<FMatrixRMaj> cholesky = LinearSolverFactory_FDRM.chol(2);
        double[] h = new double[4];
        FMatrixRMaj hf = new FMatrixRMaj(2, 2);
        FMatrixRMaj rf = new FMatrixRMaj(2, 1);
        FMatrixRMaj delta = new FMatrixRMaj(2, 1);
        return iterate(NEWTON, fn, start, maxSteps, (x, y, g, step) -> {
            fn.hessian(x, y, h);
            for (int i = 0; i < 4; i++) {
                hf.data[i] = (float) h[i];
            }
            if (cholesky.setA(hf)) {
                // d solves H d = -g: a float32 solve, then refinement with the float64 residual.
                double d0 = 0;
                double d1 = 0;
                for (int pass = 0; pass <= MAX_REFINEMENTS; pass++) {
                    rf.data[0] = (float) (-g[0] - (h[0] * d0 + h[1] * d1));
                    rf.data[1] = (float) (-g[1] - (h[2] * d0 + h[3] * d1));
                    cholesky.solve(rf, delta);
                    d0 += delta.data[0];
                    d1 += delta.data[1];
                    if (Math.hypot(delta.data[0], delta.data[1]) <= 1e-17 * Math.hypot(d0, d1)) {
                        break;
                    }
                }
                if (Double.isFinite(d0) && Double.isFinite(d1)) {
                    step[0] = d0;
                    step[1] = d1;
                    return true;
                }
            }
            step[0] = -fallbackLr * g[0];
            step[1] = -fallbackLr * g[1];
            return false;
        });
    }

    /**
     * Steepest descent with the exact line-search step on a quadratic: x = x - eps* g with
     * eps* = g'g / g'Hg, the minimiser of f along -g. Where g'Hg <= 0 (no minimum along -g) the step
     * is {@code -fallbackLr * g}, counted in {@link Trajectory#fallbacks()}.
     *
     * @throws IllegalArgumentException if {@code fn} is not quadratic (the step is exact only there)
     */
    public static Trajectory exactSteepestDescent(TestFunction fn, double[] start, int maxSteps, double fallbackLr) {
        if (!fn.quadratic()) {
            throw new IllegalArgumentException("exact steepest descent needs a quadratic, got " + fn.name());
        }
        double[] h = new double[4];
        return iterate(STEEPEST, fn, start, maxSteps, (x, y, g, step) -> {
            fn.hessian(x, y, h);
            double gg = g[0] * g[0] + g[1] * g[1];
            double gHg = g[0] * (h[0] * g[0] + h[1] * g[1]) + g[1] * (h[2] * g[0] + h[3] * g[1]);
            boolean exact = gHg > 0;
            double eps = exact ? gg / gHg : fallbackLr;
            step[0] = -eps * g[0];
            step[1] = -eps * g[1];
            return exact;
        });
    }

    /**
     * vecopt's LBFGS with PyTorch's defaults (lr 1, history 100) and the strong Wolfe line search, one
     * iteration per trajectory step ({@code max_iter} 1 per {@code step(closure)}; the history carries
     * over, so the iterations are those of one long step), on the float32 point with the closure's
     * gradient in double ({@link TestFunctionClosure}). Stops once a step no longer moves the point: the
     * gradient is below {@code tolerance_grad} (1e-7) or the step below {@code tolerance_change}.
     */
    public static Trajectory lbfgs(TestFunction fn, double[] start, int maxSteps) {
        FloatTensor value = FloatTensor.of(new float[] {(float) start[0], (float) start[1]});
        FloatTensor grad = FloatTensor.zeros(2);
        Optimizer lbfgs = Optimizers.fromTorch("LBFGS", List.of(new Parameter("xy", value, grad)),
                Map.of("line_search_fn", "strong_wolfe", "max_iter", 1));
        TestFunctionClosure closure = new TestFunctionClosure(fn, value, grad);
        TrajectoryRecorder points = new TrajectoryRecorder(fn, maxSteps, value.getFlat(0), value.getFlat(1));
        while (points.running()) {
            float x = value.getFlat(0);
            float y = value.getFlat(1);
            lbfgs.step(closure);
            if (value.getFlat(0) == x && value.getFlat(1) == y) {
                points.stop("converged: no move after step " + points.steps() + ", " + closure.evaluations()
                        + " evaluations");
                break;
            }
            points.record(value.getFlat(0), value.getFlat(1));
        }
        return points.trajectory(LBFGS, 1, 0);
    }

    private interface StepRule {
        /** Writes the step at (x, y) with gradient g; returns false if it was a fallback gradient step. */
        boolean step(double x, double y, double[] g, double[] step);
    }

    private static Trajectory iterate(String label, TestFunction fn, double[] start, int maxSteps, StepRule rule) {
        TrajectoryRecorder points = new TrajectoryRecorder(fn, maxSteps, start[0], start[1]);
        double[] g = new double[2];
        double[] step = new double[2];
        int fallbacks = 0;
        while (points.running()) {
            fn.gradient(points.x(), points.y(), g);
            if (Math.hypot(g[0], g[1]) < GRADIENT_TOLERANCE) {
                points.stop("converged: |g| < " + GRADIENT_TOLERANCE + " after step " + points.steps());
                break;
            }
            if (!rule.step(points.x(), points.y(), g, step)) {
                fallbacks++;
            }
            points.record(points.x() + step[0], points.y() + step[1]);
        }
        return points.trajectory(label, Double.NaN, fallbacks);
    }
}
