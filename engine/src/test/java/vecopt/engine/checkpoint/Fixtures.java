package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.ParamGroup;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.Rules;
import vecopt.tensor.FloatTensor;

/** Models, optimizers and state comparisons shared by the checkpoint tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A small two-layer model: fc1.weight [3, 4], fc1.bias [3], fc2.weight [2, 3], fc2.bias [2], scale []. */
    static List<Parameter> model(long seed) {
        List<Parameter> params = new ArrayList<>();
        params.add(Parameter.of("fc1.weight", FloatTensor.randomNormal(seed, 3, 4)));
        params.add(Parameter.of("fc1.bias", FloatTensor.randomNormal(seed + 1, 3)));
        params.add(Parameter.of("fc2.weight", FloatTensor.randomNormal(seed + 2, 2, 3)));
        params.add(Parameter.of("fc2.bias", FloatTensor.randomNormal(seed + 3, 2)));
        params.add(Parameter.of("scale", FloatTensor.randomNormal(seed + 4)));
        return params;
    }

    /**
     * {@code model} over the same memory, each parameter in a shape the rule {@code torchName} steps:
     * as it is, or as one row (Muon steps matrices only).
     */
    static List<Parameter> forRule(String torchName, List<Parameter> model) {
        vecopt.engine.Rule rule = vecopt.engine.Rules.get(torchName);
        List<Parameter> shaped = new ArrayList<>();
        for (Parameter p : model) {
            int[] shape = rule.accepts(p.value().shape()) ? p.value().shape() : new int[] {1, p.size()};
            shaped.add(new Parameter(p.name(), p.value().reshape(shape), p.grad().reshape(shape)));
        }
        return shaped;
    }

    /** A parameter with the same name and shape as {@code p} and a copy of its current values. */
    static Parameter copyOf(Parameter p) {
        return Parameter.of(p.name(), p.value().copy());
    }

    /**
     * {@code torch.optim.<className>(fc1 params, **kwargs)} with a second group (fc2 and scale) whose
     * learning rate is half as large; for a rule that steps with a closure (LBFGS, one group only), the
     * whole model in one group.
     */
    static Optimizer optimizer(String className, Map<String, ?> kwargs, List<Parameter> model) {
        if (Rules.get(className).needsClosure()) { // LBFGS: one group of everything, as PyTorch's
            return Optimizers.fromTorch(className, model, kwargs);
        }
        Optimizer o = Optimizers.fromTorch(className, model.subList(0, 2), kwargs);
        Hyperparameters h = o.defaultHyperparameters();
        o.addParamGroup(model.subList(2, model.size()), h.with("lr", h.get("lr") / 2));
        return o;
    }

    /** Deterministic gradients of magnitudes 1e-4 to 1e1 with both signs, different for every step. */
    static void gradients(List<Parameter> model, int step) {
        for (int k = 0; k < model.size(); k++) {
            Parameter p = model.get(k);
            for (int i = 0; i < p.size(); i++) {
                double x = Math.sin(step * 12.9898 + i * 78.233 + k * 37.719) * 43758.5453;
                double frac = x - Math.floor(x);
                double magnitude = Math.pow(10, -4 + 5 * frac);
                p.grad().setFlat(i, (float) ((i + step + k) % 3 == 0 ? -magnitude : magnitude));
            }
        }
    }

    /**
     * Step {@code step} of {@code o}: with {@link #gradients} of that step, or for a rule that steps with a
     * closure, {@code step(closure)} on {@link #objective}.
     */
    static void step(Optimizer o, List<Parameter> model, int step) {
        if (o.rule().needsClosure()) {
            o.step(objective(model));
        } else {
            gradients(model, step);
            o.step();
        }
    }

    /**
     * A smooth objective of the whole model with a different curvature and minimiser per element,
     * {@code f = sum c (w - a)^2 / 2 + (w - a)^4 / 4} with c from 0.1 to 10 and a from -1 to 1, in
     * double; the closure writes its gradient {@code c (w - a) + (w - a)^3} rounded to float32.
     */
    static Optimizer.LossClosure objective(List<Parameter> model) {
        return () -> {
            double f = 0;
            for (int k = 0; k < model.size(); k++) {
                Parameter p = model.get(k);
                for (int i = 0; i < p.size(); i++) {
                    double h = Math.sin(i * 12.9898 + k * 78.233) * 43758.5453;
                    double frac = h - Math.floor(h);
                    double c = Math.pow(10, -1 + 2 * frac);
                    double a = 2 * frac - 1;
                    double e = p.value().getFlat(i) - a;
                    f += c * e * e / 2 + e * e * e * e / 4;
                    p.grad().setFlat(i, (float) (c * e + e * e * e));
                }
            }
            return f;
        };
    }

    /** Steps {@code from + 1 .. to}; at step 2 the first group's lr drops to 0.7 times, as a schedule would. */
    static void run(Optimizer o, List<Parameter> model, int from, int to) {
        for (int step = from + 1; step <= to; step++) {
            step(o, model, step);
            if (step == 2) {
                ParamGroup g = o.paramGroups().get(0);
                g.set("lr", g.lr() * 0.7);
            }
        }
    }

    /**
     * Everything {@link Optimizer} exposes of its state, deep-copied: for "unchanged" checks. The
     * settings are the skipped-step count, clipping, noise and non-finite policy.
     */
    record Snapshot(List<Hyperparameters> hyperparameters, Map<String, Long> steps, Map<String, Map<String, Long>> scalars,
                    Map<String, Map<String, int[]>> buffers, Map<String, Map<String, float[]>> identities,
                    List<Object> settings) {

        static Snapshot of(Optimizer o) {
            List<Hyperparameters> h = new ArrayList<>();
            Map<String, Long> steps = new LinkedHashMap<>();
            Map<String, Map<String, Long>> scalars = new LinkedHashMap<>();
            Map<String, Map<String, int[]>> buffers = new LinkedHashMap<>();
            Map<String, Map<String, float[]>> identities = new LinkedHashMap<>();
            for (ParamGroup g : o.paramGroups()) {
                h.add(g.hyperparameters());
                for (Parameter p : g.parameters()) {
                    ParameterState s = o.state(p.name());
                    if (s == null) {
                        continue;
                    }
                    steps.put(p.name(), s.step());
                    Map<String, Long> sc = new LinkedHashMap<>();
                    s.scalars().forEach((k, v) -> sc.put(k, Double.doubleToRawLongBits(v)));
                    scalars.put(p.name(), sc);
                    Map<String, int[]> b = new LinkedHashMap<>();
                    s.buffers().forEach((k, v) -> b.put(k, bits(v)));
                    buffers.put(p.name(), b);
                    identities.put(p.name(), new LinkedHashMap<>(s.buffers()));
                }
            }
            List<Object> settings = List.of(o.skippedSteps(), o.gradientClipping(), o.gradientNoise(),
                    o.nonFinitePolicy());
            return new Snapshot(h, steps, scalars, buffers, identities, settings);
        }

        /** Same hyperparameters, steps, scalar bits, buffer names and bits; {@code sameArrays}: the very same arrays. */
        void assertSame(Snapshot other, boolean sameArrays, String context) {
            assertEquals(hyperparameters, other.hyperparameters, () -> context + ": hyperparameters");
            assertEquals(settings, other.settings, () -> context + ": skipped steps, clipping, noise, non-finite policy");
            assertEquals(steps, other.steps, () -> context + ": steps");
            assertEquals(scalars, other.scalars, () -> context + ": scalars");
            assertEquals(buffers.keySet(), other.buffers.keySet(), () -> context + ": parameters with state");
            for (String p : buffers.keySet()) {
                Map<String, int[]> mine = buffers.get(p);
                Map<String, int[]> theirs = other.buffers.get(p);
                assertEquals(List.copyOf(mine.keySet()), List.copyOf(theirs.keySet()), () -> context + ": buffers of " + p);
                for (String b : mine.keySet()) {
                    assertArrayEquals(mine.get(b), theirs.get(b), () -> context + ": " + p + "/" + b);
                    if (sameArrays) {
                        Assertions.assertSame(identities.get(p).get(b), other.identities.get(p).get(b),
                                () -> context + ": array of " + p + "/" + b);
                    }
                }
            }
        }
    }

    static int[] bits(float[] a) {
        int[] bits = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            bits[i] = Float.floatToRawIntBits(a[i]);
        }
        return bits;
    }

    static void assertParametersBitIdentical(List<Parameter> expected, List<Parameter> actual, String context) {
        assertEquals(expected.size(), actual.size());
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(bits(expected.get(k).value().toArray()), bits(actual.get(k).value().toArray()),
                    context + ": parameter " + expected.get(k).name());
        }
    }

    static void assertNoState(Optimizer o) {
        for (ParamGroup g : o.paramGroups()) {
            for (Parameter p : g.parameters()) {
                assertNull(o.state(p.name()), p.name());
            }
        }
    }

    static void assertHasState(Optimizer o) {
        for (ParamGroup g : o.paramGroups()) {
            for (Parameter p : g.parameters()) {
                assertNotNull(o.state(p.name()), p.name());
            }
        }
    }
}
