package vecopt.engine.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * L-BFGS in float64, written from Nocedal and Wright, Numerical Optimization (2nd ed.), with the
 * control of one {@code torch.optim.LBFGS.step(closure)} (PyTorch's documentation and defaults): up to
 * {@code maxIter} iterations or {@code maxEval} evaluations, history kept across steps.
 *
 * <p>The direction is NOT the two-loop recursion the engine runs (Algorithm 7.4) but what it computes
 * (eq. 7.19): the inverse-Hessian approximation as a dense matrix, built from {@code H0 = gamma I},
 * {@code gamma = s'y / y'y} of the newest pair (eq. 7.20), by the BFGS update (eq. 6.17) with each
 * stored pair from the oldest,
 * <pre>
 * H = (I - rho s y') H (I - rho y s') + rho s s',    rho = 1 / (y's)
 * d = -H g
 * </pre>
 * A pair is stored only when {@code y's > 1e-10}; the newest {@code historySize} are kept. The step is
 * {@code lr} (the first iteration ever: {@code min(1, 1/|g|_1) lr}), or the line search's: the strong
 * Wolfe conditions ({@code c1 = 1e-4}, {@code c2 = 0.9}) by Algorithm 3.5 (bracketing, trial steps
 * extrapolated by cubic interpolation within {@code [t + 0.01 (t - t_prev), 10 t]}) and Algorithm 3.6
 * (zoom by cubic interpolation, eq. 3.59, kept 10% of the bracket away from its ends when it lands
 * near one twice), at most 25 evaluations after the first.
 */
public final class TextbookLBFGS implements TextbookOptimizer {

    /** An objective: writes the gradient at {@code x} into {@code gradient} and returns the value. */
    @FunctionalInterface
    public interface Objective {
        double evaluate(double[] x, double[] gradient);
    }

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_LINE_SEARCH = 25;

    private final double lr;
    private final int maxIter;
    private final int maxEval;
    private final double toleranceGrad;
    private final double toleranceChange;
    private final int historySize;
    private final boolean strongWolfe;

    private final List<double[]> ss = new ArrayList<>();
    private final List<double[]> ys = new ArrayList<>();
    private double[] d;
    private double t;
    private double[] prevGrad;
    private double prevLoss;
    private long nIter;
    private long funcEvals;

    /** PyTorch's arguments; {@code maxEval} null for None ({@code maxIter * 5 / 4}). */
    public TextbookLBFGS(double lr, int maxIter, Integer maxEval, double toleranceGrad, double toleranceChange,
                         int historySize, boolean strongWolfe) {
        this.lr = lr;
        this.maxIter = maxIter;
        this.maxEval = maxEval == null ? maxIter * 5 / 4 : maxEval;
        this.toleranceGrad = toleranceGrad;
        this.toleranceChange = toleranceChange;
        this.historySize = historySize;
        this.strongWolfe = strongWolfe;
    }

    /** Refused: L-BFGS evaluates the objective itself; use {@link #step(double[], Objective)}. */
    @Override
    public void step(double[] params, double[] grads) {
        throw new UnsupportedOperationException("L-BFGS needs the objective: call step(params, objective)");
    }

    /** One PyTorch step from {@code x} (updated in place); returns the loss at the starting point. */
    public double step(double[] x, Objective f) {
        int n = x.length;
        double[] g = new double[n];
        double loss = f.evaluate(x, g);
        double origLoss = loss;
        long evals = 1;
        funcEvals++;
        if (maxAbs(g) <= toleranceGrad) {
            return origLoss;
        }
        for (int iter = 1; iter <= maxIter; iter++) {
            nIter++;
            if (nIter == 1) {
                d = scaled(g, -1);
                ss.clear();
                ys.clear();
            } else {
                double[] y = difference(g, prevGrad);
                double[] s = scaled(d, t);
                if (dot(y, s) > 1e-10) {
                    if (ss.size() == historySize) {
                        ss.removeFirst();
                        ys.removeFirst();
                    }
                    ss.add(s);
                    ys.add(y);
                }
                d = scaled(times(inverseHessian(n), g), -1);
            }
            prevGrad = g.clone();
            prevLoss = loss;
            t = nIter == 1 ? Math.min(1, 1 / absSum(g)) * lr : lr;
            double gtd = dot(g, d);
            if (gtd > -toleranceChange) {
                break;
            }
            int lineEvals = 0;
            boolean optimal = false;
            if (strongWolfe) {
                double[] x0 = x.clone();
                LineSearch ls = new LineSearch(f, x0, d, loss, g, gtd);
                ls.run(t);
                t = ls.t;
                loss = ls.f;
                g = ls.g;
                lineEvals = ls.evaluations;
                for (int i = 0; i < n; i++) {
                    x[i] = x0[i] + t * d[i];
                }
                optimal = maxAbs(g) <= toleranceGrad;
            } else {
                for (int i = 0; i < n; i++) {
                    x[i] += t * d[i];
                }
                if (iter != maxIter) {
                    g = new double[n];
                    loss = f.evaluate(x, g);
                    lineEvals = 1;
                    optimal = maxAbs(g) <= toleranceGrad;
                }
            }
            evals += lineEvals;
            funcEvals += lineEvals;
            if (iter == maxIter || evals >= maxEval || optimal) {
                break;
            }
            if (maxAbs(d) * Math.abs(t) <= toleranceChange || Math.abs(loss - prevLoss) < toleranceChange) {
                break;
            }
        }
        return origLoss;
    }

    /** The dense inverse-Hessian approximation of the stored pairs (eqs. 7.19, 7.20 and 6.17). */
    private double[][] inverseHessian(int n) {
        double gamma = ss.isEmpty() ? 1 : dot(ss.getLast(), ys.getLast()) / dot(ys.getLast(), ys.getLast());
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            h[i][i] = gamma;
        }
        for (int k = 0; k < ss.size(); k++) {
            double[] s = ss.get(k);
            double[] y = ys.get(k);
            double rho = 1 / dot(y, s);
            double[][] v = new double[n][n]; // V = I - rho y s'
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    v[i][j] = (i == j ? 1 : 0) - rho * y[i] * s[j];
                }
            }
            double[][] hv = new double[n][n]; // H V
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int l = 0; l < n; l++) {
                        sum += h[i][l] * v[l][j];
                    }
                    hv[i][j] = sum;
                }
            }
            for (int i = 0; i < n; i++) { // V' H V + rho s s'
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int l = 0; l < n; l++) {
                        sum += v[l][i] * hv[l][j];
                    }
                    h[i][j] = sum + rho * s[i] * s[j];
                }
            }
        }
        return h;
    }

    /** Algorithms 3.5 and 3.6 with PyTorch's safeguards; fields hold the chosen step, its value and gradient. */
    private static final class LineSearch {

        /** PyTorch calls its line search without a tolerance, so the bracket's is always its default. */
        private static final double BRACKET_TOLERANCE = 1e-9;

        private final Objective objective;
        private final double[] x0;
        private final double[] dir;
        private final double f0;
        private final double[] g0;
        private final double gtd0;
        double t;
        double f;
        double[] g;
        int evaluations;

        LineSearch(Objective objective, double[] x0, double[] dir, double f0, double[] g0, double gtd0) {
            this.objective = objective;
            this.x0 = x0;
            this.dir = dir;
            this.f0 = f0;
            this.g0 = g0;
            this.gtd0 = gtd0;
        }

        /** phi(a), with the gradient at {@code x0 + a d} written into {@code gOut}. */
        private double phi(double a, double[] gOut) {
            double[] x = new double[x0.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = x0[i] + a * dir[i];
            }
            evaluations++;
            return objective.evaluate(x, gOut);
        }

        private boolean sufficientDecrease(double a, double fa) {
            return fa <= f0 + C1 * a * gtd0;
        }

        private boolean curvature(double gtdA) {
            return Math.abs(gtdA) <= -C2 * gtd0;
        }

        void run(double a) {
            double[] ga = new double[x0.length];
            double fa = phi(a, ga);
            double gtda = dot(ga, dir);
            double aPrev = 0;
            double fPrev = f0;
            double gtdPrev = gtd0;
            double[] gPrev = g0;
            int iter = 0;
            while (true) { // Algorithm 3.5: find a bracket
                if (iter == MAX_LINE_SEARCH) { // none found: the last trial if it is lower, else stay
                    if (fa < f0) {
                        accept(a, fa, ga);
                    } else {
                        accept(0, f0, g0);
                    }
                    return;
                }
                if (!sufficientDecrease(a, fa) || (iter > 1 && fa >= fPrev)) {
                    break;
                }
                if (curvature(gtda)) {
                    accept(a, fa, ga);
                    return;
                }
                if (gtda >= 0) {
                    break;
                }
                double next = cubicMinimizer(aPrev, fPrev, gtdPrev, a, fa, gtda, a + 0.01 * (a - aPrev), 10 * a);
                aPrev = a;
                fPrev = fa;
                gtdPrev = gtda;
                gPrev = ga;
                a = next;
                ga = new double[x0.length];
                fa = phi(a, ga);
                gtda = dot(ga, dir);
                iter++;
            }
            // Algorithm 3.6: zoom into [aPrev, a], lo being the end with the lower value
            boolean lowFirst = fPrev <= fa;
            double lo = lowFirst ? aPrev : a;
            double fLo = lowFirst ? fPrev : fa;
            double gtdLo = lowFirst ? gtdPrev : gtda;
            double[] gLo = lowFirst ? gPrev : ga;
            double hi = lowFirst ? a : aPrev;
            double fHi = lowFirst ? fa : fPrev;
            double gtdHi = lowFirst ? gtda : gtdPrev;
            boolean insufficientProgress = false;
            while (iter < MAX_LINE_SEARCH && Math.abs(hi - lo) * maxAbs(dir) >= BRACKET_TOLERANCE) {
                double bottom = Math.min(lo, hi);
                double top = Math.max(lo, hi);
                double trial = cubicMinimizer(lo, fLo, gtdLo, hi, fHi, gtdHi, bottom, top);
                double eps = 0.1 * (top - bottom);
                if (Math.min(top - trial, trial - bottom) < eps) { // too close to an end
                    if (insufficientProgress || trial >= top || trial <= bottom) {
                        trial = Math.abs(trial - top) < Math.abs(trial - bottom) ? top - eps : bottom + eps;
                        insufficientProgress = false;
                    } else {
                        insufficientProgress = true;
                    }
                } else {
                    insufficientProgress = false;
                }
                double[] gt = new double[x0.length];
                double ft = phi(trial, gt);
                double gtdt = dot(gt, dir);
                iter++;
                if (!sufficientDecrease(trial, ft) || ft >= fLo) {
                    hi = trial;
                    fHi = ft;
                    gtdHi = gtdt;
                    if (fHi < fLo) {
                        double a0 = lo, f0lo = fLo, gtd0lo = gtdLo;
                        double[] g0lo = gLo;
                        lo = hi; fLo = fHi; gtdLo = gtdHi; gLo = gt;
                        hi = a0; fHi = f0lo; gtdHi = gtd0lo;
                        gt = g0lo;
                    }
                } else {
                    if (curvature(gtdt)) {
                        accept(trial, ft, gt);
                        return;
                    }
                    if (gtdt * (hi - lo) >= 0) {
                        hi = lo;
                        fHi = fLo;
                        gtdHi = gtdLo;
                    }
                    lo = trial;
                    fLo = ft;
                    gtdLo = gtdt;
                    gLo = gt;
                }
            }
            accept(lo, fLo, gLo);
        }

        private void accept(double a, double fa, double[] ga) {
            t = a;
            f = fa;
            g = ga;
        }
    }

    /**
     * The minimiser of the cubic matching {@code phi} and {@code phi'} at a1 and a2 (eq. 3.59), clamped to
     * {@code [lo, hi]}; their middle where the cubic has no minimiser.
     */
    static double cubicMinimizer(double a1, double f1, double g1, double a2, double f2, double g2, double lo,
                                 double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (a1 - a2);
        double square = d1 * d1 - g1 * g2;
        if (square < 0) {
            return (lo + hi) / 2;
        }
        double d2 = Math.signum(a2 - a1) * Math.sqrt(square);
        double a = a2 - (a2 - a1) * (g2 + d2 - d1) / (g2 - g1 + 2 * d2);
        return Math.min(Math.max(a, lo), hi);
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "d" -> d == null ? new double[0] : d.clone();
            case "prev_flat_grad" -> prevGrad == null ? new double[0] : prevGrad.clone();
            case "t" -> new double[] {t};
            case "n_iter" -> new double[] {nIter};
            case "func_evals" -> new double[] {funcEvals};
            case "history_length" -> new double[] {ss.size()};
            case "prev_loss" -> new double[] {prevLoss};
            default -> throw new IllegalArgumentException("LBFGS keeps no state called " + name);
        };
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double absSum(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    private static double[] scaled(double[] a, double c) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = c * a[i];
        }
        return r;
    }

    private static double[] difference(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private static double[] times(double[][] m, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = dot(m[i], v);
        }
        return r;
    }
}
