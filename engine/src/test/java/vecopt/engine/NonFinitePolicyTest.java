package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.tensor.FloatTensor;

/**
 * NaN and infinite gradients: ERROR (the default) throws naming the parameter and the first bad
 * index, SKIP leaves everything untouched and counts, PROPAGATE updates anyway; for every rule.
 */
class NonFinitePolicyTest {

    static Stream<org.junit.jupiter.params.provider.Arguments> rules() {
        return RuleCases.steppedWithGradients();
    }

    @Test
    void errorIsTheDefault() {
        assertEquals(NonFinitePolicy.ERROR, RuleCases.create("Adam", Map.of(), RuleCases.parameters(1, 3)).nonFinitePolicy());
    }

    @Test
    void errorNamesTheParameterTheFirstBadIndexAndItsValue() {
        Parameter fc1 = Parameter.of("fc1.weight", FloatTensor.randomNormal(1, 4, 8));
        Parameter fc2 = Parameter.of("fc2.weight", FloatTensor.randomNormal(2, 8));
        Adam adam = new Adam(List.of(fc2, fc1), Adam.defaults());
        fc1.grad().setFlat(17, Float.NaN);
        fc1.grad().setFlat(20, Float.POSITIVE_INFINITY);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, adam::step);
        assertEquals("parameter fc1.weight has a non-finite gradient at index 17: NaN", e.getMessage());
        assertEquals("fc1.weight", e.parameter());
        assertEquals(17, e.index());
        assertTrue(Float.isNaN(e.value()));
        assertTrue(e instanceof ArithmeticException);
        fc1.grad().setFlat(17, 0f);
        e = assertThrows(NonFiniteGradientException.class, adam::step);
        assertEquals("parameter fc1.weight has a non-finite gradient at index 20: Infinity", e.getMessage());
        fc2.grad().setFlat(7, Float.NEGATIVE_INFINITY);
        e = assertThrows(NonFiniteGradientException.class, adam::step);
        assertEquals("parameter fc2.weight has a non-finite gradient at index 7: -Infinity", e.getMessage(),
                "the first parameter in group order");
    }

    @Test
    void errorFindsTheFirstBadIndexOfALongGradientSplitAcrossThreads() {
        Parameter w = Parameter.of("w", FloatTensor.randomNormal(3, 100_000));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults());
        w.grad().setFlat(99_999, Float.NaN);
        w.grad().setFlat(70_001, Float.NaN);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(3, 64)) {
            sgd.setExecutor(executor);
            var e = assertThrows(NonFiniteGradientException.class, sgd::step);
            assertEquals(70_001, e.index());
        }
    }

    @ParameterizedTest
    @MethodSource("rules")
    void errorAndSkipLeaveParametersStateAndStepsUntouched(String rule, Map<String, ?> kwargs) {
        for (NonFinitePolicy policy : List.of(NonFinitePolicy.ERROR, NonFinitePolicy.SKIP)) {
            for (boolean clipByNorm : List.of(false, true)) {
                List<Parameter> ps = RuleCases.parameters(rule, 20, 1000, 37);
                List<Parameter> twinPs = RuleCases.parameters(rule, 20, 1000, 37);
                Optimizer o = RuleCases.create(rule, kwargs, ps);
                Optimizer twin = RuleCases.create(rule, kwargs, twinPs);
                o.setNonFinitePolicy(policy);
                if (clipByNorm) {
                    o.setGradientClipping(GradientClipping.byNorm(3));
                    twin.setGradientClipping(GradientClipping.byNorm(3));
                }
                String what = rule + " " + kwargs + " " + policy + (clipByNorm ? " clipped" : "");
                SplittableRandom random = new SplittableRandom(21);
                for (int step = 0; step < 8; step++) {
                    RuleCases.randomGradients(ps, random);
                    RuleCases.copyGradients(ps, twinPs);
                    if (step % 3 == 1) { // a bad step: the twin does not take it
                        ps.get(step % 2).grad().setFlat(step, step % 2 == 0 ? Float.NaN : Float.NEGATIVE_INFINITY);
                        RuleCases.Snapshot before = RuleCases.Snapshot.of(o);
                        if (policy == NonFinitePolicy.ERROR) {
                            assertThrows(NonFiniteGradientException.class, o::step, what);
                        } else {
                            o.step();
                        }
                        RuleCases.Snapshot.of(o).assertSameAs(before, what + " at step " + step);
                    } else {
                        o.step();
                        twin.step();
                        RuleCases.Snapshot.of(twin).assertSameAs(RuleCases.Snapshot.of(o), what + " at step " + step);
                    }
                }
                assertEquals(policy == NonFinitePolicy.SKIP ? 3 : 0, o.skippedSteps(), what);
            }
        }
    }

    @Test
    void skipBeforeTheFirstStepCreatesNoState() {
        Parameter w = Parameter.of("w", FloatTensor.randomNormal(4, 10));
        NAdam nadam = new NAdam(List.of(w), NAdam.defaults());
        nadam.setNonFinitePolicy(NonFinitePolicy.SKIP);
        w.grad().setFlat(3, Float.NaN);
        nadam.step();
        assertEquals(null, nadam.state("w"));
        assertEquals(1, nadam.skippedSteps());
        assertTrue(Double.isNaN(nadam.lastGradientNorm()));
    }

    @Test
    void propagateUpdatesWithTheNaNAsPyTorchDoes() {
        Parameter w = Parameter.of("w", FloatTensor.randomNormal(5, 10));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.1));
        sgd.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        w.grad().fill(1f);
        w.grad().setFlat(3, Float.NaN);
        sgd.step();
        assertTrue(Float.isNaN(w.value().getFlat(3)));
        assertFalse(Float.isNaN(w.value().getFlat(4)));
        assertEquals(1, sgd.state("w").step());
        assertEquals(0, sgd.skippedSteps());
    }

    @Test
    void propagateWithNormClippingMakesEveryGradientNaNAsClipGradNormDoes() {
        Parameter a = Parameter.of("a", FloatTensor.randomNormal(6, 10));
        Parameter b = Parameter.of("b", FloatTensor.randomNormal(7, 10));
        Sgd sgd = new Sgd(List.of(a, b), Sgd.defaults().with("lr", 0.1));
        sgd.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        sgd.setGradientClipping(GradientClipping.byNorm(1));
        a.grad().fill(1f);
        b.grad().fill(1f);
        a.grad().setFlat(0, Float.NaN);
        sgd.step();
        assertTrue(Double.isNaN(sgd.lastGradientNorm()));
        for (int i = 0; i < 10; i++) {
            assertTrue(Float.isNaN(b.value().getFlat(i)), "b[" + i + "]");
        }
    }

    @Test
    void propagateWithNormClippingZeroesFiniteGradientsWhenTheNormIsInfinite() {
        Parameter a = Parameter.of("a", FloatTensor.randomNormal(6, 10));
        float[] before = a.value().toArray();
        Sgd sgd = new Sgd(List.of(a), Sgd.defaults().with("lr", 0.1));
        sgd.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        sgd.setGradientClipping(GradientClipping.byNorm(1));
        a.grad().fill(1f);
        a.grad().setFlat(0, Float.POSITIVE_INFINITY);
        sgd.step();
        assertEquals(Double.POSITIVE_INFINITY, sgd.lastGradientNorm());
        assertTrue(Float.isNaN(a.value().getFlat(0)), "inf * 0");
        for (int i = 1; i < 10; i++) {
            assertEquals(before[i], a.value().getFlat(i));
        }
    }

    @Test
    void aHugeButFiniteGradientIsNotMistakenForAnInfinity() {
        Parameter w = Parameter.of("w", FloatTensor.randomNormal(8, 5000));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 1e-30));
        w.grad().fill(1f);
        w.grad().setFlat(100, 3e19f); // its square overflows float
        w.grad().setFlat(4321, -Float.MAX_VALUE);
        sgd.setGradientClipping(GradientClipping.byNorm(1));
        sgd.step();
        assertEquals(Math.hypot(Float.MAX_VALUE, Math.hypot(3e19, Math.sqrt(4998))), sgd.lastGradientNorm(),
                1e-9 * Float.MAX_VALUE);
        assertEquals(1, sgd.state("w").step());
    }

    @Test
    void rejectsNullPolicyAndKeepsTheOldOne() {
        Optimizer o = RuleCases.create("SGD", Map.of(), RuleCases.parameters(1, 3));
        o.setNonFinitePolicy(NonFinitePolicy.SKIP);
        var e = assertThrows(IllegalArgumentException.class, () -> o.setNonFinitePolicy(null));
        assertEquals("policy must not be null", e.getMessage());
        assertEquals(NonFinitePolicy.SKIP, o.nonFinitePolicy());
    }

    @Test
    void skippedStepsCanBeRestoredForCheckpoints() {
        Optimizer o = RuleCases.create("SGD", Map.of(), RuleCases.parameters(1, 3));
        o.setSkippedSteps(41);
        o.setNonFinitePolicy(NonFinitePolicy.SKIP);
        o.paramGroups().get(0).parameters().get(0).grad().setFlat(0, Float.NaN);
        o.step();
        assertEquals(42, o.skippedSteps());
        var e = assertThrows(IllegalArgumentException.class, () -> o.setSkippedSteps(-1));
        assertEquals("skippedSteps must be >= 0, got -1", e.getMessage());
    }
}
