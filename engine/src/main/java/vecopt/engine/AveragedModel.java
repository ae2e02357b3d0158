package vecopt.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vecopt.engine.checkpoint.Checkpointable;
import vecopt.engine.kernels.OptimizerKernels;

/**
 * An averaged copy of an optimizer's parameters, kept beside it: stochastic weight averaging or an
 * exponential moving average of the weights ({@link Averaging}), PyTorch's
 * {@code torch.optim.swa_utils.AveragedModel} over the optimizer's parameters instead of a module.
 * <pre>
 * update 1 (n_averaged = 0):  avg = p                                  (a copy, as PyTorch's)
 * update n + 1:               avg = avg + (p - avg) / (n + 1)          (Averaging.equal(), SWA)
 *                             avg = d_n * avg + (1 - d_n) * p          (Averaging.ema(decay), timm)
 * </pre>
 * Each update is one fused pass per parameter over the parameter and its averaged copy, which this
 * object owns (one array per parameter, created at the first update). The parameters are not touched.
 *
 * <p>Two ways to drive it:
 * <ul>
 *   <li>explicitly, as PyTorch's {@code swa_model.update_parameters(model)}: call
 *       {@link #updateParameters()} whenever a model should join the average (once per epoch after
 *       {@code swa_start}, say);</li>
 *   <li>as the training loop's optimizer: {@link #step()} takes the inner step and then averages, on the
 *       {@code start}-th step that updated the parameters and every {@code every}-th after it. A step the
 *       inner optimizer skips ({@link NonFinitePolicy#SKIP}), or a micro-batch of a
 *       {@link GradientAccumulation} that updates nothing, is not counted.</li>
 * </ul>
 * For evaluation, {@link #swapParameters()} exchanges the averages with the parameters and a second call
 * exchanges them back, every bit as it was; {@link #copyToParameters()} writes the averages into the
 * parameters for good (the end of training).
 * <pre>
 * AveragedModel ema = AveragedModel.of(new AdamW(params, AdamW.defaults()), Averaging.ema(0.999));
 * ema.step();                     // AdamW's step, then the average
 * ema.swapParameters();           // the model now holds the averages
 * evaluate(model);
 * ema.swapParameters();           // and its training weights again
 * </pre>
 *
 * <p>It is a {@link Checkpointable}: the averages, {@code n_averaged} and the step count are saved with
 * the inner optimizer and restored bit for bit; the averaging and its settings are part of the
 * {@link #checkpointName() name}, so a checkpoint loads only into the same kind of average. It is not a
 * rule (not in the registry, not a {@code torch.optim} class): it makes no update of its own and works
 * beside every rule. Not thread-safe, like the inner optimizer; stepping the inner optimizer directly
 * while the averages are swapped in would train them, so step through this object.
 */
public final class AveragedModel implements OptimizerWrapper, Checkpointable {

    private final Optimizer inner;
    private final Runnable innerStep;
    private final Averaging averaging;
    private final long start;
    private final long every;
    /** Averaged weights by parameter name, created at the first update. */
    private final Map<String, float[]> averages = new LinkedHashMap<>();
    /** Models averaged so far: PyTorch's {@code n_averaged}. */
    private long nAveraged;
    /** Steps through {@link #step()} that updated the parameters. */
    private long steps;
    /** Whether the parameters hold the averages (between two {@link #swapParameters()} calls). */
    private boolean swapped;

    private AveragedModel(Optimizer inner, Runnable innerStep, Averaging averaging, long start, long every) {
        this.inner = inner;
        this.innerStep = innerStep;
        this.averaging = averaging;
        this.start = start;
        this.every = every;
    }

    /**
     * Averages of {@code optimizer}'s parameters, updated after every {@link #step()}.
     *
     * @param optimizer the optimizer whose parameters are averaged and which {@link #step()} steps
     * @param averaging how the models are averaged
     * @return the averaged model, with no model averaged yet
     * @throws IllegalArgumentException naming the argument if one is null
     */
    public static AveragedModel of(Optimizer optimizer, Averaging averaging) {
        return of(optimizer, averaging, 1, 1);
    }

    /**
     * Averages of {@code optimizer}'s parameters, updated after the {@code start}-th {@link #step()} and
     * every {@code every}-th after it.
     *
     * @param optimizer the optimizer whose parameters are averaged and which {@link #step()} steps
     * @param averaging how the models are averaged
     * @param start the first step that averages, counted from 1 among the steps that updated the
     *     parameters; at least 1
     * @param every steps between two averaging updates from {@code start} on, at least 1
     * @return the averaged model, with no model averaged yet
     * @throws IllegalArgumentException naming the argument and its value if one is null or below 1
     */
    public static AveragedModel of(Optimizer optimizer, Averaging averaging, long start, long every) {
        checkArguments(optimizer, "optimizer", averaging, start, every);
        return new AveragedModel(optimizer, optimizer::step, averaging, start, every);
    }

    /**
     * Averages of the parameters of the optimizer inside {@code wrapper} (a {@link Lookahead}, a
     * {@link GradientAccumulation}), updated after every step of {@code wrapper} that updated them.
     *
     * @param wrapper the wrapper that {@link #step()} steps; the parameters of its inner optimizer are averaged
     * @param averaging how the models are averaged
     * @return the averaged model, with no model averaged yet
     * @throws IllegalArgumentException naming the argument if one is null
     */
    public static AveragedModel of(OptimizerWrapper wrapper, Averaging averaging) {
        return of(wrapper, averaging, 1, 1);
    }

    /**
     * As {@link #of(Optimizer, Averaging, long, long)}, stepping {@code wrapper}: with a
     * {@link GradientAccumulation}, steps count updates, not micro-batches.
     *
     * @param wrapper the wrapper that {@link #step()} steps; the parameters of its inner optimizer are averaged
     * @param averaging how the models are averaged
     * @param start the first step that averages, counted from 1 among the steps of {@code wrapper} that
     *     updated the parameters; at least 1
     * @param every steps between two averaging updates from {@code start} on, at least 1
     * @return the averaged model, with no model averaged yet
     * @throws IllegalArgumentException naming the argument and its value if one is null or below 1
     */
    public static AveragedModel of(OptimizerWrapper wrapper, Averaging averaging, long start, long every) {
        checkArguments(wrapper, "wrapper", averaging, start, every);
        return new AveragedModel(wrapper.inner(), wrapper::step, averaging, start, every);
    }

    private static void checkArguments(Object stepper, String name, Averaging averaging, long start, long every) {
        if (stepper == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (averaging == null) {
            throw new IllegalArgumentException("averaging must not be null; use Averaging.equal() for SWA");
        }
        if (start < 1) {
            throw new IllegalArgumentException("start must be >= 1, got " + start);
        }
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, got " + every);
        }
    }

    /** {@return the optimizer whose parameters are averaged} */
    @Override
    public Optimizer inner() {
        return inner;
    }

    /** {@return how the models are averaged} */
    public Averaging averaging() {
        return averaging;
    }

    /** {@return the first step (counted from 1) after which {@link #step()} averages} */
    public long start() {
        return start;
    }

    /** {@return the steps between two averaging updates of {@link #step()}} */
    public long every() {
        return every;
    }

    /** {@return the models averaged so far, PyTorch's {@code n_averaged}} */
    public long nAveraged() {
        return nAveraged;
    }

    /** {@return the steps taken through {@link #step()} that updated the parameters} */
    public long steps() {
        return steps;
    }

    /** {@return whether the parameters hold the averages now (see {@link #swapParameters()})} */
    public boolean isSwapped() {
        return swapped;
    }

    /**
     * The averaged weights of the parameter called {@code name}, shared, not copied; null before the
     * first update. While {@link #isSwapped() swapped} the array holds the parameter's training weights.
     *
     * @param name the name of one of the optimizer's parameters
     * @return the averages, as long as the parameter; null while it has none (before the first update)
     * @throws IllegalArgumentException if the optimizer has no parameter called {@code name}
     */
    public float[] averaged(String name) {
        inner.state(name); // throws naming an unknown parameter
        return averages.get(name);
    }

    /**
     * The inner step, then, on the {@code start}-th step that updated the parameters and every
     * {@code every}-th after it, {@link #updateParameters()}. A step that updated nothing (skipped, or a
     * micro-batch) is not counted. If the inner step throws, nothing here changes.
     *
     * @throws IllegalStateException if the averages are swapped into the parameters; nothing is stepped
     */
    @Override
    public void step() {
        requireNotSwapped("step()");
        long before = updatesOf(inner);
        innerStep.run();
        if (updatesOf(inner) == before) {
            return;
        }
        steps++;
        if (steps >= start && (steps - start) % every == 0) {
            updateParameters();
        }
    }

    /**
     * Folds the parameters as they are now into the averages, PyTorch's
     * {@code update_parameters(model)}: the first update copies them, each later one averages them in
     * by {@link #averaging()}; then {@code n_averaged} grows by one. One pass per parameter.
     *
     * @throws IllegalStateException if the averages are swapped into the parameters, a parameter was
     *     added to the optimizer after the first update, or {@code n_averaged} is {@link Long#MAX_VALUE};
     *     nothing is changed
     */
    public void updateParameters() {
        requireNotSwapped("updateParameters()");
        if (nAveraged == Long.MAX_VALUE) {
            throw new IllegalStateException("n_averaged is " + nAveraged + ", the most it counts");
        }
        if (nAveraged == 0) {
            copyParameters();
        } else {
            average();
        }
        nAveraged++;
    }

    /** The first update: every parameter's average starts as a copy of it. */
    private void copyParameters() {
        Map<String, float[]> copies = new LinkedHashMap<>();
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                copies.put(p.name(), p.value().toArray());
            }
        }
        averages.clear();
        averages.putAll(copies);
    }

    private void average() {
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                if (!averages.containsKey(p.name())) {
                    throw new IllegalStateException("parameter " + p.name() + " was added to the optimizer after "
                            + nAveraged + " models were averaged, so it has no average; create the AveragedModel"
                            + " after adding every group");
                }
            }
        }
        OptimizerKernels kernels = inner.kernels();
        ChunkedKernel kernel = switch (averaging) {
            case Averaging.Equal e -> {
                float count = (float) (nAveraged + 1); // rounded as ATen converts n_averaged + 1 to float
                yield (avg, avgOff, p, pOff, n) -> kernels.averageEqual(avg, avgOff, p, pOff, n, count);
            }
            case Averaging.Exponential ema -> {
                double decay = ema.decayAt(nAveraged);
                float d = (float) decay;
                float c = (float) (1 - decay);
                yield (avg, avgOff, p, pOff, n) -> kernels.averageEma(avg, avgOff, p, pOff, n, d, c);
            }
        };
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                float[] avg = averages.get(p.name());
                float[] value = p.value().array();
                int offset = p.value().offset();
                inner.executor().run(p.size(), (from, n) -> kernel.run(avg, from, value, offset + from, n));
            }
        }
    }

    /** One averaging pass over a range of an average and its parameter. */
    @FunctionalInterface
    private interface ChunkedKernel {
        void run(float[] avg, int avgOff, float[] p, int pOff, int n);
    }

    /**
     * Exchanges the averages with the parameters, one pass each: after one call the parameters hold the
     * averages (evaluate the averaged model), after the next they hold their training weights again,
     * bit for bit. Training and averaging are refused in between.
     *
     * @throws IllegalStateException before the first update (there are no averages yet) or if a parameter
     *     was added to the optimizer after it; nothing is changed
     */
    public void swapParameters() {
        requireAveragesOfEveryParameter("swapParameters()");
        OptimizerKernels kernels = inner.kernels();
        forEachParameterAndAverage((value, offset, avg, size) ->
                inner.executor().run(size, (from, n) -> kernels.swapRanges(value, offset + from, avg, from, n)));
        swapped = !swapped;
    }

    /**
     * Writes the averages into the parameters, the end of training as PyTorch users take
     * {@code swa_model.module}: the training weights are overwritten. The averages stay.
     *
     * @throws IllegalStateException before the first update, if a parameter was added after it, or while
     *     the averages are swapped in (the training weights would be lost); nothing is changed
     */
    public void copyToParameters() {
        requireNotSwapped("copyToParameters()");
        requireAveragesOfEveryParameter("copyToParameters()");
        forEachParameterAndAverage((value, offset, avg, size) -> System.arraycopy(avg, 0, value, offset, size));
    }

    @FunctionalInterface
    private interface PairAction {
        void run(float[] value, int offset, float[] avg, int size);
    }

    private void forEachParameterAndAverage(PairAction action) {
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                action.run(p.value().array(), p.value().offset(), averages.get(p.name()), p.size());
            }
        }
    }

    private void requireAveragesOfEveryParameter(String call) {
        if (nAveraged == 0) {
            throw new IllegalStateException(call + " needs averages, and no model was averaged yet");
        }
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                if (!averages.containsKey(p.name())) {
                    throw new IllegalStateException(call + ": parameter " + p.name() + " was added to the optimizer"
                            + " after averaging started, so it has no average");
                }
            }
        }
    }

    private void requireNotSwapped(String call) {
        if (swapped) {
            throw new IllegalStateException(call + " while the parameters hold the averages; call swapParameters()"
                    + " again first to put the training weights back");
        }
    }

    /** Updates the optimizer made so far: its first parameter's step count (every step moves every parameter). */
    private static long updatesOf(Optimizer optimizer) {
        Parameter first = optimizer.paramGroups().getFirst().parameters().getFirst();
        ParameterState state = optimizer.state(first.name());
        return state == null ? 0 : state.step();
    }

    // ---- Checkpointable ----

    @Override
    public Optimizer optimizer() {
        return inner;
    }

    /**
     * {@code "AveragedModel(<averaging>, start=<start>, every=<every>)"}, for example
     * {@code "AveragedModel(ema, decay=0.999, start=1, every=1)"}.
     */
    @Override
    public String checkpointName() {
        return "AveragedModel(" + averaging.describe() + ", start=" + start + ", every=" + every + ")";
    }

    /**
     * {@code n_averaged} and {@code steps}.
     *
     * @throws IllegalStateException while the averages are swapped into the parameters: the checkpoint
     *     would hold the training weights as averages; nothing is written then
     */
    @Override
    public Map<String, Number> checkpointState() {
        requireNotSwapped("saving a checkpoint");
        Map<String, Number> state = new LinkedHashMap<>();
        state.put("n_averaged", nAveraged);
        state.put("steps", steps);
        return Collections.unmodifiableMap(state);
    }

    /** The averages by parameter name (none before the first update). */
    @Override
    public Map<String, float[]> checkpointBuffers() {
        requireNotSwapped("saving a checkpoint");
        return Collections.unmodifiableMap(averages);
    }

    @Override
    public Map<String, Integer> checkpointBufferLengths() {
        return WrapperBuffers.lengths(inner);
    }

    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        return prepareRestore(state, Map.of());
    }

    /**
     * Checks a saved {@code n_averaged} and {@code steps} (whole numbers {@code >= 0}) and the averages:
     * none with {@code n_averaged} 0, one for every parameter otherwise.
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state, Map<String, float[]> buffers) {
        if (!state.keySet().equals(Set.of("n_averaged", "steps"))) {
            throw new IllegalArgumentException("state must hold exactly n_averaged and steps, got " + state.keySet());
        }
        long n = whole(state, "n_averaged");
        long savedSteps = whole(state, "steps");
        if (swapped) {
            throw new IllegalArgumentException("the parameters hold the averages (swapParameters()); swap them back"
                    + " before loading");
        }
        Map<String, Integer> lengths = checkpointBufferLengths();
        Map<String, float[]> restored = WrapperBuffers.checked("averages", lengths, buffers);
        if (n == 0 && !restored.isEmpty()) {
            throw new IllegalArgumentException("n_averaged is 0 but averages of " + restored.keySet() + " were saved");
        }
        if (n > 0 && !restored.keySet().equals(lengths.keySet())) {
            List<String> missing = lengths.keySet().stream().filter(name -> !restored.containsKey(name)).toList();
            throw new IllegalArgumentException("n_averaged is " + n + " but no averages of " + missing + " were saved");
        }
        return () -> {
            averages.clear();
            averages.putAll(restored); // in the inner optimizer's parameter order, as after an update
            nAveraged = n;
            steps = savedSteps;
        };
    }

    private static long whole(Map<String, Number> state, String key) {
        if (!(state.get(key) instanceof Long value) || value < 0) {
            throw new IllegalArgumentException(key + " must be a Long >= 0, got " + state.get(key));
        }
        return value;
    }

    @Override
    public String toString() {
        return checkpointName() + " over " + inner.torchName();
    }
}
