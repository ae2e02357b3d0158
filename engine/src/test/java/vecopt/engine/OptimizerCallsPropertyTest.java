package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

/**
 * Random rules, hyperparameters (extreme finite values included), shapes, views and sequences of
 * public calls. Each call either succeeds, and then every parameter and state buffer follows the
 * float64 textbook rule, or throws a documented exception and changes nothing at all. Guard values
 * around the views are never written, and a step never writes a gradient.
 *
 * <p>Each step is compared from the engine's own state before it: a new textbook optimizer with the
 * group's current hyperparameters gets the float32 parameters, buffers, step count and scalars in
 * float64, steps once, and the engine must land within TrajectoryAgainstTextbook's tolerance (the
 * absolute floor scaled by the tensor's magnitude). So hyperparameter changes between steps are
 * followed as PyTorch follows them, and float32 rounding is not amplified by unstable dynamics
 * (lr * weight_decay far above 2). The comparison of a step is skipped (counted in the statistics)
 * only where float32 cannot follow float64 by design: a reference value beyond 1e18 (its square
 * overflows float32) or non-zero below 1e-30 (float32 underflow), NaN or infinite values (0/0 with
 * eps 0, a propagated NaN gradient), and a centered RMSprop variance {@code square_avg - grad_avg^2}
 * below 1% of {@code square_avg} (cancellation); and NAdam with lr of 1e20 and more, whose kernel
 * adds the two scaled terms {@code gradStep * d + momentumStep * m} before dividing and so can overflow
 * float32 where float64 does not (PyTorch's own order overflows too once {@code lr * g} does); and LAMB
 * and LARS when an intermediate of the step leaves float32's range though the result need not: the
 * decayed direction {@code g + weight_decay * p} beyond 1e18, Nesterov's {@code momentum * b} beyond
 * 1e18 (a learning rate of 0 multiplies it away in float64, not after a float32 overflow), or a trust
 * ratio, or lr times it, beyond 1e30 or below 1e-30 (a huge eps makes the direction {@code u} a float32
 * subnormal with few digits, which the ratio {@code ||p|| / ||u||} scales back up; a huge
 * weight_decay makes the ratio itself subnormal).
 */
class OptimizerCallsPropertyTest {

    /** Relative tolerance of TrajectoryAgainstTextbook; absolute floors scale with each tensor's magnitude. */
    private static final double RELATIVE = TrajectoryAgainstTextbook.RELATIVE;
    private static final double FLOOR = TrajectoryAgainstTextbook.PARAM_FLOOR;
    private static final double HUGE = 1e18;
    private static final double TINY = 1e-30;

    @Provide
    Arbitrary<String> rules() {
        return Arbitraries.of(PropertySupport.rulesWithTextbook());
    }

    @Property(tries = 250, seed = "20261126")
    void everyCallSucceedsAndMatchesTheTextbookOrChangesNothing(@ForAll("rules") String rule, @ForAll long seed) {
        Session s = new Session(rule, seed);
        try {
            s.run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e + "\ncalls of " + rule + " (seed " + seed + "):\n" + s.log, e);
        }
        Statistics.label("steps compared with the textbook").collect(s.compared == 0 ? "0" : s.compared < 10 ? "1-9" : "10+");
        for (String outcome : s.outcomes) {
            Statistics.label("outcomes of calls").collect(outcome);
        }
    }

    /**
     * Found while building the property above: SGD whose momentum is set to 0 after its buffer exists
     * takes a plain step {@code p -= lr * d}, as PyTorch does, not a momentum step with
     * {@code 1 - dampening} on the gradient.
     */
    @Example
    void sgdWithMomentumTurnedOffStepsAsPlainSgd() {
        float[] value = {0f};
        float[] grad = {1f};
        Parameter p = new Parameter("w", FloatTensor.of(value), FloatTensor.of(grad));
        Optimizer o = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 1.0, "momentum", 0.9, "dampening", 0.5));
        o.step(); // buffer = 1, p = -1
        o.paramGroups().get(0).set("momentum", 0.0);
        o.step(); // PyTorch: p = -1 - 1 * 1 = -2
        assertEquals(-2f, value[0], "p after a plain SGD step");
    }

    /** Documented exceptions of the public calls. */
    private static final Set<Class<? extends RuntimeException>> DOCUMENTED = Set.of(IllegalArgumentException.class,
            IllegalStateException.class, NonFiniteGradientException.class, UnsupportedOperationException.class,
            ConcurrentModificationException.class);

    /** One random sequence of calls on one optimizer, with its float64 references. */
    private static final class Session {

        final String torchName;
        final Rule rule;
        final SplittableRandom r;
        final PropertySupport.Memory memory = new PropertySupport.Memory();
        final StringBuilder log = new StringBuilder();
        final List<String> outcomes = new ArrayList<>();
        Optimizer o;
        int groupsAdded;
        int compared;

        Session(String torchName, long seed) {
            this.torchName = torchName;
            this.rule = Rules.get(torchName);
            this.r = new SplittableRandom(seed);
            memory.accepts = rule::accepts;
        }

        void run() {
            Hyperparameters h = PropertySupport.validHyperparameters(rule, r);
            List<Parameter> first = memory.parameters(names(1 + r.nextInt(3)), r);
            log.append("fromTorch ").append(h).append(' ').append(describe(first)).append('\n');
            o = Optimizers.fromTorch(torchName, first, TrajectoryAgainstTextbook.torchKwargs(h));
            assertEquals(h, o.paramGroups().get(0).hyperparameters(), "hyperparameters of the first group");
            int calls = 1 + r.nextInt(30);
            for (int call = 0; call < calls; call++) {
                int pick = r.nextInt(100);
                if (pick < 45) {
                    step();
                } else if (pick < 65) {
                    set();
                } else if (pick < 73) {
                    addGroup();
                } else if (pick < 80) {
                    allocate();
                } else if (pick < 90) {
                    clipping();
                } else {
                    NonFinitePolicy policy = NonFinitePolicy.values()[r.nextInt(3)];
                    log.append("setNonFinitePolicy ").append(policy).append('\n');
                    o.setNonFinitePolicy(policy);
                    assertSame(policy, o.nonFinitePolicy());
                }
                memory.assertGuardsIntact("after " + lastLine());
            }
        }

        private List<String> names(int k) {
            int g = groupsAdded++;
            List<String> names = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                names.add("g" + g + ".p" + i);
            }
            return names;
        }

        private String lastLine() {
            String[] lines = log.toString().split("\n");
            return lines[lines.length - 1];
        }

        private static String describe(List<Parameter> ps) {
            return ps.stream().map(p -> p.name() + java.util.Arrays.toString(p.value().shape()) + "@" + p.value().offset()
                    + (p.value().array() == p.grad().array() ? "/g@" : "/G@") + p.grad().offset())
                    .collect(Collectors.joining(", ", "[", "]"));
        }

        private List<Parameter> parameters() {
            return o.paramGroups().stream().flatMap(g -> g.parameters().stream()).toList();
        }

        private void outcome(String what) {
            outcomes.add(what);
        }

        private void refused(RuntimeException e, PropertySupport.FullSnapshot before, String what) {
            if (!DOCUMENTED.contains(e.getClass())) {
                throw new AssertionError(what + " threw an undocumented " + e, e);
            }
            PropertySupport.FullSnapshot.of(o).assertSameAs(before, what + " refused (" + e.getMessage() + ")");
            log.append("  refused: ").append(e.getClass().getSimpleName()).append(": ").append(e.getMessage()).append('\n');
        }

        // ---- step ----------------------------------------------------------------------------

        void step() {
            List<Parameter> ps = parameters();
            for (Parameter p : ps) {
                boolean zero = r.nextInt(12) == 0;
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, zero ? 0f : PropertySupport.gradient(r));
                }
            }
            String injected = "";
            List<Parameter> nonEmpty = ps.stream().filter(p -> p.size() > 0).toList();
            if (!nonEmpty.isEmpty() && r.nextInt(8) == 0) {
                Parameter p = nonEmpty.get(r.nextInt(nonEmpty.size()));
                int at = r.nextInt(p.size());
                float bad = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[r.nextInt(3)];
                p.grad().setFlat(at, bad);
                injected = " with " + p.name() + ".grad[" + at + "] = " + bad;
            }
            log.append("step").append(injected).append('\n');
            Parameter firstNonFinite = null;
            int firstNonFiniteAt = -1;
            for (Parameter p : ps) {
                for (int i = 0; i < p.size() && firstNonFinite == null; i++) {
                    if (!Float.isFinite(p.grad().getFlat(i))) {
                        firstNonFinite = p;
                        firstNonFiniteAt = i;
                    }
                }
            }
            boolean nonFinite = firstNonFinite != null;
            PropertySupport.FullSnapshot before = PropertySupport.FullSnapshot.of(o);
            Map<String, Set<String>> freshBefore = new HashMap<>();
            for (Parameter p : ps) {
                ParameterState st = o.state(p.name());
                freshBefore.put(p.name(), st == null ? Set.of() : st.buffers().keySet().stream()
                        .filter(st::isFresh).collect(Collectors.toSet()));
            }
            try {
                o.step();
            } catch (RuntimeException e) {
                refused(e, before, "step");
                if (e instanceof NonFiniteGradientException nf) {
                    assertTrue(nonFinite && before.policy() == NonFinitePolicy.ERROR, "thrown " + e);
                    assertEquals(firstNonFinite.name(), nf.parameter(), "first parameter with a non-finite gradient");
                    assertEquals(firstNonFiniteAt, nf.index(), "first non-finite index");
                    assertEquals(firstNonFinite.grad().getFlat(firstNonFiniteAt), nf.value(), "non-finite value");
                    outcome("step: non-finite gradient refused");
                } else if (e instanceof IllegalArgumentException && e.getMessage().contains("coefficient")) {
                    outcome("step: coefficient overflow refused");
                } else {
                    throw new AssertionError("step threw " + e, e);
                }
                return;
            }
            PropertySupport.FullSnapshot after = PropertySupport.FullSnapshot.of(o);
            if (nonFinite && before.policy() == NonFinitePolicy.ERROR) {
                fail("a step over a non-finite gradient must throw under ERROR");
            }
            if (nonFinite && before.policy() == NonFinitePolicy.SKIP) {
                PropertySupport.FullSnapshot expected = new PropertySupport.FullSnapshot(before.state(),
                        before.hyperparameters(), before.groups(), before.skippedSteps() + 1, before.clipping(),
                        before.policy(), before.grads());
                after.assertSameAs(expected, "a skipped step");
                outcome("step: skipped");
                return;
            }
            outcome("step: taken");
            before.grads().forEach((name, g) -> org.junit.jupiter.api.Assertions.assertArrayEquals(g,
                    after.grads().get(name), "a step must not write the gradient of " + name));
            assertEquals(before.skippedSteps(), o.skippedSteps(), "skippedSteps after a step taken");
            for (ParamGroup g : o.paramGroups()) {
                for (Parameter p : g.parameters()) {
                    ParameterState state = o.state(p.name());
                    assertNotNull(state, "state of " + p.name() + " after a step");
                    long previous = Math.max(0, before.state().steps().get(p.name()));
                    assertEquals(previous + 1, state.step(), "step count of " + p.name());
                    for (Rule.Buffer b : rule.buffers(g.hyperparameters(), p.value().shape())) {
                        assertNotNull(state.buffer(b.name()), p.name() + " must keep " + b.name() + " with "
                                + g.hyperparameters());
                        assertEquals(b.length(p.value().shape()), state.buffer(b.name()).length, b.name() + " length");
                    }
                }
            }
            if (nonFinite) { // PROPAGATE: NaN and infinities flow into parameters and state
                skip("non-finite gradient propagated");
                return;
            }
            compareWithTextbook(before, freshBefore);
        }

        private void compareWithTextbook(PropertySupport.FullSnapshot before, Map<String, Set<String>> freshBefore) {
            GradientClipping clipping = o.gradientClipping();
            double scale = 1;
            double clip = Double.POSITIVE_INFINITY;
            if (clipping instanceof GradientClipping.ByNorm byNorm) {
                double sum = 0;
                for (Parameter p : parameters()) {
                    for (int i = 0; i < p.size(); i++) {
                        double gi = p.grad().getFlat(i);
                        sum += gi * gi;
                    }
                }
                scale = byNorm.coefficient(Math.sqrt(sum));
            } else if (clipping instanceof GradientClipping.ByValue byValue) {
                clip = (float) byValue.clipValue();
            }
            for (ParamGroup group : o.paramGroups()) {
                Hyperparameters h = group.hyperparameters();
                for (Parameter p : group.parameters()) {
                    ParameterState state = o.state(p.name());
                    if (torchName.equals("NAdam") && h.get("lr") >= 1e20) {
                        skip("NAdam with lr >= 1e20 (its summed step can overflow float32, see the class comment)");
                        continue;
                    }
                    TextbookOptimizer textbook = TextbookOptimizers.create(torchName, TrajectoryAgainstTextbook.torchKwargs(h))
                            .withShape(p.value().shape());
                    float[] start = before.state().values().get(p.name());
                    double[] params = new double[start.length];
                    for (int i = 0; i < start.length; i++) {
                        params[i] = start[i];
                    }
                    if (before.state().steps().get(p.name()) >= 0) {
                        seed(textbook, p, h, before, freshBefore.get(p.name()));
                    }
                    double[] paramsBefore = params.clone();
                    double[] g = new double[p.size()];
                    for (int i = 0; i < g.length; i++) {
                        g[i] = scale * Math.max(-clip, Math.min(clip, p.grad().getFlat(i)));
                    }
                    textbook.step(params, g);
                    String why = notComparable(params, textbook, h, p.value().shape());
                    if (why == null) {
                        why = trustRatioIntermediateBeyondFloat(h, start, textbook);
                    }
                    if (why != null) {
                        skip(why);
                        continue;
                    }
                    String where = "step " + state.step() + " of " + p.name() + " with " + h;
                    double floor = FLOOR * Math.max(1, Math.max(TrajectoryAgainstTextbook.maxAbs(paramsBefore),
                            TrajectoryAgainstTextbook.maxAbs(params)));
                    TrajectoryAgainstTextbook.assertClose(where + ": parameter", params, p.value().toArray(), 0, floor);
                    for (Rule.Buffer b : rule.buffers(h, p.value().shape())) {
                        double[] want = textbook.state(b.name());
                        // the floor follows the buffer before the step too: a moment that cancels to nearly 0
                        // (beta near 1, gradients of changing sign) keeps the rounding of its larger terms
                        float[] was = before.state().buffers().get(p.name() + "/" + b.name());
                        double scaleOfTerms = Math.max(TrajectoryAgainstTextbook.maxAbs(want),
                                was == null ? 0 : maxFiniteAbs(was));
                        TrajectoryAgainstTextbook.assertClose(where + ": state " + b.name(), want, state.buffer(b.name()), 0,
                                TrajectoryAgainstTextbook.STATE_FLOOR * scaleOfTerms);
                    }
                    for (Rule.Scalar sc : rule.scalars()) {
                        double want = textbook.state(sc.name())[0];
                        double got = state.scalar(sc.name());
                        assertTrue(Math.abs(got - want) <= RELATIVE * Math.abs(want), where + ": scalar " + sc.name()
                                + " is " + got + ", float64 reference " + want);
                    }
                    compared++;
                }
            }
        }

        /**
         * Gives a new textbook optimizer the engine's state before the step (buffers, step count,
         * scalars), in float64: its non-final fields, named as the state in camel case. A buffer this
         * step creates starts at its initial value. A buffer no step has used yet stays null for SGD, whose textbook takes a missing buffer as its first
         * use (PyTorch's None); other rules start from the buffer's initial values.
         */
        /** The largest finite magnitude in {@code a} (a propagated NaN must not turn the floor into NaN). */
        private static double maxFiniteAbs(float[] a) {
            double max = 0;
            for (float x : a) {
                if (Float.isFinite(x)) {
                    max = Math.max(max, Math.abs(x));
                }
            }
            return max;
        }

        private void seed(TextbookOptimizer textbook, Parameter p, Hyperparameters h, PropertySupport.FullSnapshot before,
                          Set<String> fresh) {
            String name = p.name();
            try {
                for (Field f : textbook.getClass().getDeclaredFields()) {
                    if (Modifier.isFinal(f.getModifiers()) || Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    f.setAccessible(true);
                    String state = snake(f.getName());
                    if (f.getType() == long.class && state.equals("step")) {
                        f.setLong(textbook, before.state().steps().get(name));
                    } else if (f.getType() == double.class) {
                        Double v = before.state().scalars().get(name + "/" + state);
                        if (v == null) {
                            throw new AssertionError("no scalar " + state + " in the state of " + name);
                        }
                        f.setDouble(textbook, v);
                    } else if (f.getType() == double[].class) {
                        float[] b = before.state().buffers().get(name + "/" + state);
                        Rule.Buffer created = rule.buffer(state);
                        boolean firstUse = b == null || fresh.contains(state);
                        if (b == null && created != null && created.keptFor(h, p.value().shape())) { // created by this step
                            b = new float[created.length(p.value().shape())];
                            java.util.Arrays.fill(b, (float) created.initialValue().applyAsDouble(h));
                        }
                        if (b != null && !(firstUse && torchName.equals("SGD"))) {
                            double[] d = new double[b.length];
                            for (int i = 0; i < b.length; i++) {
                                d[i] = b[i];
                            }
                            f.set(textbook, d);
                        }
                    } else {
                        throw new AssertionError("unknown state field " + f);
                    }
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }

        private static String snake(String camel) {
            return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
        }

        /** Why float32 cannot be held to the float64 reference after this step, or null if it can. */
        private String notComparable(double[] params, TextbookOptimizer textbook, Hyperparameters h, int[] shape) {
            List<double[]> all = new ArrayList<>();
            all.add(params);
            for (Rule.Buffer b : rule.buffers(h, shape)) {
                all.add(textbook.state(b.name()));
            }
            for (double[] a : all) {
                for (double x : a) {
                    if (!Double.isFinite(x)) {
                        return "reference not finite";
                    }
                    if (Math.abs(x) > HUGE) {
                        return "beyond 1e18 (float32 overflow region)";
                    }
                    if (x != 0 && Math.abs(x) < TINY) {
                        return "below 1e-30 (float32 underflow region)";
                    }
                }
            }
            if (h.has("centered") && h.flag("centered")) {
                double[] squareAvg = textbook.state("square_avg");
                double[] gradAvg = textbook.state("grad_avg");
                for (int i = 0; i < squareAvg.length; i++) {
                    if (squareAvg[i] - gradAvg[i] * gradAvg[i] < 1e-2 * squareAvg[i]) {
                        return "centered variance cancels";
                    }
                }
            }
            return null;
        }

        /**
         * For LAMB and LARS, why an intermediate of the step is beyond 1e18 while the result need not be
         * (see the class comment), or null.
         */
        private static String trustRatioIntermediateBeyondFloat(Hyperparameters h, float[] before,
                                                                TextbookOptimizer textbook) {
            if (!h.has("use_trust_ratio")) {
                return null;
            }
            if (h.get("weight_decay") * maxFiniteAbs(before) > HUGE) {
                return "decayed direction of a trust ratio beyond 1e18";
            }
            double ratio = textbook.state("trust_ratio")[0];
            if (outsideFloatDigits(ratio) || outsideFloatDigits(h.get("lr") * ratio)) {
                return "trust ratio or lr times it beyond 1e30 or below 1e-30";
            }
            if (h.has("nesterov") && h.flag("nesterov")
                    && h.get("momentum") * TrajectoryAgainstTextbook.maxAbs(textbook.state("momentum_buffer")) > HUGE) {
                return "Nesterov's momentum * b beyond 1e18";
            }
            return null;
        }

        /** A non-zero magnitude beyond 1e30 or below 1e-30: float32 keeps it, or what it rescales, to few digits. */
        private static boolean outsideFloatDigits(double x) {
            return x != 0 && (Math.abs(x) > 1e30 || Math.abs(x) < TINY);
        }

        private void skip(String why) {
            outcome("comparison skipped: " + why);
        }

        // ---- hyperparameters -----------------------------------------------------------------

        void set() {
            List<ParamGroup> groups = o.paramGroups();
            ParamGroup group = groups.get(r.nextInt(groups.size()));
            List<Hyperparameter> defs = rule.defaults().definitions();
            Hyperparameter d = defs.get(r.nextInt(defs.size()));
            boolean valid = r.nextInt(8) != 0;
            double value = valid ? PropertySupport.validValue(d, r) : PropertySupport.invalidValue(d, r);
            Hyperparameters old = group.hyperparameters();
            PropertySupport.FullSnapshot before = PropertySupport.FullSnapshot.of(o);
            int way = r.nextInt(3);
            log.append("group ").append(groups.indexOf(group)).append(".set ").append(d.name()).append(' ')
                    .append(d.isFlag() && way == 0 && valid ? String.valueOf(value != 0) : String.valueOf(value)).append('\n');
            try {
                if (d.isFlag() && way == 0 && valid) {
                    group.set(d.name(), value != 0);
                } else if (way == 1) {
                    group.set(d, value);
                } else {
                    group.set(d.name(), value);
                }
            } catch (RuntimeException e) {
                refused(e, before, "set " + d.name() + " " + value);
                assertSame(IllegalArgumentException.class, e.getClass(), "set refused with " + e);
                assertTrue(e.getMessage().contains(d.name()), "message names " + d.name() + ": " + e.getMessage());
                outcome(valid ? "set: combination refused" : "set: invalid value refused");
                return;
            }
            assertTrue(valid, "set " + d.name() + " " + value + " must be refused");
            assertEquals(value, group.hyperparameters().get(d), d.name() + " after set");
            outcome("set: accepted");
        }

        // ---- groups, state, clipping ---------------------------------------------------------

        void addGroup() {
            List<Parameter> ps = new ArrayList<>(memory.parameters(names(1 + r.nextInt(3)), r));
            List<Parameter> existing = parameters();
            String bad = null;
            if (r.nextInt(6) == 0) {
                Parameter victim = existing.get(r.nextInt(existing.size()));
                int at = r.nextInt(ps.size() + 1);
                if (victim.size() > 0 && r.nextBoolean()) {
                    ps.add(at, new Parameter(ps.get(0).name() + ".alias", victim.value(),
                            FloatTensor.zeros(victim.value().shape())));
                    bad = "overlaps " + victim.name();
                } else {
                    ps.add(at, Parameter.of(victim.name(), FloatTensor.zeros(3)));
                    bad = "repeats the name " + victim.name();
                }
            }
            boolean own = r.nextBoolean();
            Hyperparameters h = own ? PropertySupport.validHyperparameters(rule, r) : null;
            log.append("addParamGroup ").append(describe(ps)).append(own ? " " + h : " (defaults)")
                    .append(bad == null ? "" : " -- " + bad).append('\n');
            PropertySupport.FullSnapshot before = PropertySupport.FullSnapshot.of(o);
            try {
                ParamGroup g = own ? o.addParamGroup(ps, h) : o.addParamGroup(ps);
                assertTrue(bad == null, "a group that " + bad + " must be refused");
                assertEquals(own ? h : o.defaultHyperparameters(), g.hyperparameters(), "hyperparameters of the new group");
                assertSame(g, o.paramGroups().getLast());
                outcome("addParamGroup: accepted");
            } catch (RuntimeException e) {
                refused(e, before, "addParamGroup");
                assertSame(IllegalArgumentException.class, e.getClass(), "addParamGroup refused with " + e);
                assertNotNull(bad, "a valid group was refused: " + e);
                for (Parameter p : ps) {
                    if (!p.name().equals(bad.substring(bad.lastIndexOf(' ') + 1))) {
                        assertThrows(IllegalArgumentException.class, () -> o.state(p.name()),
                                p.name() + " must not have been added");
                    }
                }
                outcome("addParamGroup: aliasing or duplicate refused");
            }
        }

        void allocate() {
            log.append("allocateState\n");
            PropertySupport.FullSnapshot before = PropertySupport.FullSnapshot.of(o);
            o.allocateState();
            PropertySupport.FullSnapshot after = PropertySupport.FullSnapshot.of(o);
            before.state().values().forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v,
                    after.state().values().get(k), "allocateState changed the values of " + k));
            before.state().buffers().forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(v,
                    after.state().buffers().get(k), "allocateState changed " + k));
            for (ParamGroup g : o.paramGroups()) {
                for (Parameter p : g.parameters()) {
                    ParameterState s = o.state(p.name());
                    assertNotNull(s, "state of " + p.name() + " after allocateState");
                    assertEquals(Math.max(0, before.state().steps().get(p.name())), s.step(), "step count of " + p.name());
                    for (Rule.Buffer b : rule.buffers(g.hyperparameters(), p.value().shape())) {
                        assertNotNull(s.buffer(b.name()), p.name() + " must have " + b.name() + " after allocateState");
                    }
                }
            }
            assertEquals(before.hyperparameters(), after.hyperparameters());
            outcome("allocateState");
        }

        void clipping() {
            double v = Math.pow(10, r.nextDouble(-3, 3));
            double invalid = new double[] {0, -v, Double.NaN, Double.POSITIVE_INFINITY, -0.0}[r.nextInt(5)];
            int kind = r.nextInt(7);
            log.append("setGradientClipping ").append(switch (kind) {
                case 0, 1 -> "none";
                case 2, 3 -> "byNorm " + v;
                case 4, 5 -> "byValue " + v;
                default -> "invalid " + invalid;
            }).append('\n');
            GradientClipping before = o.gradientClipping();
            GradientClipping c;
            try {
                c = switch (kind) {
                    case 0, 1 -> GradientClipping.none();
                    case 2, 3 -> GradientClipping.byNorm(v);
                    case 4, 5 -> GradientClipping.byValue(v);
                    default -> r.nextBoolean() ? GradientClipping.byNorm(invalid) : GradientClipping.byValue(invalid);
                };
            } catch (IllegalArgumentException e) {
                assertEquals(6, kind, "valid clipping refused: " + e);
                assertTrue(e.getMessage().contains(Hyperparameter.format(invalid)), "message names the value: " + e.getMessage());
                assertSame(before, o.gradientClipping());
                outcome("clipping: invalid refused");
                return;
            }
            assertTrue(kind != 6, "invalid clipping " + invalid + " accepted");
            o.setGradientClipping(c);
            assertSame(c, o.gradientClipping());
            outcome("clipping: set");
        }
    }
}
