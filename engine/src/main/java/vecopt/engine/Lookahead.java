package vecopt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Lookahead (Zhang et al. 2019, "Lookahead Optimizer: k steps forward, 1 step back") around any
 * optimizer: the inner optimizer takes {@code k} steps on the fast weights (the parameters), then the
 * slow weights move {@code alpha} of the way towards them and the fast weights restart from there:
 * <pre>
 * phi = theta at the first step()                     (slow weights, one array per parameter)
 * every step():   inner.step()                         (the fast weights theta move)
 * every k-th:     phi = phi + alpha * (theta - phi);  theta = phi     (one fused pass per parameter)
 * </pre>
 * The slow weights are copied from the parameters at a parameter's first {@link #step()}, before the
 * inner update, as Less Wright's Ranger does and as the paper's Algorithm 1 starts ({@code phi_0 =
 * theta_0}); the authors' code copies at wrap time, which is the same unless the parameters change in
 * between (loading a model after building the optimizer). lonePatient's Lookahead and
 * torch-optimizer's copy them at the first synchronisation, which makes that one a no-op; vecopt does not.
 *
 * <p>A training loop calls {@link #step()} instead of the inner optimizer's. Groups, hyperparameters,
 * schedulers, clipping and the rest stay the inner optimizer's ({@link #inner()}). Lookahead is not a
 * rule of its own (not in the registry, not in {@code torch.optim}): it has no gradient update and
 * works over every rule. It is a {@link Checkpointable}: give it to
 * {@link vecopt.engine.checkpoint.Checkpoints#save} with the inner optimizer and its slow weights and
 * step count are saved and restored bit for bit:
 * <pre>
 * Lookahead opt = Lookahead.wrap(new Adam(params, Adam.defaults()), 5, 0.5);
 * opt.step();
 * Checkpoints.save(opt.inner(), file, opt);
 * Checkpoints.load(resumed.inner(), file, resumed);
 * </pre>
 *
 * <p>The counter is global: every k-th {@code step()} synchronises every parameter that has slow
 * weights (a group added later gets them at its first step and joins the same schedule). A step the
 * inner optimizer skips ({@link NonFinitePolicy#SKIP}) is not counted. Not thread-safe, like the inner optimizer.
 */
public final class Lookahead implements OptimizerWrapper, Checkpointable {

    /** The paper's and torch-optimizer's default number of inner steps per synchronisation. */
    public static final int DEFAULT_K = 5;
    /** The paper's default slow-weight step size. */
    public static final double DEFAULT_ALPHA = 0.5;

    private final Optimizer inner;
    private final int k;
    private final double alpha;
    private final float alphaFloat;
    /** Slow weights by parameter name, created at a parameter's first step. */
    private final Map<String, float[]> slow = new LinkedHashMap<>();
    /** Steps the inner optimizer took through this wrapper. */
    private long steps;

    private Lookahead(Optimizer inner, int k, double alpha) {
        this.inner = inner;
        this.k = k;
        this.alpha = alpha;
        this.alphaFloat = (float) alpha;
    }

    /**
     * Lookahead with the paper's defaults, k 5 and alpha 0.5.
     *
     * @param inner the optimizer of the fast weights
     * @return the wrapper; call its {@code step()} instead of the inner one's
     */
    public static Lookahead wrap(Optimizer inner) {
        return wrap(inner, DEFAULT_K, DEFAULT_ALPHA);
    }

    /**
     * Lookahead around {@code inner}: synchronise every {@code k} steps with step size {@code alpha}.
     *
     * @param inner the optimizer of the fast weights
     * @param k inner steps per synchronisation
     * @param alpha the slow weights' step size
     * @return the wrapper; call its {@code step()} instead of the inner one's
     * @throws IllegalArgumentException if {@code inner} is null or steps only with a closure (LBFGS),
     *     {@code k < 1} or {@code alpha} is not in [0, 1]
     */
    public static Lookahead wrap(Optimizer inner, int k, double alpha) {
        if (inner == null) {
            throw new IllegalArgumentException("inner must not be null");
        }
        refuseClosureRules(inner, "Lookahead");
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        return new Lookahead(inner, k, alpha);
    }

    /** Refuses an optimizer that steps only with a closure: a wrapper's step() would call its refused step(). */
    static void refuseClosureRules(Optimizer inner, String wrapper) {
        if (inner.rule().needsClosure()) {
            throw new IllegalArgumentException(wrapper + " cannot wrap " + inner.rule() + ", which steps only with a"
                    + " closure (step(closure)) that re-evaluates the loss");
        }
    }

    /** The wrapped optimizer: its groups, hyperparameters and settings are Lookahead's. */
    @Override
    public Optimizer inner() {
        return inner;
    }

    /** {@return the number of inner steps per synchronisation} */
    public int k() {
        return k;
    }

    /** {@return the slow weights' step size towards the fast weights} */
    public double alpha() {
        return alpha;
    }

    /** {@return the number of inner steps taken through {@link #step()} (skipped ones not counted)} */
    public long steps() {
        return steps;
    }

    /**
     * The slow weights of the parameter called {@code name}, shared, not copied; null before its first step.
     *
     * @param name the parameter's name
     * @return the slow weights, or null
     */
    public float[] slowWeights(String name) {
        inner.state(name); // throws naming an unknown parameter
        return slow.get(name);
    }

    /**
     * One inner step, and on every k-th the synchronisation. Slow weights missing for a parameter are
     * copied from it first; if the inner step throws, they are dropped again and nothing is counted, so
     * a failed step leaves the wrapper as it was (the inner optimizer's guarantees apply to the rest).
     */
    @Override
    public void step() {
        List<String> created = new ArrayList<>();
        try {
            for (ParamGroup group : inner.paramGroups()) {
                for (Parameter p : group.parameters()) {
                    if (!slow.containsKey(p.name())) {
                        slow.put(p.name(), p.value().toArray());
                        created.add(p.name());
                    }
                }
            }
            long skippedBefore = inner.skippedSteps();
            inner.step();
            if (inner.skippedSteps() != skippedBefore) {
                created.forEach(slow::remove);
                return;
            }
        } catch (RuntimeException | Error e) {
            created.forEach(slow::remove);
            throw e;
        }
        steps++;
        if (steps % k == 0) {
            synchronise();
        }
    }

    /** slow = slow + alpha (fast - slow); fast = slow, over every parameter, in one pass each. */
    private void synchronise() {
        var kernels = inner.kernels();
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                float[] s = slow.get(p.name());
                float[] value = p.value().array();
                int offset = p.value().offset();
                inner.executor().run(p.size(),
                        (from, n) -> kernels.lookaheadSync(value, offset + from, s, from, n, alphaFloat));
            }
        }
    }

    // ---- Checkpointable ----

    @Override
    public Optimizer optimizer() {
        return inner;
    }

    @Override
    public String checkpointName() {
        return "Lookahead(k=" + k + ", alpha=" + alpha + ")";
    }

    @Override
    public Map<String, Number> checkpointState() {
        return Map.of("step", steps);
    }

    @Override
    public Map<String, float[]> checkpointBuffers() {
        return Collections.unmodifiableMap(slow);
    }

    @Override
    public Map<String, Integer> checkpointBufferLengths() {
        return WrapperBuffers.lengths(inner);
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        return prepareRestore(state, Map.of());
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state, Map<String, float[]> buffers) {
        if (!state.keySet().equals(java.util.Set.of("step"))) {
            throw new IllegalArgumentException("state must hold exactly step, got " + state.keySet());
        }
        if (!(state.get("step") instanceof Long step) || step < 0) {
            throw new IllegalArgumentException("step must be a Long >= 0, got " + state.get("step"));
        }
        Map<String, Integer> lengths = checkpointBufferLengths();
        Map<String, float[]> restored = WrapperBuffers.checked("slow weights", lengths, buffers);
        if (step > 0 && restored.isEmpty() && !lengths.isEmpty()) {
            throw new IllegalArgumentException("step is " + step + " but no slow weights were saved");
        }
        return () -> {
            slow.clear();
            slow.putAll(restored); // in the inner optimizer's parameter order, as after stepping
            steps = step;
        };
    }

    @Override
    public String toString() {
        return checkpointName() + " over " + inner.torchName();
    }
}
