package vecopt.engine;

import vecopt.engine.kernels.OptimizerKernels;

/**
 * The line search of PyTorch's LBFGS with {@code line_search_fn="strong_wolfe"} (its
 * {@code _strong_wolfe} and {@code _cubic_interpolate}, after Nocedal and Wright, Algorithms 3.5 and
 * 3.6, and minFunc): from step {@code t} along direction {@code d}, bracket a step that satisfies the
 * strong Wolfe conditions
 * <pre>
 * f(x + t d) &lt;= f(x) + c1 t g'd          (sufficient decrease, c1 = 1e-4)
 * |g(x + t d)'d| &lt;= -c2 g'd               (curvature, c2 = 0.9)
 * </pre>
 * and zoom in on it by safeguarded cubic interpolation, with at most 25 evaluations past the first.
 * Scalars are {@link TorchScalar}s, so every decision rounds as PyTorch's does on float32 parameters.
 * Gradients the search keeps (the bracket's ends) are copies, as PyTorch's clones are; the one just
 * evaluated is read where the closure wrote it.
 */
final class StrongWolfe {

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_LS = 25;
    /**
     * The smallest bracket, times {@code max |d|}: PyTorch's LBFGS calls its line search without its own
     * {@code tolerance_change}, so the line search's default applies whatever the optimizer's is.
     */
    private static final double TOLERANCE_CHANGE = 1e-9;

    /** The objective along the line: moves the parameters to {@code x + t d} and evaluates the closure there. */
    @FunctionalInterface
    interface Line {
        /** The loss at step {@code t}; its gradient is then in the search's live gradient vector. */
        double evaluate(TorchScalar t);
    }

    /**
     * Where the search ended.
     *
     * @param loss        f at the chosen step
     * @param grad        its gradient: a copy, or the live gradient vector when that was the last evaluation
     * @param t           the chosen step
     * @param evaluations closure calls made
     */
    record Result(double loss, FlatVector grad, TorchScalar t, int evaluations) {
    }

    private final GradientCopies copies;
    private final OptimizerKernels kernels;

    StrongWolfe(GradientCopies copies, OptimizerKernels kernels) {
        this.copies = copies;
        this.kernels = kernels;
    }

    /**
     * Searches along {@code d} from the point where the loss is {@code f}, the gradient {@code g} and
     * the directional derivative {@code gtd}, starting with step {@code t}.
     *
     * @param live the vector the closure writes gradients into
     */
    Result search(Line line, FlatVector live, FlatVector d, TorchScalar t, double f, FlatVector g, TorchScalar gtd) {
        TorchScalar dNorm = TorchScalar.tensor(d.maxAbs(kernels));
        FlatVector gInit = copies.copy(g);
        double fNew = line.evaluate(t);
        int evaluations = 1;
        TorchScalar gtdNew = TorchScalar.tensor(live.dot(d, kernels));

        // bracket an interval containing a point satisfying the Wolfe criteria
        TorchScalar tPrev = TorchScalar.number(0);
        double fPrev = f;
        FlatVector gPrev = gInit;
        TorchScalar gtdPrev = gtd;
        boolean done = false;
        int lsIter = 0;
        TorchScalar[] bracket = null;
        double[] bracketF = null;
        FlatVector[] bracketG = null;
        TorchScalar[] bracketGtd = null;
        while (lsIter < MAX_LS) {
            if (TorchScalar.number(fNew).greaterThan(armijoBound(f, t, gtd)) || (lsIter > 1 && fNew >= fPrev)) {
                bracket = new TorchScalar[] {tPrev, t};
                bracketF = new double[] {fPrev, fNew};
                bracketG = new FlatVector[] {gPrev, copies.copy(live, gInit, gPrev)};
                bracketGtd = new TorchScalar[] {gtdPrev, gtdNew};
                break;
            }
            if (gtdNew.abs().atMost(TorchScalar.number(-C2).times(gtd))) {
                bracket = new TorchScalar[] {t};
                bracketF = new double[] {fNew};
                bracketG = new FlatVector[] {live};
                done = true;
                break;
            }
            if (gtdNew.atLeast(0)) {
                bracket = new TorchScalar[] {tPrev, t};
                bracketF = new double[] {fPrev, fNew};
                bracketG = new FlatVector[] {gPrev, copies.copy(live, gInit, gPrev)};
                bracketGtd = new TorchScalar[] {gtdPrev, gtdNew};
                break;
            }
            // interpolate within [t + 0.01 (t - t_prev), 10 t]
            TorchScalar minStep = t.plus(TorchScalar.number(0.01).times(t.minus(tPrev)));
            TorchScalar maxStep = t.times(10);
            TorchScalar previous = t;
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, minStep, maxStep);
            tPrev = previous;
            fPrev = fNew;
            gPrev = copies.copy(live, gInit);
            gtdPrev = gtdNew;
            fNew = line.evaluate(t);
            evaluations++;
            gtdNew = TorchScalar.tensor(live.dot(d, kernels));
            lsIter++;
        }
        if (lsIter == MAX_LS) {
            bracket = new TorchScalar[] {TorchScalar.number(0), t};
            bracketF = new double[] {f, fNew};
            bracketG = new FlatVector[] {gInit, live};
        }

        // zoom: refine the bracket until a point satisfies the criteria
        boolean insufficientProgress = false;
        int low = bracketF[0] <= bracketF[bracketF.length - 1] ? 0 : 1;
        int high = 1 - low;
        while (!done && lsIter < MAX_LS) {
            if (bracket[1].minus(bracket[0]).abs().times(dNorm).lessThan(TOLERANCE_CHANGE)) {
                break; // the bracket is too small
            }
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1],
                    null, null);
            // too close to an end of the bracket, or twice in a row: move to 0.1 of its length from that end
            TorchScalar top = TorchScalar.max(bracket[0], bracket[1]);
            TorchScalar bottom = TorchScalar.min(bracket[0], bracket[1]);
            TorchScalar eps = TorchScalar.number(0.1).times(top.minus(bottom));
            if (TorchScalar.min(top.minus(t), t.minus(bottom)).lessThan(eps)) {
                if (insufficientProgress || t.atLeast(top) || t.atMost(bottom)) {
                    t = t.minus(top).abs().lessThan(t.minus(bottom).abs()) ? top.minus(eps) : bottom.plus(eps);
                    insufficientProgress = false;
                } else {
                    insufficientProgress = true;
                }
            } else {
                insufficientProgress = false;
            }
            fNew = line.evaluate(t);
            evaluations++;
            gtdNew = TorchScalar.tensor(live.dot(d, kernels));
            lsIter++;
            if (TorchScalar.number(fNew).greaterThan(armijoBound(f, t, gtd)) || fNew >= bracketF[low]) {
                // not sufficient decrease, or not below the lowest point: the new point is the high end
                bracket[high] = t;
                bracketF[high] = fNew;
                bracketG[high] = copies.copy(live, bracketG[low]);
                bracketGtd[high] = gtdNew;
                low = bracketF[0] <= bracketF[1] ? 0 : 1;
                high = 1 - low;
            } else {
                if (gtdNew.abs().atMost(TorchScalar.number(-C2).times(gtd))) {
                    done = true; // the Wolfe conditions hold
                } else if (gtdNew.times(bracket[high].minus(bracket[low])).atLeast(0)) {
                    // the old high end becomes the new low end
                    bracket[high] = bracket[low];
                    bracketF[high] = bracketF[low];
                    bracketG[high] = bracketG[low];
                    bracketGtd[high] = bracketGtd[low];
                }
                bracket[low] = t;
                bracketF[low] = fNew;
                bracketG[low] = copies.copy(live, bracketG[high]);
                bracketGtd[low] = gtdNew;
            }
        }
        return new Result(bracketF[low], bracketG[low], bracket[low], evaluations);
    }

    /** {@code f + c1 * t * gtd}, in PyTorch's order and types. */
    private static TorchScalar armijoBound(double f, TorchScalar t, TorchScalar gtd) {
        return TorchScalar.number(f).plus(TorchScalar.number(C1).times(t).times(gtd));
    }

    /**
     * The minimiser of the cubic through {@code (x1, f1)} and {@code (x2, f2)} with slopes {@code g1} and
     * {@code g2}, clamped to {@code [xmin, xmax]} (the interval between x1 and x2 when null); the
     * middle of the interval where the cubic has no minimum:
     * <pre>
     * d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2)
     * d2 = sqrt(d1^2 - g1 g2)
     * x  = x2 - (x2 - x1) (g2 + d2 - d1) / (g2 - g1 + 2 d2)     (for x1 &lt;= x2; mirrored otherwise)
     * </pre>
     */
    static TorchScalar cubicInterpolate(TorchScalar x1, double f1, TorchScalar g1, TorchScalar x2, double f2,
                                        TorchScalar g2, TorchScalar xmin, TorchScalar xmax) {
        if (xmin == null) {
            boolean ordered = x1.atMost(x2);
            xmin = ordered ? x1 : x2;
            xmax = ordered ? x2 : x1;
        }
        TorchScalar three = TorchScalar.number(3);
        TorchScalar d1 = g1.plus(g2).minus(three.times(f1 - f2).dividedBy(x1.minus(x2)));
        TorchScalar d2Square = d1.times(d1).minus(g1.times(g2));
        if (d2Square.atLeast(0)) {
            TorchScalar d2 = d2Square.sqrt();
            TorchScalar two = TorchScalar.number(2);
            TorchScalar minPos = x1.atMost(x2)
                    ? x2.minus(x2.minus(x1).times(g2.plus(d2).minus(d1).dividedBy(g2.minus(g1).plus(two.times(d2)))))
                    : x1.minus(x1.minus(x2).times(g1.plus(d2).minus(d1).dividedBy(g1.minus(g2).plus(two.times(d2)))));
            return TorchScalar.min(TorchScalar.max(minPos, xmin), xmax);
        }
        return xmin.plus(xmax).dividedBy(2.0);
    }
}
