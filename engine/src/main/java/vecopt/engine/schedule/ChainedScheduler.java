package vecopt.engine.schedule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.checkpoint.Checkpointable;

/**
 * Steps several schedulers of one optimizer with one call, in the order given, as PyTorch's
 * {@code ChainedScheduler}: with chainable schedules each multiplies in its own factor, so
 * {@code StepDecay(1, 0.5)} and {@code ExponentialDecay(0.9)} from 1.0 give 0.45, then 0.2025.
 *
 * <pre>
 * var warmup = new HyperparameterScheduler(optimizer, "lr", LinearFactor.warmup(0.1, 5));
 * var decay = new HyperparameterScheduler(optimizer, "lr", new ExponentialDecay(0.95));
 * var both = new ChainedScheduler(warmup, decay);
 * for (int epoch = 0; epoch &lt; 100; epoch++) { train(); both.step(); }
 * </pre>
 *
 * <p>A step is all or nothing: if a scheduler refuses its step, the ones before it in the chain are
 * undone (their step counts and every group's hyperparameters they changed), so the same step can be
 * tried again. A checkpoint holds every member's position under {@code "<index>.<entry>"}; save the
 * chain, not its members as well.
 */
public final class ChainedScheduler implements Checkpointable {

    private final Optimizer optimizer;
    private final List<HyperparameterScheduler> schedulers;

    /**
     * A chain of {@code schedulers}, all of one optimizer, stepped in the order given.
     *
     * @param schedulers the schedulers, at least one, each once, all driving the same optimizer
     * @throws IllegalArgumentException if none is given, one is null, given twice, or drives another
     *     optimizer than the first, naming its index
     */
    public ChainedScheduler(HyperparameterScheduler... schedulers) {
        Checks.notNull("schedulers", schedulers);
        if (schedulers.length == 0) {
            throw new IllegalArgumentException("schedulers must not be empty; give at least one");
        }
        Map<HyperparameterScheduler, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < schedulers.length; i++) {
            HyperparameterScheduler s = schedulers[i];
            if (s == null) {
                throw new IllegalArgumentException("schedulers[" + i + "] must not be null");
            }
            if (s.optimizer() != schedulers[0].optimizer()) {
                throw new IllegalArgumentException("schedulers[" + i + "] " + s.checkpointName()
                        + " drives another optimizer than schedulers[0]; a chain drives one optimizer");
            }
            Integer before = seen.put(s, i);
            if (before != null) {
                throw new IllegalArgumentException("schedulers[" + i + "] " + s.checkpointName() + " is schedulers["
                        + before + "] again");
            }
        }
        this.optimizer = schedulers[0].optimizer();
        this.schedulers = List.of(schedulers);
    }

    /** {@return the schedulers, in the order they step} */
    public List<HyperparameterScheduler> schedulers() {
        return schedulers;
    }

    /**
     * Steps every scheduler in order; all or nothing.
     *
     * @throws IllegalArgumentException or IllegalStateException as the refusing scheduler's
     *     {@link HyperparameterScheduler#step()}, after the ones before it were undone
     */
    public void step() {
        List<ParamGroup> groups = schedulers.get(0).groups();
        Hyperparameters[] before = new Hyperparameters[groups.size()];
        for (int g = 0; g < before.length; g++) {
            before[g] = groups.get(g).hyperparameters();
        }
        for (int i = 0; i < schedulers.size(); i++) {
            try {
                schedulers.get(i).step();
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) {
                    HyperparameterScheduler done = schedulers.get(j);
                    done.rewind(done.steps() - 1);
                }
                Hyperparameters[] now = new Hyperparameters[before.length];
                for (int g = 0; g < now.length; g++) {
                    now[g] = groups.get(g).hyperparameters();
                }
                GroupValues.setAll(groups.subList(0, before.length), now, before);
                throw e;
            }
        }
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    /** {@code "ChainedScheduler[<name of each member>, ...]"}, e.g. {@code "ChainedScheduler[HyperparameterScheduler(lr), HyperparameterScheduler(lr)]"}. */
    @Override
    public String checkpointName() {
        List<String> names = new ArrayList<>();
        schedulers.forEach(s -> names.add(s.checkpointName()));
        return "ChainedScheduler" + names;
    }

    /** Each member's entries, prefixed with its index: {@code 0.t}, {@code 0.initial.0}, {@code 1.t}, ... */
    @Override
    public Map<String, Number> checkpointState() {
        Map<String, Number> state = new LinkedHashMap<>();
        for (int i = 0; i < schedulers.size(); i++) {
            for (Map.Entry<String, Number> e : schedulers.get(i).checkpointState().entrySet()) {
                state.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(state);
    }

    /**
     * Splits {@code state} by member and has each member check its part; installs them all or none.
     *
     * @throws IllegalArgumentException naming the entry if one belongs to no member, or as a member's
     *     {@link HyperparameterScheduler#prepareRestore}, prefixed with its index
     */
    @Override
    public Runnable prepareRestore(Map<String, Number> state) {
        Checks.notNull("state", state);
        List<Map<String, Number>> parts = new ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            parts.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Number> e : state.entrySet()) {
            String key = e.getKey();
            int dot = key == null ? -1 : key.indexOf('.');
            int index = -1;
            if (dot > 0 && key.substring(0, dot).matches("[0-9]{1,9}")) {
                index = Integer.parseInt(key.substring(0, dot));
            }
            if (index < 0 || index >= schedulers.size()) {
                throw new IllegalArgumentException("the saved state has an entry " + key + " of no scheduler of this"
                        + " chain; entries are <index>.<entry> with index in [0, " + schedulers.size() + ")");
            }
            parts.get(index).put(key.substring(dot + 1), e.getValue());
        }
        List<Runnable> restores = new ArrayList<>();
        for (int i = 0; i < schedulers.size(); i++) {
            try {
                restores.add(schedulers.get(i).prepareRestore(parts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("scheduler " + i + " " + schedulers.get(i).checkpointName() + ": "
                        + e.getMessage(), e);
            }
        }
        return () -> restores.forEach(Runnable::run);
    }
}
