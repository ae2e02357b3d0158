package vecopt.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Gradient accumulation (optax {@code MultiSteps}) around any optimizer: {@code k} calls of
 * {@link #step()}, one per micro-batch, make one update of the inner optimizer on the mean of their
 * gradients.
 * <pre>
 * calls 1 .. k-1 of a window:  acc = acc + g                          (parameters untouched)
 * call k:                      g = (acc + g) / k;  acc = 0;  inner.step()   (one fused pass, then the rule)
 * </pre>
 * The mean is optax's {@code use_grad_mean=True} (its default), computed as the float32 sum of the k
 * gradients divided once by k, rather than optax's running mean {@code acc + (g - acc) / (n + 1)}, which
 * rounds at every micro-batch. The mean is written into the gradient arrays themselves and the inner
 * optimizer's own {@code step()} runs on it, so after the k-th call the gradient arrays hold the mean.
 * Calls that are not the k-th only read the gradients and add them to the accumulators (one array per
 * parameter, created at zero at the parameter's first call); they change no parameter and no inner
 * state, as optax's {@code MultiSteps} returns zero updates then. With {@code k = 1} every call is
 * exactly the inner optimizer's step: no accumulators, no pass.
 *
 * <p>Interactions:
 * <ul>
 *   <li><b>Clipping and noise</b> are the inner optimizer's, so they act on the mean gradient once per
 *       update, as optax's {@code MultiSteps} around a chain with {@code clip_by_global_norm} does; the
 *       norm {@link Optimizer#lastGradientNorm()} reports is the mean's.</li>
 *   <li><b>{@link NonFinitePolicy}</b> is the inner optimizer's and sees only the mean: a NaN or infinite
 *       micro-batch gradient is accumulated without a check, makes the mean non-finite at that element,
 *       and reaches the inner step on the k-th call. There {@code ERROR} throws
 *       {@link NonFiniteGradientException} with parameters and inner state unchanged, {@code SKIP} skips
 *       the update and counts it, {@code PROPAGATE} updates with it. In each case the window ends:
 *       the accumulators are zero and the next call starts a new window (the k micro-batches are
 *       dropped, as a retry on a NaN sum could not succeed).</li>
 *   <li><b>Any other failure</b> of the inner step on the k-th call ends the window the same way (the
 *       gradient arrays then hold the mean).</li>
 *   <li><b>{@link Lookahead}</b>: accumulation goes around it ({@link #wrap(Lookahead, int)}): every k-th
 *       call is one Lookahead step, so Lookahead's k and its slow weights count updates, not
 *       micro-batches. Lookahead around accumulation is not offered: Lookahead would count micro-batches
 *       and, unless its k were a multiple of the accumulation's, synchronise in the middle of a window;
 *       when it is a multiple, that is accumulation around a Lookahead of k divided by it.</li>
 * </ul>
 *
 * <p>A training loop calls {@link #step()} once per micro-batch, after writing its gradients (and
 * {@link #zeroGrad()} if the model accumulates into them). It is a {@link Checkpointable}: its
 * accumulators and the position in the window are saved with the inner optimizer, and a run resumed in
 * the middle of a window continues bit for bit:
 * <pre>
 * GradientAccumulation opt = GradientAccumulation.wrap(new AdamW(params, AdamW.defaults()), 4);
 * Checkpoints.save(opt.inner(), file, opt);
 * Checkpoints.load(resumed.inner(), file, resumed);
 * </pre>
 * A parameter group added in the middle of a window gets its accumulator at its next call; its mean is
 * still divided by k. Not thread-safe, like the inner optimizer.
 */
public final class GradientAccumulation implements OptimizerWrapper, Checkpointable {

    private final Optimizer inner;
    /** The inner optimizer's step, or the Lookahead's around it. */
    private final Runnable innerStep;
    private final Lookahead lookahead;
    private final int k;
    private final float kFloat;
    /** Accumulated gradients by parameter name, created at zero at a parameter's first call. */
    private final Map<String, float[]> accumulators = new LinkedHashMap<>();
    /** Micro-batches accumulated in the current window, in [0, k). */
    private long miniStep;

    private GradientAccumulation(Optimizer inner, Runnable innerStep, Lookahead lookahead, int k) {
        this.inner = inner;
        this.innerStep = innerStep;
        this.lookahead = lookahead;
        this.k = k;
        this.kFloat = k;
    }

    /**
     * Accumulation of {@code k} micro-batch gradients per update of {@code inner}.
     *
     * @param inner the optimizer that makes the updates
     * @param k micro-batches per update
     * @return the wrapper; call its {@code step()} once per micro-batch
     * @throws IllegalArgumentException if {@code inner} is null or steps only with a closure (LBFGS), or {@code k < 1} or above 2^24 (where k
     *     is no longer exact in float32); nothing is created
     */
    public static GradientAccumulation wrap(Optimizer inner, int k) {
        if (inner == null) {
            throw new IllegalArgumentException("inner must not be null");
        }
        Lookahead.refuseClosureRules(inner, "GradientAccumulation");
        checkK(k);
        return new GradientAccumulation(inner, inner::step, null, k);
    }

    /**
     * Accumulation of {@code k} micro-batch gradients per step of {@code lookahead}: Lookahead then
     * counts updates, not micro-batches.
     *
     * @param lookahead the Lookahead that makes the updates
     * @param k micro-batches per update
     * @return the wrapper; call its {@code step()} once per micro-batch
     * @throws IllegalArgumentException if {@code lookahead} is null or {@code k} is out of range
     */
    public static GradientAccumulation wrap(Lookahead lookahead, int k) {
        if (lookahead == null) {
            throw new IllegalArgumentException("lookahead must not be null");
        }
        checkK(k);
        return new GradientAccumulation(lookahead.inner(), lookahead::step, lookahead, k);
    }

    private static void checkK(int k) {
        if (k < 1 || k > (1 << 24)) {
            throw new IllegalArgumentException("k must be in [1, 16777216], got " + k);
        }
    }

    /** The optimizer that makes the updates (inside the Lookahead, if accumulation wraps one). */
    @Override
    public Optimizer inner() {
        return inner;
    }

    /** {@return the Lookahead this wraps, or null if it wraps an optimizer directly} */
    public Lookahead lookahead() {
        return lookahead;
    }

    /** {@return the number of micro-batches per update} */
    public int k() {
        return k;
    }

    /** {@return the number of micro-batches accumulated in the current window, from 0 to k - 1} */
    public long miniStep() {
        return miniStep;
    }

    /**
     * The accumulator of the parameter called {@code name}, shared, not copied; null before its first call.
     *
     * @param name the parameter's name
     * @return the accumulated gradients, or null
     */
    public float[] accumulator(String name) {
        inner.state(name); // throws naming an unknown parameter
        return accumulators.get(name);
    }

    /**
     * One micro-batch: adds the gradients to the accumulators, and on every k-th call writes their
     * mean into the gradients, clears the accumulators and runs the inner step (see the class comment
     * for what a failing inner step leaves).
     */
    @Override
    public void step() {
        if (k == 1) {
            innerStep.run();
            return;
        }
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                accumulators.computeIfAbsent(p.name(), name -> new float[p.size()]);
            }
        }
        var kernels = inner.kernels();
        boolean last = miniStep == k - 1;
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                float[] acc = accumulators.get(p.name());
                float[] g = p.grad().array();
                int offset = p.grad().offset();
                if (last) {
                    inner.executor().run(p.size(),
                            (from, n) -> kernels.accumulateMean(g, offset + from, acc, from, n, kFloat));
                } else {
                    inner.executor().run(p.size(),
                            (from, n) -> kernels.accumulate(acc, from, g, offset + from, n));
                }
            }
        }
        if (!last) {
            miniStep++;
            return;
        }
        miniStep = 0;
        innerStep.run();
    }

    // ---- Checkpointable ----

    @Override
    public Optimizer optimizer() {
        return inner;
    }

    @Override
    public String checkpointName() {
        return "GradientAccumulation(k=" + k + ")";
    }

    @Override
    public Map<String, Number> checkpointState() {
        return Map.of("miniStep", miniStep);
    }

    @Override
    public Map<String, float[]> checkpointBuffers() {
        return Collections.unmodifiableMap(accumulators);
    }

    @Override
    public Map<String, Integer> checkpointBufferLengths() {
        return k == 1 ? new LinkedHashMap<>() : WrapperBuffers.lengths(inner);
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        return prepareRestore(state, Map.of());
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state, Map<String, float[]> buffers) {
        if (!state.keySet().equals(Set.of("miniStep"))) {
            throw new IllegalArgumentException("state must hold exactly miniStep, got " + state.keySet());
        }
        if (!(state.get("miniStep") instanceof Long mini) || mini < 0 || mini >= k) {
            throw new IllegalArgumentException("miniStep must be a Long in [0, " + k + "), got " + state.get("miniStep"));
        }
        Map<String, Integer> lengths = checkpointBufferLengths();
        Map<String, float[]> restored = WrapperBuffers.checked("accumulator", lengths, buffers);
        if (mini > 0 && restored.isEmpty() && !lengths.isEmpty()) {
            throw new IllegalArgumentException("miniStep is " + mini + " but no accumulators were saved");
        }
        return () -> {
            accumulators.clear();
            accumulators.putAll(restored); // in the inner optimizer's parameter order, as after stepping
            miniStep = mini;
        };
    }

    @Override
    public String toString() {
        return checkpointName() + " over " + (lookahead != null ? lookahead.toString() : inner.torchName());
    }
}
