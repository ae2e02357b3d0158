package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.checkpoint.StateDict;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * Clipping per parameter group and per parameter (DL4J's per-layer L2 clipping), fused into the update
 * like the optimizer's own: every rule gives the bits of scaling each gradient first; the scopes cascade
 * from the finest to the widest as sequential {@code clip_grad_norm_} calls would (checked against a
 * float64 reference that clips arrays one scope after the other); settings are validated and
 * checkpointed.
 */
class ScopedClippingTest {

    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();

    static Stream<org.junit.jupiter.params.provider.Arguments> rules() {
        return RuleCases.steppedWithGradients();
    }

    private static double sumOfSquares(Parameter p) {
        return KERNELS.sumOfSquares(p.grad().array(), p.grad().offset(), p.size());
    }

    private static void scale(Parameter p, float coefficient) {
        for (int i = 0; i < p.size(); i++) {
            p.grad().setFlat(i, p.grad().getFlat(i) * coefficient);
        }
    }

    @ParameterizedTest
    @MethodSource("rules")
    void perParameterClippingGivesTheBitsOfScalingEachGradientFirst(String rule, Map<String, ?> kwargs) {
        List<Parameter> fusedParams = RuleCases.parameters(rule, 3, 4099, 65, 1);
        List<Parameter> plainParams = RuleCases.parameters(rule, 3, 4099, 65, 1);
        Optimizer fused = RuleCases.create(rule, kwargs, fusedParams);
        Optimizer plain = RuleCases.create(rule, kwargs, plainParams);
        fused.setGradientClipping(GradientClipping.byNormPerParameter(2.0));
        SplittableRandom random = new SplittableRandom(4);
        int clipped = 0;
        for (int step = 0; step < 5; step++) {
            RuleCases.randomGradients(fusedParams, random);
            RuleCases.copyGradients(fusedParams, plainParams);
            for (Parameter p : plainParams) {
                float coefficient = (float) Math.min(2.0 / (Math.sqrt(sumOfSquares(p)) + 1e-6), 1.0);
                clipped += coefficient < 1 ? 1 : 0;
                scale(p, coefficient);
            }
            fused.step();
            plain.step();
            RuleCases.Snapshot.of(plain).assertSameAs(RuleCases.Snapshot.of(fused), rule + " " + kwargs + " step " + step);
        }
        assertEquals(true, clipped > 0 && clipped < 15, "some parameters clipped, some not: " + clipped);
    }

    @ParameterizedTest
    @MethodSource("rules")
    void aGroupsNormClipsThatGroupOnlyWithTheBitsOfScalingItFirst(String rule, Map<String, ?> kwargs) {
        List<Parameter> fusedParams = RuleCases.parameters(rule, 5, 1021, 33, 7);
        List<Parameter> plainParams = RuleCases.parameters(rule, 5, 1021, 33, 7);
        Optimizer fused = RuleCases.create(rule, kwargs, fusedParams.subList(0, 1));
        fused.addParamGroup(fusedParams.subList(1, 3)).setGradientClipping(GradientClipping.byNorm(0.5));
        Optimizer plain = RuleCases.create(rule, kwargs, plainParams.subList(0, 1));
        plain.addParamGroup(plainParams.subList(1, 3));
        SplittableRandom random = new SplittableRandom(6);
        for (int step = 0; step < 4; step++) {
            RuleCases.randomGradients(fusedParams, random);
            RuleCases.copyGradients(fusedParams, plainParams);
            double groupSum = sumOfSquares(plainParams.get(1)) + sumOfSquares(plainParams.get(2));
            float coefficient = (float) Math.min(0.5 / (Math.sqrt(groupSum) + 1e-6), 1.0);
            scale(plainParams.get(1), coefficient);
            scale(plainParams.get(2), coefficient);
            fused.step();
            plain.step();
            RuleCases.Snapshot.of(plain).assertSameAs(RuleCases.Snapshot.of(fused), rule + " " + kwargs + " step " + step);
        }
    }

    /** Clips {@code g[k]} (float64 copies) in place to {@code maxNorm} of the arrays listed together. */
    private static void clipTogether(double[][] g, double maxNorm, int... indices) {
        double sum = 0;
        for (int k : indices) {
            for (double x : g[k]) {
                sum += x * x;
            }
        }
        double c = Math.min(maxNorm / (Math.sqrt(sum) + 1e-6), 1.0);
        for (int k : indices) {
            for (int i = 0; i < g[k].length; i++) {
                g[k][i] *= c;
            }
        }
    }

    /**
     * Optimizer per-parameter 3, group 1 per-parameter 1 and group norm 1.5, group 2 by value 0.05 with
     * the optimizer's norm 2 over all: SGD with lr 1 moves each parameter by the gradient the kernel
     * read, which must be the float64 reference that clips the arrays scope after scope.
     */
    @Test
    void scopesCascadeFromEachParameterToTheGroupToAllAsSequentialClipsWould() {
        List<Parameter> ps = RuleCases.parameters(11, 300, 40, 9, 120, 5);
        Optimizer o = RuleCases.create("SGD", Map.of("lr", 1.0), ps.subList(0, 1));
        ParamGroup g1 = o.addParamGroup(ps.subList(1, 3));
        ParamGroup g2 = o.addParamGroup(ps.subList(3, 5));
        o.setGradientClipping(GradientClipping.byNormPerParameter(3));
        g1.setGradientClipping(GradientClipping.byNormPerParameter(1));
        SplittableRandom random = new SplittableRandom(12);
        for (int step = 0; step < 3; step++) {
            RuleCases.randomGradients(ps, random);
            for (Parameter p : ps) {
                scale(p, 4f); // norms well above the bounds
            }
            double[][] g = new double[ps.size()][];
            double[][] before = new double[ps.size()][];
            for (int k = 0; k < ps.size(); k++) {
                g[k] = new double[ps.get(k).size()];
                before[k] = new double[ps.get(k).size()];
                for (int i = 0; i < g[k].length; i++) {
                    g[k][i] = ps.get(k).grad().getFlat(i);
                    before[k][i] = ps.get(k).value().getFlat(i);
                }
            }
            for (int k = 0; k < ps.size(); k++) {
                clipTogether(g, 3, k); // the optimizer's per-parameter clipping
            }
            clipTogether(g, 1, 1);
            clipTogether(g, 1, 2); // group 1's per-parameter clipping
            if (step == 1) {
                g1.setGradientClipping(GradientClipping.byNorm(1.5)); // from now on the group's norm instead
                o.setGradientClipping(GradientClipping.byNorm(2));
                g2.setGradientClipping(GradientClipping.byValue(0.05));
            }
            if (step >= 1) {
                g = new double[ps.size()][];
                for (int k = 0; k < ps.size(); k++) {
                    g[k] = new double[ps.get(k).size()];
                    for (int i = 0; i < g[k].length; i++) {
                        g[k][i] = ps.get(k).grad().getFlat(i);
                    }
                }
                clipTogether(g, 1.5, 1, 2);
                clipTogether(g, 2, 0, 1, 2, 3, 4); // norms of the gradients before the clamp by value
                for (int k = 3; k < 5; k++) {
                    for (int i = 0; i < g[k].length; i++) {
                        double unscaled = ps.get(k).grad().getFlat(i);
                        double scaleOfAll = g[k][i] / unscaled;
                        g[k][i] = Math.max(-0.05, Math.min(0.05, unscaled)) * scaleOfAll;
                    }
                }
            }
            o.step();
            for (int k = 0; k < ps.size(); k++) {
                for (int i = 0; i < g[k].length; i++) {
                    double moved = before[k][i] - ps.get(k).value().getFlat(i);
                    assertEquals(g[k][i], moved, 2e-6 * Math.abs(g[k][i]) + 1e-6,
                            "step " + step + ", parameter " + k + ", element " + i);
                }
            }
        }
    }

    @Test
    void aGroupByValueAndTheOptimizersByValueClampAtTheSmallerBound() {
        List<Parameter> ps = RuleCases.parameters(13, 50, 50);
        Optimizer o = RuleCases.create("SGD", Map.of("lr", 1.0), ps.subList(0, 1));
        o.addParamGroup(ps.subList(1, 2)).setGradientClipping(GradientClipping.byValue(0.2));
        o.setGradientClipping(GradientClipping.byValue(0.5));
        RuleCases.randomGradients(ps, new SplittableRandom(14));
        float[][] before = ps.stream().map(p -> p.value().toArray()).toArray(float[][]::new);
        float[][] grads = ps.stream().map(p -> p.grad().toArray()).toArray(float[][]::new);
        o.step();
        for (int k = 0; k < 2; k++) {
            float bound = k == 0 ? 0.5f : 0.2f;
            for (int i = 0; i < 50; i++) {
                float clamped = Math.max(-bound, Math.min(bound, grads[k][i]));
                assertEquals(before[k][i] - clamped, ps.get(k).value().getFlat(i), "parameter " + k + " element " + i);
            }
        }
    }

    @Test
    void theNormOfTheLastStepIsOfTheGradientsBeforeAnyClipping() {
        List<Parameter> ps = RuleCases.parameters(15, 100, 10);
        Optimizer o = RuleCases.create("Adam", Map.of(), ps);
        o.paramGroups().get(0).setGradientClipping(GradientClipping.byNormPerParameter(0.01));
        RuleCases.randomGradients(ps, new SplittableRandom(16));
        double sum = sumOfSquares(ps.get(0)) + sumOfSquares(ps.get(1));
        o.step();
        assertEquals(Math.sqrt(sum), o.lastGradientNorm());
    }

    @Test
    void aNonFiniteGradientIsStillCaughtWhenOnlyAGroupClips() {
        List<Parameter> ps = RuleCases.parameters(17, 10);
        Optimizer o = RuleCases.create("Adam", Map.of(), ps);
        o.paramGroups().get(0).setGradientClipping(GradientClipping.byNormPerParameter(1));
        ps.get(0).grad().setFlat(3, Float.NaN);
        assertThrows(NonFiniteGradientException.class, o::step);
    }

    @Test
    void rejectsNullAndBadBoundsKeepingTheOldClipping() {
        Optimizer o = RuleCases.create("Adam", Map.of(), RuleCases.parameters(1, 4));
        ParamGroup g = o.paramGroups().get(0);
        assertEquals(GradientClipping.none(), g.gradientClipping());
        g.setGradientClipping(GradientClipping.byValue(2));
        var e = assertThrows(IllegalArgumentException.class, () -> g.setGradientClipping(null));
        assertEquals("clipping must not be null; GradientClipping.none() turns it off", e.getMessage());
        assertEquals(GradientClipping.byValue(2), g.gradientClipping());
        assertEquals("max_norm must be > 0, got 0", assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.byNormPerParameter(0)).getMessage());
        assertEquals("max_norm must be finite, got NaN", assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.byNormPerParameter(Double.NaN)).getMessage());
    }

    @Test
    void groupAndPerParameterClippingAreCheckpointed() throws IOException {
        List<Parameter> ps = RuleCases.parameters(19, 20, 30);
        Optimizer o = RuleCases.create("Adam", Map.of(), ps.subList(0, 1));
        o.addParamGroup(ps.subList(1, 2)).setGradientClipping(GradientClipping.byNorm(0.3));
        o.setGradientClipping(GradientClipping.byNormPerParameter(2));
        RuleCases.randomGradients(ps, new SplittableRandom(20));
        o.step();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out);

        List<Parameter> other = RuleCases.parameters(19, 20, 30);
        Optimizer resumed = RuleCases.create("Adam", Map.of(), other.subList(0, 1));
        resumed.addParamGroup(other.subList(1, 2));
        Checkpoints.load(resumed, new ByteArrayInputStream(out.toByteArray()));
        assertEquals(GradientClipping.byNormPerParameter(2), resumed.gradientClipping());
        assertEquals(GradientClipping.none(), resumed.paramGroups().get(0).gradientClipping());
        assertEquals(GradientClipping.byNorm(0.3), resumed.paramGroups().get(1).gradientClipping());
        StateDict dict = Checkpoints.stateDict(resumed);
        assertEquals(GradientClipping.byNorm(0.3), dict.groups().get(1).gradientClipping());

        o.paramGroups().get(1).setGradientClipping(GradientClipping.none());
        Checkpoints.loadStateDict(resumed, Checkpoints.stateDict(o));
        assertEquals(GradientClipping.none(), resumed.paramGroups().get(1).gradientClipping());
    }
}
