package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.reference.TextbookLBFGS;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

/** {@link LBFGS}: against the float64 textbook, the strong Wolfe conditions, its state, refusals and policies. */
class LBFGSTest {

    /** Parameters {@code a} [3] and {@code b} [2, 2] as views inside one array, with a spare element between. */
    private static List<Parameter> model(float... start) {
        float[] values = new float[start.length + 2];
        float[] grads = new float[start.length + 2];
        System.arraycopy(start, 0, values, 1, 3);
        System.arraycopy(start, 3, values, 5, start.length - 3);
        Parameter a = new Parameter("a", FloatTensor.view(values, 1, 3), FloatTensor.view(grads, 1, 3));
        Parameter b = new Parameter("b", FloatTensor.view(values, 5, start.length - 3).reshape(2, 2),
                FloatTensor.view(grads, 5, start.length - 3).reshape(2, 2));
        return List.of(a, b);
    }

    private static final float[] START = {-1.2f, 1f, -0.5f, 0.8f, 1.5f, -1f, 0.3f};

    /**
     * The chained Rosenbrock function of the concatenated parameters x (a then b),
     * {@code sum (1 - x_i)^2 + 10 (x_{i+1} - x_i^2)^2}, minimum 0 at (1, ..., 1): not separable, so a wrong
     * order or a missed parameter in the flat vector changes the trajectory.
     */
    static double rosenbrock(double[] x, double[] g) {
        java.util.Arrays.fill(g, 0);
        double f = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = 1 - x[i];
            double b = x[i + 1] - x[i] * x[i];
            f += a * a + 10 * b * b;
            g[i] += -2 * a - 40 * x[i] * b;
            g[i + 1] += 20 * b;
        }
        return f;
    }

    /** {@link #rosenbrock} as the closure of the engine's LBFGS over {@code ps}. */
    private static Optimizer.LossClosure closure(List<Parameter> ps, int[] calls) {
        return () -> {
            calls[0]++;
            int n = ps.stream().mapToInt(Parameter::size).sum();
            double[] x = new double[n];
            double[] g = new double[n];
            int at = 0;
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    x[at++] = p.value().getFlat(i);
                }
            }
            double f = rosenbrock(x, g);
            at = 0;
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, (float) g[at++]);
                }
            }
            return f;
        };
    }

    private static double[] flat(List<Parameter> ps) {
        double[] x = new double[ps.stream().mapToInt(Parameter::size).sum()];
        int at = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                x[at++] = p.value().getFlat(i);
            }
        }
        return x;
    }

    static Stream<Arguments> textbookCases() {
        return Stream.of(
                Arguments.of(RuleCases.kwargs("lr", 0.2, "max_iter", 5), 6),
                Arguments.of(RuleCases.kwargs("lr", 0.2, "max_iter", 3, "history_size", 2), 8),
                Arguments.of(RuleCases.kwargs("line_search_fn", "strong_wolfe", "max_iter", 4), 5),
                Arguments.of(RuleCases.kwargs("line_search_fn", "strong_wolfe", "max_iter", 2, "history_size", 3), 8));
    }

    /**
     * Step by step, the float32 engine follows the float64 textbook (dense BFGS inverse Hessian, not the
     * two-loop recursion) on the chained Rosenbrock function of both parameters, within 2e-4 of the
     * parameters' scale: float32 rounding of a few dozen operations per iteration, over up to 24
     * iterations on a function whose curvature varies by a factor of 100. The iteration and evaluation
     * counts are the same.
     */
    @ParameterizedTest
    @MethodSource("textbookCases")
    void followsTheFloat64TextbookStepByStep(Map<String, Object> kwargs, int steps) {
        List<Parameter> ps = model(START);
        int[] calls = {0};
        Optimizer engine = Optimizers.fromTorch("LBFGS", ps, kwargs);
        TextbookLBFGS reference = (TextbookLBFGS) TextbookOptimizers.create("LBFGS", kwargs);
        double[] x = flat(ps);
        for (int step = 1; step <= steps; step++) {
            double want = reference.step(x, LBFGSTest::rosenbrock);
            double got = engine.step(closure(ps, calls));
            String what = kwargs + " step " + step;
            assertEquals(want, got, 1e-4 * Math.max(1, Math.abs(want)), what + ": loss");
            double[] y = flat(ps);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 2e-4 * Math.max(1, Math.abs(x[i])), what + ": x[" + i + "]");
            }
            assertEquals(reference.state("n_iter")[0], engine.state("a").scalar("n_iter"), what + ": n_iter");
            assertEquals(reference.state("func_evals")[0], engine.state("b").scalar("func_evals"), what + ": func_evals");
        }
    }

    @Test
    void strongWolfeStepsSatisfyTheStrongWolfeConditions() {
        List<Parameter> ps = model(START);
        int[] calls = {0};
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("line_search_fn", "strong_wolfe", "max_iter", 1));
        int checked = 0;
        for (int step = 0; step < 12; step++) {
            double[] before = flat(ps);
            double[] g0 = new double[before.length];
            double f0 = rosenbrock(before, g0);
            o.step(closure(ps, calls));
            double[] after = flat(ps);
            double[] g1 = new double[after.length];
            double f1 = rosenbrock(after, g1);
            double slope0 = 0; // g0 . (t d)
            double slope1 = 0;
            for (int i = 0; i < after.length; i++) {
                slope0 += g0[i] * (after[i] - before[i]);
                slope1 += g1[i] * (after[i] - before[i]);
            }
            if (f0 < 1e-8) {
                break; // converged: float32 steps no longer resolve the conditions
            }
            assertTrue(slope0 < 0, "step " + step + " goes downhill");
            assertTrue(f1 <= f0 + 1e-4 * slope0 + 1e-6 * f0, "step " + step + ": sufficient decrease, f " + f0 + " -> " + f1);
            assertTrue(Math.abs(slope1) <= 0.9 * Math.abs(slope0) * (1 + 1e-3), "step " + step + ": curvature, slopes "
                    + slope0 + " -> " + slope1);
            checked++;
        }
        assertTrue(checked >= 8, "checked " + checked + " steps");
    }

    /**
     * With the line search, to the global minimum (1, ..., 1); with a fixed step of 0.5, to the local
     * minimum near (-1, 1, ..., 1) that the chained function has in 4 and more dimensions: a stationary
     * point either way, within float32's resolution of the gradient.
     */
    @Test
    void convergesToAMinimumOfTheChainedRosenbrockFunction() {
        for (Map<String, Object> kwargs : List.of(Map.<String, Object>of("line_search_fn", "strong_wolfe"),
                Map.<String, Object>of("lr", 0.5))) {
            List<Parameter> ps = model(START);
            Optimizer o = Optimizers.fromTorch("LBFGS", ps, kwargs);
            int[] calls = {0};
            for (int step = 0; step < 20; step++) {
                o.step(closure(ps, calls));
            }
            double[] g = new double[7];
            rosenbrock(flat(ps), g);
            for (double gi : g) {
                assertEquals(0, gi, 1e-3, kwargs + ": gradient at " + java.util.Arrays.toString(flat(ps)));
            }
            if (kwargs.containsKey("line_search_fn")) {
                for (double v : flat(ps)) {
                    assertEquals(1, v, 1e-4, kwargs + ": " + java.util.Arrays.toString(flat(ps)));
                }
            }
        }
    }

    @Test
    void returnsTheLossOfTheFirstEvaluationAndStopsAtOnceWhenTheGradientIsBelowTolerance() {
        List<Parameter> ps = model(1, 1, 1, 1, 1, 1, 1); // the minimum: gradient 0
        int[] calls = {0};
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of());
        assertEquals(0.0, o.step(closure(ps, calls)));
        assertEquals(1, calls[0]);
        assertEquals(1.0, o.state("a").scalar("func_evals"));
        assertEquals(0.0, o.state("a").scalar("n_iter"));
        assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1, 1}, flat(ps));

        List<Parameter> qs = model(START);
        Optimizer p = Optimizers.fromTorch("LBFGS", qs, Map.of("max_iter", 3));
        double[] g = new double[7];
        assertEquals(rosenbrock(flat(qs), g), p.step(closure(qs, calls)), "the loss at the step's starting point");
    }

    @Test
    void maxEvalNoneIsMaxIterTimesFiveQuarters() {
        Map<String, Object> none = new HashMap<>(Map.of("line_search_fn", "strong_wolfe", "max_iter", 8));
        none.put("max_eval", null);
        List<List<Parameter>> models = List.of(model(START), model(START), model(START));
        List<Optimizer> runs = List.of(Optimizers.fromTorch("LBFGS", models.get(0), none),
                Optimizers.fromTorch("LBFGS", models.get(1), Map.of("line_search_fn", "strong_wolfe", "max_iter", 8,
                        "max_eval", 10)),
                Optimizers.fromTorch("LBFGS", models.get(2), Map.of("line_search_fn", "strong_wolfe", "max_iter", 8,
                        "max_eval", 4)));
        assertEquals(0.0, runs.get(0).paramGroups().get(0).hyperparameters().get("max_eval"), "None is stored as 0");
        int[] calls = {0};
        for (int step = 0; step < 3; step++) {
            for (int r = 0; r < 3; r++) {
                runs.get(r).step(closure(models.get(r), calls));
            }
        }
        assertArrayEquals(flat(models.get(1)), flat(models.get(0)), "None runs as 8 * 5 / 4 = 10");
        assertFalse(java.util.Arrays.equals(flat(models.get(2)), flat(models.get(0))), "a binding max_eval changes the run");
    }

    @Test
    void stateIsEveryParametersSliceOfTheFlatVectorsAndTheSameGlobalScalars() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("history_size", 3, "max_iter", 4, "lr", 0.3));
        int[] calls = {0};
        for (int step = 0; step < 3; step++) {
            o.step(closure(ps, calls));
        }
        ParameterState a = o.state("a");
        ParameterState b = o.state("b");
        assertEquals(3, a.buffer("d").length);
        assertEquals(4, b.buffer("prev_flat_grad").length);
        assertEquals(3 * 3, a.buffer("old_dirs").length, "history_size rows of a's 3 elements");
        assertEquals(3 * 4, b.buffer("old_stps").length);
        assertEquals(a.scalars(), b.scalars(), "the global scalars alike in every parameter");
        assertEquals(3.0, a.scalar("history_length"), "a full history of 3 pairs");
        assertEquals(12.0, a.scalar("n_iter"));
        assertEquals(3, a.step(), "step() calls");
        // the newest pair's y is the change of the gradient, slices of one flat vector
        int newest = (int) ((a.scalar("history_start") + 2) % 3);
        float[] yA = java.util.Arrays.copyOfRange(a.buffer("old_dirs"), newest * 3, newest * 3 + 3);
        float[] yB = java.util.Arrays.copyOfRange(b.buffer("old_dirs"), newest * 4, newest * 4 + 4);
        float[] d = new float[7];
        System.arraycopy(a.buffer("d"), 0, d, 0, 3);
        System.arraycopy(b.buffer("d"), 0, d, 3, 4);
        double hDiagWant = (double) dot(yA, yB, sA(a, newest), sB(b, newest)) / dot(yA, yB, yA, yB);
        assertEquals((float) hDiagWant, (float) a.scalar("H_diag"), 1e-6 * Math.abs(hDiagWant), "H_diag = y's / y'y");
    }

    private static float[] sA(ParameterState a, int row) {
        return java.util.Arrays.copyOfRange(a.buffer("old_stps"), row * 3, row * 3 + 3);
    }

    private static float[] sB(ParameterState b, int row) {
        return java.util.Arrays.copyOfRange(b.buffer("old_stps"), row * 4, row * 4 + 4);
    }

    private static float dot(float[] x1, float[] x2, float[] y1, float[] y2) {
        double s = 0;
        for (int i = 0; i < x1.length; i++) {
            s += (double) x1[i] * y1[i];
        }
        for (int i = 0; i < x2.length; i++) {
            s += (double) x2[i] * y2[i];
        }
        return (float) s;
    }

    @Test
    void allocateStateCreatesHistorySizeRowsUpFront() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("history_size", 7));
        o.allocateState();
        assertEquals(7 * 4, o.state("b").buffer("old_dirs").length);
        assertEquals(0, o.state("b").step());
    }

    @Test
    void aSmallerHistorySizeKeepsTheNewestPairs() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("history_size", 4, "max_iter", 3, "lr", 0.3));
        int[] calls = {0};
        for (int step = 0; step < 3; step++) {
            o.step(closure(ps, calls));
        }
        ParameterState a = o.state("a");
        int length = (int) a.scalar("history_length");
        int start = (int) a.scalar("history_start");
        List<float[]> newest = new ArrayList<>();
        for (int i = length - 2; i < length; i++) {
            int row = (start + i) % 4;
            newest.add(java.util.Arrays.copyOfRange(a.buffer("old_stps"), row * 3, row * 3 + 3));
        }
        o.paramGroups().get(0).set("history_size", 2);
        o.step(() -> { // a zero gradient: the step resizes the history, then stops (max |g| <= tolerance_grad)
            for (Parameter p : ps) {
                p.grad().fill(0f);
            }
            return 1.0;
        });
        ParameterState s = o.state("a");
        assertEquals(2 * 3, s.buffer("old_stps").length);
        assertEquals(2 * 4, o.state("b").buffer("old_dirs").length);
        assertEquals(2.0, s.scalar("history_length"));
        assertEquals(0.0, s.scalar("history_start"));
        assertArrayEquals(newest.get(0), java.util.Arrays.copyOfRange(s.buffer("old_stps"), 0, 3), "the older kept pair");
        assertArrayEquals(newest.get(1), java.util.Arrays.copyOfRange(s.buffer("old_stps"), 3, 6), "the newest pair");
        o.step(closure(ps, calls)); // and steps on with two rows
        assertEquals(2.0, o.state("b").scalar("history_length"));
    }

    // ---- refusals --------------------------------------------------------------------------------

    @Test
    void refusesStepWithoutAClosureAsPyTorchDoes() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, o::step);
        assertTrue(e.getMessage().startsWith("LBFGS needs a closure: call step(closure)"), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> o.step(null));
        assertTrue(n.getMessage().startsWith("closure must not be null"), n.getMessage());
        assertNull(o.state("a"));
        assertTrue(LBFGS.RULE.needsClosure());
    }

    @Test
    void refusesASecondParameterGroupAndAddsNothing() {
        Optimizer o = Optimizers.fromTorch("LBFGS", model(START).subList(0, 1), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> o.addParamGroup(List.of(Parameter.of("c", FloatTensor.zeros(2)))));
        assertTrue(e.getMessage().startsWith("LBFGS doesn't support per-parameter options (parameter groups)"),
                e.getMessage());
        assertEquals(1, o.paramGroups().size());
        assertThrows(IllegalArgumentException.class, () -> o.state("c"), "c is not known");
    }

    @Test
    void refusesGradientClippingAndNoiseAndKeepsNone() {
        Optimizer o = Optimizers.fromTorch("LBFGS", model(START), Map.of());
        UnsupportedOperationException c = assertThrows(UnsupportedOperationException.class,
                () -> o.setGradientClipping(GradientClipping.byNorm(1)));
        assertTrue(c.getMessage().startsWith("LBFGS takes no gradient clipping"), c.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> o.setGradientNoise(GradientNoise.of(0.01, 1)));
        assertEquals(GradientClipping.none(), o.gradientClipping());
        assertFalse(o.gradientNoise().enabled());
        o.setGradientClipping(GradientClipping.none()); // allowed: it is the default
    }

    @Test
    void wrappersThatCallStepRefuseLbfgs() {
        Optimizer o = Optimizers.fromTorch("LBFGS", model(START), Map.of());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(o)).getMessage()
                .contains("cannot wrap LBFGS"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap(o, 4)).getMessage()
                .contains("cannot wrap LBFGS"));
    }

    @Test
    void refusesParametersThatShareMemory() {
        float[] shared = new float[6];
        List<Parameter> overlapping = List.of(Parameter.of("a", FloatTensor.view(shared, 0, 4)),
                Parameter.of("b", FloatTensor.view(shared, 2, 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch("LBFGS", overlapping, Map.of()));
        assertTrue(e.getMessage().contains("share memory"), e.getMessage());
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("lr", -0.1, "lr must be >= 0, got -0.1"),
                Arguments.of("max_iter", 0.0, "max_iter must be a whole number >= 1, got 0"),
                Arguments.of("max_iter", 2.5, "max_iter must be a whole number >= 1, got 2.5"),
                Arguments.of("max_eval", -1.0, "max_eval must be None (0) or a whole number >= 1, got -1"),
                Arguments.of("max_eval", 1.5, "max_eval must be None (0) or a whole number >= 1, got 1.5"),
                Arguments.of("tolerance_grad", -1e-7, "tolerance_grad must be >= 0, got -1.0E-7"),
                Arguments.of("tolerance_change", Double.NaN, "tolerance_change must be finite, got NaN"),
                Arguments.of("history_size", 0.0, "history_size must be a whole number >= 1, got 0"),
                Arguments.of("history_size", 3e9, "history_size must be a whole number >= 1, got 3000000000"),
                Arguments.of("line_search_fn", 2.0,
                        "line_search_fn must be one of None, 'strong_wolfe', stored as 0 to 1, got 2"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalidValues")
    void refusesInvalidHyperparametersNamingThemAndChangesNothing(String name, double value, String message) {
        Optimizer o = Optimizers.fromTorch("LBFGS", model(START), Map.of());
        Hyperparameters before = o.paramGroups().get(0).hyperparameters();
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> o.paramGroups().get(0).set(name, value)).getMessage());
        assertSame(before, o.paramGroups().get(0).hyperparameters());
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> LBFGS.defaults().with(name, value)).getMessage());
    }

    @Test
    void lineSearchFnIsNoneOrStrongWolfeByName() {
        assertNull(LBFGS.defaults().choice("line_search_fn"));
        assertEquals("strong_wolfe", LBFGS.defaults().with("line_search_fn", "strong_wolfe").choice("line_search_fn"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch("LBFGS", model(START), Map.of("line_search_fn", "wolfe")));
        assertEquals("line_search_fn must be one of None, 'strong_wolfe', got 'wolfe'", e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch("LBFGS", model(START), Map.of("line_search_fn", 1)));
        assertTrue(n.getMessage().startsWith("line_search_fn must be") && n.getMessage().endsWith("got 1"), n.getMessage());
        Map<String, Object> none = new HashMap<>();
        none.put("line_search_fn", null);
        assertNull(Optimizers.fromTorch("LBFGS", model(START), none).paramGroups().get(0).hyperparameters()
                .choice("line_search_fn"));
    }

    @Test
    void defaultsArePyTorchs() {
        Hyperparameters h = LBFGS.defaults();
        assertEquals(Map.of("lr", 1.0, "max_iter", 20.0, "max_eval", 0.0, "tolerance_grad", 1e-7, "tolerance_change",
                1e-9, "history_size", 100.0, "line_search_fn", 0.0), h.asMap());
    }

    // ---- the closure, non-finite gradients ----------------------------------------------------

    @Test
    void theClosureMayZeroTheGradientsButNotChangeTheOptimizer() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("max_iter", 2));
        int[] calls = {0};
        Optimizer.LossClosure inner = closure(ps, calls);
        o.step(() -> {
            o.zeroGrad(); // what PyTorch closures do first
            return inner.evaluate();
        });
        assertEquals(2, calls[0]);
        assertThrows(ConcurrentModificationException.class, () -> o.step(() -> {
            o.paramGroups().get(0).set("lr", 0.5);
            return inner.evaluate();
        }));
        assertEquals(1.0, o.paramGroups().get(0).lr(), "the change inside the closure was refused");
        o.step(inner); // the optimizer is usable afterwards
    }

    private static Optimizer.LossClosure poisoned(List<Parameter> ps, int[] calls) {
        Optimizer.LossClosure c = closure(ps, calls);
        return () -> {
            double f = c.evaluate();
            ps.get(1).grad().setFlat(2, Float.NaN);
            return f;
        };
    }

    @Test
    void aNonFiniteFirstGradientThrowsUnderErrorAndChangesNothing() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("max_iter", 3));
        int[] calls = {0};
        o.step(closure(ps, calls));
        RuleCases.Snapshot before = RuleCases.Snapshot.of(o);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> o.step(poisoned(ps, calls)));
        assertEquals("parameter b has a non-finite gradient at index 2: NaN", e.getMessage());
        before.assertSameAs(RuleCases.Snapshot.of(o), "after the refused step");

        List<Parameter> fresh = model(START);
        Optimizer never = Optimizers.fromTorch("LBFGS", fresh, Map.of());
        assertThrows(NonFiniteGradientException.class, () -> never.step(poisoned(fresh, calls)));
        assertNull(never.state("a"), "no state created");
    }

    @Test
    void skipCountsTheStepAndChangesNothingWhilePropagateGoesOnAsPyTorch() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("max_iter", 3));
        o.setNonFinitePolicy(NonFinitePolicy.SKIP);
        int[] calls = {0};
        o.step(closure(ps, calls));
        RuleCases.Snapshot before = RuleCases.Snapshot.of(o);
        double loss = o.step(poisoned(ps, calls));
        assertEquals(rosenbrock(flat(ps), new double[7]), loss, "the loss is still returned");
        assertEquals(1, o.skippedSteps());
        before.assertSameAs(RuleCases.Snapshot.of(o), "after the skipped step");

        o.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        o.step(poisoned(ps, calls));
        assertTrue(Float.isNaN(ps.get(1).value().getFlat(2)), "NaN reaches the parameters, as in PyTorch");
        assertEquals(2, o.state("a").step());
    }

    @Test
    void aClosureThatThrowsAtTheFirstEvaluationChangesNothing() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.step(() -> {
            throw new IllegalStateException("the model's forward pass failed");
        }));
        assertEquals("the model's forward pass failed", e.getMessage());
        assertNull(o.state("a"));
        assertArrayEquals(new double[] {-1.2f, 1f, -0.5f, 0.8f, 1.5f, -1f, 0.3f}, flat(ps));
    }

    @Test
    void aHistoryTooLargeForAnArrayIsRefusedAtTheFirstStepWithoutCreatingState() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("history_size", 1 << 30));
        int[] calls = {0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.step(closure(ps, calls)));
        assertTrue(e.getMessage().contains("has more than 2^31 - 1 elements"), e.getMessage());
        assertNull(o.state("a"));
        assertNull(o.state("b"));
        assertArrayEquals(new double[] {-1.2f, 1f, -0.5f, 0.8f, 1.5f, -1f, 0.3f}, flat(ps), "parameters unchanged");
    }

    @Test
    void aDamagedStateIsRefusedBeforeTheClosureRuns() {
        List<Parameter> ps = model(START);
        Optimizer o = Optimizers.fromTorch("LBFGS", ps, Map.of("max_iter", 2));
        int[] calls = {0};
        o.step(closure(ps, calls));
        o.state("b").setScalar("n_iter", 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.step(closure(ps, calls)));
        assertTrue(e.getMessage().startsWith("LBFGS's state is global"), e.getMessage());
        o.state("b").setScalar("n_iter", o.state("a").scalar("n_iter"));
        o.state("a").setScalar("history_length", 101);
        o.state("b").setScalar("history_length", 101);
        assertTrue(assertThrows(IllegalStateException.class, () -> o.step(closure(ps, calls))).getMessage()
                .contains("do not fit a history of 100 rows"));
        assertEquals(2, calls[0], "the closure ran for the first step only (max_iter 2: two evaluations)");
    }
}
