package vecopt.engine;

import java.util.ArrayList;
import java.util.List;
import vecopt.engine.kernels.OptimizerKernels;

/**
 * L-BFGS as {@code torch.optim.LBFGS}: each {@link #step(LossClosure)} runs up to {@code max_iter}
 * iterations of limited-memory BFGS, calling the closure (which recomputes the loss and writes the
 * gradients) once per iteration, or several times with the strong Wolfe line search. The
 * direction is the two-loop recursion (Nocedal and Wright, Algorithm 7.4) over the last
 * {@code history_size} pairs {@code s = x_{k+1} - x_k}, {@code y = g_{k+1} - g_k}:
 * <pre>
 * q = -g
 * for i = newest .. oldest:  a_i = rho_i s_i'q;  q = q - a_i y_i          rho_i = 1 / (y_i's_i)
 * r = H_diag q                                                            H_diag = y's / y'y of the newest pair
 * for i = oldest .. newest:  b_i = rho_i y_i'r;  r = r + (a_i - b_i) s_i
 * x = x + t r      t = lr (the very first iteration: min(1, 1 / |g|_1) lr), or the line search's step
 * </pre>
 * A pair enters the history only if {@code y's > 1e-10}. A step stops after {@code max_iter}
 * iterations or {@code max_eval} closure calls, when {@code max |g| <= tolerance_grad}, when
 * {@code g'd > -tolerance_change}, or when the step {@code max |t d|} or the change of the loss falls
 * below {@code tolerance_change}. The state (history, direction, counters) carries over from one
 * step to the next, as PyTorch's does.
 *
 * <p>As PyTorch computes it on float32 parameters: vectors in float32 (one flat vector of every
 * parameter in the group's order, without the copy), dot products rounded to float32, the step along
 * {@code d} as ATen's {@code add_} (a fused multiply-add), and the scalars of the line search and the
 * stopping tests in float32 or double exactly where PyTorch's are 0-dim tensors or Python numbers
 * ({@link TorchScalar}). Golden trajectories of torch 1.13 replay bit for bit.
 *
 * <p>Hyperparameters, PyTorch's names and defaults: {@code lr} 1, {@code max_iter} 20, {@code max_eval}
 * None ({@code max_iter * 5 / 4}, stored as 0), {@code tolerance_grad} 1e-7, {@code tolerance_change}
 * 1e-9, {@code history_size} 100, {@code line_search_fn} None or {@code "strong_wolfe"}
 * ({@code h.with("line_search_fn", "strong_wolfe")}). PyTorch checks none of them; here {@code lr},
 * the tolerances &gt;= 0, {@code max_iter} and {@code history_size} whole numbers &gt;= 1,
 * {@code max_eval} None or a whole number &gt;= 1.
 *
 * <p>State, PyTorch's names, in every parameter's state alike for the global values (PyTorch keeps
 * them on the first parameter): buffers {@code d} and {@code prev_flat_grad} (each parameter's slice
 * of the flat vectors), {@code old_dirs} and {@code old_stps} (its slices of the history's y and s, a
 * ring of {@code history_size} rows, shape {@code [history_size, *shape]}); scalars {@code t},
 * {@code H_diag}, {@code prev_loss}, {@code n_iter}, {@code func_evals}, {@code history_length} (pairs
 * kept) and {@code history_start} (the row of the oldest). {@code ro} is not stored: it is
 * {@code 1 / (y's)} of the stored rows, computed again, to the same bits, after a checkpoint load.
 *
 * <p>As PyTorch's: one parameter group only, {@link #step()} without a closure is refused, no gradient
 * clipping or noise (clip inside the closure if you must). The non-finite policy checks the gradient
 * of each step's first evaluation, before anything changes; a NaN met at a later evaluation (a trial
 * point of the line search) propagates as in PyTorch, and the next step's check catches it. Memory:
 * {@code (2 history_size + 5)} floats per parameter element, and three more with the line search.
 * Runs on the calling thread.
 *
 * <p>Where it differs from PyTorch: {@code max_eval} None follows {@code max_iter} when that changes
 * later (PyTorch fixes it at construction), and an explicit {@code max_eval} of 0 means None (in
 * PyTorch 0, 1 and 2 all stop after one iteration: pass 1); when {@code history_size} shrinks between
 * steps the oldest pairs are dropped (PyTorch then keeps them all and never drops one again).
 */
public final class LBFGS extends Optimizer {

    /** {@code lr}: the step along the direction, or the line search's first trial step; default 1, {@code >= 0}. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1, 0);
    /** {@code max_iter}: iterations per step; default 20, a whole number {@code >= 1}. */
    public static final Hyperparameter MAX_ITER = Hyperparameter.integer("max_iter", 20, 1);
    /**
     * {@code max_eval}: closure calls per step; default None, stored as 0, for {@code max_iter * 5 / 4};
     * else a whole number {@code >= 1}.
     */
    public static final Hyperparameter MAX_EVAL = Hyperparameter.integerOrNone("max_eval", 1);
    /** {@code tolerance_grad}: a step stops when {@code max |g|} is at most this; default 1e-7, {@code >= 0}. */
    public static final Hyperparameter TOLERANCE_GRAD = Hyperparameter.atLeast("tolerance_grad", 1e-7, 0);
    /**
     * {@code tolerance_change}: a step stops when the step, the change of the loss or {@code -g'd} falls
     * below this; default 1e-9, {@code >= 0}.
     */
    public static final Hyperparameter TOLERANCE_CHANGE = Hyperparameter.atLeast("tolerance_change", 1e-9, 0);
    /** {@code history_size}: the pairs {@code (s, y)} kept; default 100, a whole number {@code >= 1}. */
    public static final Hyperparameter HISTORY_SIZE = Hyperparameter.integer("history_size", 100, 1);
    /** {@code line_search_fn}: None (a fixed step of lr), the default, or {@value #STRONG_WOLFE}. */
    public static final Hyperparameter LINE_SEARCH_FN = Hyperparameter.choice("line_search_fn", null, LBFGS.STRONG_WOLFE);

    /** The one line search PyTorch's LBFGS has. */
    public static final String STRONG_WOLFE = "strong_wolfe";

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, MAX_ITER, MAX_EVAL, TOLERANCE_GRAD, TOLERANCE_CHANGE, HISTORY_SIZE, LINE_SEARCH_FN), h -> { });

    private static final String D = "d";
    private static final String PREV_FLAT_GRAD = "prev_flat_grad";
    private static final String OLD_DIRS = "old_dirs";
    private static final String OLD_STPS = "old_stps";

    /** LBFGS's descriptor: the flat vectors' slices, the history rows and the global scalars; steps with a closure. */
    public static final Rule RULE = Rule.builder("LBFGS", DEFAULTS, LBFGS::new)
            .preferredVectorBits(256)
            .buffer(D)
            .buffer(PREV_FLAT_GRAD)
            .add(Rule.Buffer.rows(OLD_DIRS, h -> (int) h.get(HISTORY_SIZE)))
            .add(Rule.Buffer.rows(OLD_STPS, h -> (int) h.get(HISTORY_SIZE)))
            .scalar(Scalars.FUNC_EVALS, 0)
            .scalar(Scalars.N_ITER, 0)
            .scalar(Scalars.T, 0)
            .scalar(Scalars.H_DIAG, 1)
            .scalar(Scalars.PREV_LOSS, 0)
            .scalar(Scalars.HISTORY_LENGTH, 0)
            .scalar(Scalars.HISTORY_START, 0)
            .needsClosure()
            .refusesMixedPrecision("its step reads and writes the float32 values itself, in its line search and"
                    + " flat vectors")
            .keepsFloat32State("its state is the search direction, the previous gradient and a history of whole"
                    + " steps that its line search and two-loop recursion combine across the parameter, not"
                    + " element-wise moments of one pass")
            .traffic(LBFGS::traffic)
            .build();

    /**
     * Floats read and written per element by a step of {@code max_iter} iterations with a full history
     * of {@code history_size = H} pairs, each iteration storing its pair, without the line search and
     * without the closure's own work. An iteration reads {@code 16 + 6H} and writes {@code 8 + 2H}: y
     * and s (r3w2), y's (r2), the pair stored (r2w2) and y'y (r1), the two loops (q = -g r1w1, a dot
     * r2, {@code H - 1} fused axpy-and-dot r3w1 and an axpy r2w1; r = H_diag q r1w1, a dot r2, H fused
     * r3w1), prev_flat_grad (r1w1) and the parameters (r2w1); a step adds {@code max |g|} of each
     * evaluation (r1) and, between iterations, {@code max |t d|} (r1).
     */
    private static Rule.Traffic traffic(Hyperparameters h) {
        long iterations = (long) h.get(MAX_ITER);
        long pairs = (long) h.get(HISTORY_SIZE);
        return new Rule.Traffic(saturated(iterations * (18 + 6 * pairs) - 1), saturated(iterations * (8 + 2 * pairs)));
    }

    private static int saturated(long floats) {
        return (int) Math.min(Integer.MAX_VALUE, floats);
    }

    /**
     * PyTorch's defaults: lr 1, max_iter 20, max_eval None, tolerances 1e-7 and 1e-9, history 100, no line search.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /** What the last step worked on, rebuilt when the state arrays change (a checkpoint load, a new history size). */
    private Workspace workspace;

    /**
     * An optimizer over {@code parameters}, its one group, with {@code hyperparameters} from {@link #defaults()}.
     *
     * @param parameters every parameter it optimizes: LBFGS has one group only
     * @param hyperparameters the group's hyperparameters: {@link #defaults()} with changes
     * @throws IllegalArgumentException naming the argument if {@code parameters} is null or empty, contains
     *     null, a name twice or overlapping arrays, or {@code hyperparameters} is null or not this rule's
     */
    public LBFGS(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /**
     * Refused: LBFGS evaluates the loss and gradients several times per step.
     *
     * @throws UnsupportedOperationException always; call {@link #step(LossClosure)}
     */
    @Override
    public void step() {
        throw new UnsupportedOperationException("LBFGS needs a closure: call step(closure) with one that recomputes"
                + " the loss and writes the gradients, as PyTorch's LBFGS.step(closure) requires; LBFGS evaluates"
                + " several points per step");
    }

    /**
     * One step of up to {@code max_iter} iterations; returns the loss of the closure's first call, at
     * the parameters the step started from (what PyTorch returns). The closure may call
     * {@link #zeroGrad()}.
     *
     * @throws IllegalArgumentException if {@code closure} is null
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#ERROR}, if the first gradient of the
     *     step holds NaN or an infinity; nothing has changed then
     * @throws IllegalStateException if the state does not fit the parameters (a damaged checkpoint) or
     *     clipping or noise were restored onto this optimizer; nothing has changed then
     */
    @Override
    public double step(LossClosure closure) {
        if (closure == null) {
            throw new IllegalArgumentException("closure must not be null; LBFGS needs one that recomputes the loss"
                    + " and writes the gradients");
        }
        return guarded("step(closure)", () -> run(closure));
    }

    /**
     * Refused after the first group, as PyTorch's LBFGS refuses per-parameter options.
     *
     * @throws IllegalArgumentException for a second group; nothing is added
     */
    @Override
    public ParamGroup addParamGroup(List<Parameter> parameters, Hyperparameters hyperparameters) {
        if (!paramGroups().isEmpty()) {
            throw new IllegalArgumentException("LBFGS doesn't support per-parameter options (parameter groups): it"
                    + " has one group; put every parameter in it");
        }
        return super.addParamGroup(parameters, hyperparameters);
    }

    /**
     * Only {@link GradientClipping#none()}: the line search must see the gradient of the loss it
     * evaluates. Clip inside the closure if you must.
     *
     * @throws UnsupportedOperationException for clipping by norm or by value
     */
    @Override
    public void setGradientClipping(GradientClipping clipping) {
        if (clipping != null && !clipping.equals(GradientClipping.none())) {
            throw new UnsupportedOperationException("LBFGS takes no gradient clipping (got " + clipping + "): its line"
                    + " search and curvature pairs need the gradient of the loss the closure returns");
        }
        super.setGradientClipping(clipping);
    }

    /**
     * Only {@link GradientNoise#none()}, for the reason clipping is refused.
     *
     * @throws UnsupportedOperationException for noise
     */
    @Override
    public void setGradientNoise(GradientNoise noise) {
        if (noise != null && noise.enabled()) {
            throw new UnsupportedOperationException("LBFGS takes no gradient noise (got " + noise + "): its line"
                    + " search and curvature pairs need the gradient of the loss the closure returns");
        }
        super.setGradientNoise(noise);
    }

    /** Never called: {@link #step(LossClosure)} runs the whole step. */
    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        throw new UnsupportedOperationException("LBFGS plans no per-parameter kernel call; it steps with a closure");
    }

    private double run(LossClosure closure) {
        if (!gradientClipping().equals(GradientClipping.none()) || gradientNoise().enabled()) {
            throw new IllegalStateException("LBFGS takes no gradient clipping or noise, but has " + gradientClipping()
                    + " and " + gradientNoise() + " (restored from a checkpoint?)");
        }
        ParamGroup group = paramGroups().get(0);
        List<Parameter> ps = group.parameters();
        Hyperparameters h = group.hyperparameters();
        checkState(ps);

        double origLoss = evaluateInsideStep(closure);
        FlatVector liveGrads = vectorOf(ps, false);
        float maxAbs = liveGrads.maxAbs(kernels());
        if (!Float.isFinite(maxAbs) && nonFinitePolicy() != NonFinitePolicy.PROPAGATE) {
            if (nonFinitePolicy() == NonFinitePolicy.SKIP) {
                countSkippedStep();
                return origLoss;
            }
            throw nonFinite(ps);
        }

        Workspace w = workspace(ps, h);
        Scalars s = Scalars.of(state(ps.get(0).name()));
        try {
            s.funcEvals++;
            if (!(maxAbs <= (float) h.get(TOLERANCE_GRAD))) {
                iterate(closure, origLoss, w, s, h);
            }
        } finally {
            for (Parameter p : ps) {
                s.writeTo(state(p.name()));
            }
        }
        for (Parameter p : ps) {
            ParameterState st = state(p.name());
            st.setStep(st.step() + 1);
            st.markUsed();
        }
        return origLoss;
    }

    /** PyTorch's loop of iterations, from the first evaluation's {@code loss} and gradient on. */
    private void iterate(LossClosure closure, double loss, Workspace w, Scalars s, Hyperparameters h) {
        OptimizerKernels kernels = kernels();
        double lr = h.get(LR);
        long maxIter = (long) h.get(MAX_ITER);
        long maxEval = h.get(MAX_EVAL) == 0 ? maxIter * 5 / 4 : (long) h.get(MAX_EVAL);
        float toleranceGrad = (float) h.get(TOLERANCE_GRAD);
        double toleranceChange = h.get(TOLERANCE_CHANGE);
        boolean strongWolfe = h.get(LINE_SEARCH_FN) != 0;
        int rows = w.rows;

        FlatVector flatGrad = w.grads;
        TorchScalar t = TorchScalar.number(s.t);
        TorchScalar hDiag = TorchScalar.number(s.hDiag);
        long currentEvals = 1;
        boolean optCond = false;
        long nIter = 0;
        while (nIter < maxIter) {
            nIter++;
            s.nIter++;
            TorchScalar gtd;
            if (s.nIter == 1) { // steepest descent, history cleared
                w.d.setToNegated(flatGrad, kernels);
                s.historyLength = 0;
                s.historyStart = 0;
                hDiag = TorchScalar.number(1);
                gtd = TorchScalar.tensor(flatGrad.dot(w.d, kernels));
            } else {
                w.y.setToDifference(flatGrad, w.prev, kernels);
                w.s.setToScaled(w.d, t.asFloat(), kernels);
                TorchScalar ys = TorchScalar.tensor(w.y.dot(w.s, kernels));
                if (ys.greaterThan(1e-10)) {
                    if (s.historyLength == rows) { // drop the oldest pair
                        s.historyStart = (s.historyStart + 1) % rows;
                        s.historyLength--;
                    }
                    int slot = (s.historyStart + s.historyLength) % rows;
                    w.dirs[slot].copyFrom(w.y);
                    w.stps[slot].copyFrom(w.s);
                    w.ro[slot] = TorchScalar.number(1).dividedBy(ys);
                    s.historyLength++;
                    hDiag = ys.dividedBy(TorchScalar.tensor(w.y.dot(w.y, kernels)));
                }
                gtd = twoLoop(w, s, flatGrad, hDiag, kernels);
            }
            w.prev.copyFrom(flatGrad);
            s.prevLoss = loss;
            t = s.nIter == 1
                    ? TorchScalar.min(TorchScalar.number(1.0),
                            TorchScalar.number(1.0).dividedBy(TorchScalar.tensor(flatGrad.absSum()))).times(lr)
                    : TorchScalar.number(lr);
            s.t = t.value();
            s.hDiag = hDiag.value();
            if (gtd.greaterThan(-toleranceChange)) {
                break; // the directional derivative is below tolerance
            }
            int lsEvals = 0;
            if (strongWolfe) {
                w.x.copyFrom(w.params);
                StrongWolfe.Result r = new StrongWolfe(w.copies, kernels).search(trial -> {
                    w.params.setToScaledSum(trial.asFloat(), w.d, w.x, kernels);
                    return evaluateInsideStep(closure);
                }, w.grads, w.d, t, loss, flatGrad, gtd);
                loss = r.loss();
                flatGrad = r.grad();
                t = r.t();
                lsEvals = r.evaluations();
                w.params.setToScaledSum(t.asFloat(), w.d, w.x, kernels);
                optCond = flatGrad.maxAbs(kernels) <= toleranceGrad;
            } else {
                w.params.addScaled(t.asFloat(), w.d, kernels);
                if (nIter != maxIter) { // no evaluation after the last iteration, as PyTorch
                    loss = evaluateInsideStep(closure);
                    flatGrad = w.grads;
                    optCond = flatGrad.maxAbs(kernels) <= toleranceGrad;
                    lsEvals = 1;
                }
            }
            s.t = t.value();
            currentEvals += lsEvals;
            s.funcEvals += lsEvals;
            if (nIter == maxIter || currentEvals >= maxEval || optCond) {
                break;
            }
            if (w.d.maxAbsScaled(t.asFloat(), kernels) <= (float) toleranceChange) {
                break; // no progress in the parameters
            }
            if (Math.abs(loss - s.prevLoss) < toleranceChange) {
                break; // no progress in the loss
            }
        }
    }

    /**
     * The direction {@code d = -H g} by the two-loop recursion over the stored pairs, written into
     * {@code w.d}, and {@code g'd}. Each update of q (then r) by one pair shares its pass with the dot
     * product the next pair needs ({@link FlatVector#addScaledThenDot}), and the last with {@code g'd}.
     */
    private static TorchScalar twoLoop(Workspace w, Scalars s, FlatVector g, TorchScalar hDiag,
                                       OptimizerKernels kernels) {
        int n = s.historyLength;
        int rows = w.rows;
        FlatVector q = w.d;
        q.setToNegated(g, kernels);
        if (n > 0) {
            double product = w.stps[slot(s, n - 1, rows)].dot(q, kernels);
            for (int i = n - 1; i >= 0; i--) {
                int slot = slot(s, i, rows);
                w.al[i] = TorchScalar.tensor(product).times(w.ro[slot]);
                float alpha = -w.al[i].asFloat();
                if (i > 0) {
                    product = q.addScaledThenDot(alpha, w.dirs[slot], w.stps[slot(s, i - 1, rows)], kernels);
                } else {
                    q.addScaled(alpha, w.dirs[slot], kernels);
                }
            }
        }
        FlatVector r = q;
        r.setToScaled(q, hDiag.asFloat(), kernels);
        if (n == 0) {
            return TorchScalar.tensor(g.dot(r, kernels));
        }
        double product = w.dirs[slot(s, 0, rows)].dot(r, kernels);
        for (int i = 0; i < n; i++) {
            int slot = slot(s, i, rows);
            TorchScalar be = TorchScalar.tensor(product).times(w.ro[slot]);
            float alpha = w.al[i].minus(be).asFloat();
            product = r.addScaledThenDot(alpha, w.stps[slot], i + 1 < n ? w.dirs[slot(s, i + 1, rows)] : g, kernels);
        }
        return TorchScalar.tensor(product); // g'd from the last pass
    }

    /** The row of the {@code i}-th oldest pair. */
    private static int slot(Scalars s, int i, int rows) {
        return (s.historyStart + i) % rows;
    }

    // ---- state ------------------------------------------------------------------------------------

    /**
     * Checks that the state (after a checkpoint load, possibly) fits the parameters before anything is
     * evaluated: every parameter has state or none has; each has every buffer, {@code d} and
     * {@code prev_flat_grad} of its size, the history a whole number of its rows (the same for all);
     * the global scalars are the same everywhere and in range.
     */
    private void checkState(List<Parameter> ps) {
        Scalars reference = null;
        String referenceName = null;
        int rows = -1;
        int stateful = 0;
        for (Parameter p : ps) {
            ParameterState st = state(p.name());
            if (st == null) {
                continue;
            }
            stateful++;
            checkStateFits(p, st);
            for (String b : List.of(D, PREV_FLAT_GRAD, OLD_DIRS, OLD_STPS)) {
                if (st.buffer(b) == null && st.step() > 0) {
                    throw new IllegalStateException("parameter " + p.name() + " has LBFGS state without " + b);
                }
            }
            float[] dirs = st.buffer(OLD_DIRS);
            float[] stps = st.buffer(OLD_STPS);
            if (dirs != null && stps != null && p.size() > 0) {
                if (dirs.length != stps.length || dirs.length % p.size() != 0) {
                    throw new IllegalStateException("parameter " + p.name() + " has " + p.size() + " elements but its"
                            + " old_dirs has " + dirs.length + " and old_stps " + stps.length + ": not the same whole"
                            + " number of rows");
                }
                int r = dirs.length / p.size();
                if (rows >= 0 && r != rows) {
                    throw new IllegalStateException("parameter " + p.name() + " keeps " + r + " history rows, another"
                            + " parameter " + rows);
                }
                rows = r;
            }
            Scalars s = Scalars.of(st);
            s.check(p.name(), rows);
            if (reference == null) {
                reference = s;
                referenceName = p.name();
            } else if (!reference.equals(s)) {
                throw new IllegalStateException("LBFGS's state is global, the same in every parameter's state, but "
                        + p.name() + " has " + s + " and " + referenceName + " has " + reference);
            }
        }
        if (stateful != 0 && stateful != ps.size()) {
            throw new IllegalStateException("LBFGS's state is global, but only " + stateful + " of " + ps.size()
                    + " parameters have state");
        }
        if (reference != null && rows >= 0) {
            reference.check(referenceName, rows);
        }
    }

    /**
     * The workspace over every parameter's state, creating the state on the first step and resizing
     * the history when {@code history_size} changed; all or nothing: if an allocation fails, no state
     * is created or changed.
     */
    private Workspace workspace(List<Parameter> ps, Hyperparameters h) {
        List<Runnable> undo = new ArrayList<>();
        try {
            for (Parameter p : ps) {
                createMissingState(p, h, undo);
            }
            int historySize = (int) h.get(HISTORY_SIZE);
            if (historyRows(ps, historySize) != historySize) {
                resizeHistory(ps, historySize);
            }
            if (workspace == null || !workspace.boundTo(this, ps)) {
                workspace = new Workspace(this, ps, historySize);
            }
            if (h.get(LINE_SEARCH_FN) != 0) {
                workspace.copies.reserve(GradientCopies.MOST_IN_USE);
            }
        } catch (RuntimeException | Error e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
        return workspace;
    }

    /** Rows of the history now (the parameters' first non-empty one tells); {@code fallback} if all are empty. */
    private int historyRows(List<Parameter> ps, int fallback) {
        for (Parameter p : ps) {
            if (p.size() > 0) {
                return state(p.name()).buffer(OLD_DIRS).length / p.size();
            }
        }
        return fallback;
    }

    /**
     * Gives every parameter a history of {@code rows} rows holding the newest pairs, oldest first.
     * The new arrays are all allocated before any is installed.
     */
    private void resizeHistory(List<Parameter> ps, int rows) {
        Scalars s = Scalars.of(state(ps.get(0).name()));
        int oldRows = historyRows(ps, rows);
        int keep = Math.min(s.historyLength, rows);
        List<float[][]> resized = new ArrayList<>();
        for (Parameter p : ps) {
            ParameterState st = state(p.name());
            float[][] pair = {new float[Math.multiplyExact(rows, p.size())], new float[Math.multiplyExact(rows, p.size())]};
            for (int i = 0; i < keep; i++) {
                int from = (s.historyStart + s.historyLength - keep + i) % oldRows * p.size();
                System.arraycopy(st.buffer(OLD_DIRS), from, pair[0], i * p.size(), p.size());
                System.arraycopy(st.buffer(OLD_STPS), from, pair[1], i * p.size(), p.size());
            }
            resized.add(pair);
        }
        s.historyLength = keep;
        s.historyStart = 0;
        for (int k = 0; k < ps.size(); k++) {
            ParameterState st = state(ps.get(k).name());
            st.putBuffer(OLD_DIRS, resized.get(k)[0]);
            st.putBuffer(OLD_STPS, resized.get(k)[1]);
            s.writeTo(st);
        }
    }

    /** The parameters' values ({@code values}) or gradients as one flat vector. */
    private static FlatVector vectorOf(List<Parameter> ps, boolean values) {
        float[][] arrays = new float[ps.size()][];
        int[] offsets = new int[ps.size()];
        int[] lengths = new int[ps.size()];
        for (int k = 0; k < ps.size(); k++) {
            Parameter p = ps.get(k);
            arrays[k] = values ? p.value().array() : p.grad().array();
            offsets[k] = values ? p.value().offset() : p.grad().offset();
            lengths[k] = p.size();
        }
        return new FlatVector(arrays, offsets, lengths);
    }

    private static NonFiniteGradientException nonFinite(List<Parameter> ps) {
        for (Parameter p : ps) {
            int at = GradientNorms.firstNonFinite(p);
            if (at >= 0) {
                return new NonFiniteGradientException(p.name(), at, p.grad().array()[p.grad().offset() + at]);
            }
        }
        throw new IllegalStateException("a gradient's largest magnitude is not finite, but no element is NaN or infinite");
    }

    /**
     * The global scalars of LBFGS's state, read from a parameter's state and written to every one.
     * Counters are kept as doubles in the state (whole numbers, exact up to 2^53).
     */
    private static final class Scalars {

        static final String FUNC_EVALS = "func_evals";
        static final String N_ITER = "n_iter";
        static final String T = "t";
        static final String H_DIAG = "H_diag";
        static final String PREV_LOSS = "prev_loss";
        static final String HISTORY_LENGTH = "history_length";
        static final String HISTORY_START = "history_start";

        double funcEvals;
        double nIter;
        double t;
        double hDiag;
        double prevLoss;
        int historyLength;
        int historyStart;
        /** The raw values as read, for {@link #check}. */
        private double rawLength;
        private double rawStart;

        static Scalars of(ParameterState st) {
            Scalars s = new Scalars();
            s.funcEvals = st.scalarOr(FUNC_EVALS, 0);
            s.nIter = st.scalarOr(N_ITER, 0);
            s.t = st.scalarOr(T, 0);
            s.hDiag = st.scalarOr(H_DIAG, 1);
            s.prevLoss = st.scalarOr(PREV_LOSS, 0);
            s.rawLength = st.scalarOr(HISTORY_LENGTH, 0);
            s.rawStart = st.scalarOr(HISTORY_START, 0);
            s.historyLength = (int) s.rawLength;
            s.historyStart = (int) s.rawStart;
            return s;
        }

        /** Throws naming {@code parameter} unless the counters are whole and the history fits {@code rows} rows. */
        void check(String parameter, int rows) {
            if (!count(funcEvals) || !count(nIter) || !count(rawLength) || !count(rawStart) || rawLength > Integer.MAX_VALUE
                    || rawStart > Integer.MAX_VALUE) {
                throw new IllegalStateException("parameter " + parameter + ": LBFGS's counters must be whole numbers"
                        + " >= 0, got " + this);
            }
            if (rows >= 0 && (rawLength > rows || (rows > 0 && rawStart >= rows) || (rows == 0 && rawStart != 0))) {
                throw new IllegalStateException("parameter " + parameter + ": history_length " + historyLength
                        + " and history_start " + historyStart + " do not fit a history of " + rows + " rows");
            }
        }

        /** A whole number from 0 to 2^53, where doubles count exactly. */
        private static boolean count(double v) {
            return v >= 0 && v == Math.rint(v) && v <= 0x1p53;
        }

        void writeTo(ParameterState st) {
            st.setScalar(FUNC_EVALS, funcEvals);
            st.setScalar(N_ITER, nIter);
            st.setScalar(T, t);
            st.setScalar(H_DIAG, hDiag);
            st.setScalar(PREV_LOSS, prevLoss);
            st.setScalar(HISTORY_LENGTH, historyLength);
            st.setScalar(HISTORY_START, historyStart);
        }

        private double[] values() {
            return new double[] {funcEvals, nIter, t, hDiag, prevLoss, rawLength, rawStart};
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Scalars other)) {
                return false;
            }
            double[] a = values();
            double[] b = other.values();
            for (int i = 0; i < a.length; i++) {
                if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(values());
        }

        @Override
        public String toString() {
            return FUNC_EVALS + " " + funcEvals + ", " + N_ITER + " " + nIter + ", " + T + " " + t + ", " + H_DIAG + " "
                    + hDiag + ", " + PREV_LOSS + " " + prevLoss + ", " + HISTORY_LENGTH + " " + rawLength + ", "
                    + HISTORY_START + " " + rawStart;
        }
    }

    /**
     * The flat vectors a step works on: the parameters, their gradients, the state's slices ({@code d},
     * {@code prev_flat_grad}, each history row), scratch vectors for the next pair and the line search,
     * and {@code ro} of each stored pair.
     */
    private static final class Workspace {

        final FlatVector params;
        final FlatVector grads;
        final FlatVector d;
        final FlatVector prev;
        final FlatVector[] dirs;
        final FlatVector[] stps;
        final FlatVector y;
        final FlatVector s;
        final FlatVector x;
        final GradientCopies copies;
        final TorchScalar[] ro;
        final TorchScalar[] al;
        final int rows;
        /** Every state array these vectors are over, in parameter order, to tell when they were replaced. */
        private final List<float[]> bound = new ArrayList<>();

        Workspace(LBFGS o, List<Parameter> ps, int rows) {
            this.rows = rows;
            params = vectorOf(ps, true);
            grads = vectorOf(ps, false);
            d = stateVector(o, ps, D, 0);
            prev = stateVector(o, ps, PREV_FLAT_GRAD, 0);
            dirs = new FlatVector[rows];
            stps = new FlatVector[rows];
            for (int r = 0; r < rows; r++) {
                dirs[r] = stateVector(o, ps, OLD_DIRS, r);
                stps[r] = stateVector(o, ps, OLD_STPS, r);
            }
            y = FlatVector.zerosLike(grads);
            s = FlatVector.zerosLike(grads);
            x = FlatVector.zerosLike(grads);
            copies = new GradientCopies(grads);
            ro = new TorchScalar[rows];
            al = new TorchScalar[rows];
            for (Parameter p : ps) {
                ParameterState st = o.state(p.name());
                for (String b : List.of(D, PREV_FLAT_GRAD, OLD_DIRS, OLD_STPS)) {
                    bound.add(st.buffer(b));
                }
            }
            // ro of the stored pairs, as the step that stored each computed it: 1 / (y's), y's rounded to float
            Scalars sc = Scalars.of(o.state(ps.get(0).name()));
            for (int i = 0; i < sc.historyLength; i++) {
                int slot = slot(sc, i, rows);
                ro[slot] = TorchScalar.number(1).dividedBy(TorchScalar.tensor(dirs[slot].dot(stps[slot], o.kernels())));
            }
        }

        /** Whether the state still holds the arrays these vectors are over. */
        boolean boundTo(LBFGS o, List<Parameter> ps) {
            int i = 0;
            for (Parameter p : ps) {
                ParameterState st = o.state(p.name());
                for (String b : List.of(D, PREV_FLAT_GRAD, OLD_DIRS, OLD_STPS)) {
                    if (st.buffer(b) != bound.get(i++)) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Row {@code row} of every parameter's buffer {@code name}, as one flat vector. */
        private static FlatVector stateVector(LBFGS o, List<Parameter> ps, String name, int row) {
            float[][] arrays = new float[ps.size()][];
            int[] offsets = new int[ps.size()];
            int[] lengths = new int[ps.size()];
            for (int k = 0; k < ps.size(); k++) {
                arrays[k] = o.state(ps.get(k).name()).buffer(name);
                offsets[k] = row * ps.get(k).size();
                lengths[k] = ps.get(k).size();
            }
            return new FlatVector(arrays, offsets, lengths);
        }
    }
}
