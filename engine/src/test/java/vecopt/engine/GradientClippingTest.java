package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

/**
 * Clipping by global norm and by value, fused into the update: every rule gives the bits of clipping
 * the gradients first and stepping without clipping; the global norm is the same on any number of
 * threads and on either kernel path; PyTorch's {@code clip_grad_norm_} and {@code clip_grad_value_}
 * trajectories are reproduced.
 */
class GradientClippingTest {

    private static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();

    static Stream<org.junit.jupiter.params.provider.Arguments> rules() {
        return RuleCases.steppedWithGradients();
    }

    // ---- validation ----

    private static void assertRejected(Executable call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsMaxNormsThatAreNotPositiveAndFinite() {
        assertRejected(() -> GradientClipping.byNorm(0), "max_norm must be > 0, got 0");
        assertRejected(() -> GradientClipping.byNorm(-1.5), "max_norm must be > 0, got -1.5");
        assertRejected(() -> GradientClipping.byNorm(Double.NaN), "max_norm must be finite, got NaN");
        assertRejected(() -> GradientClipping.byNorm(Double.POSITIVE_INFINITY), "max_norm must be finite, got Infinity");
    }

    @Test
    void rejectsClipValuesThatAreNotPositiveAndFinite() {
        assertRejected(() -> GradientClipping.byValue(0), "clip_value must be > 0, got 0");
        assertRejected(() -> GradientClipping.byValue(-0.5), "clip_value must be > 0, got -0.5");
        assertRejected(() -> GradientClipping.byValue(Double.NaN), "clip_value must be finite, got NaN");
    }

    @Test
    void rejectsNullAndKeepsTheOldClipping() {
        Optimizer o = RuleCases.create("Adam", Map.of(), RuleCases.parameters(1, 4));
        o.setGradientClipping(GradientClipping.byValue(2));
        assertRejected(() -> o.setGradientClipping(null),
                "clipping must not be null; GradientClipping.none() turns it off");
        assertEquals(GradientClipping.byValue(2), o.gradientClipping());
    }

    @Test
    void defaultsToNoClipping() {
        assertEquals(GradientClipping.none(), RuleCases.create("SGD", Map.of(), RuleCases.parameters(1, 4)).gradientClipping());
    }

    @Test
    void theCoefficientIsTorchs() {
        GradientClipping.ByNorm clip = new GradientClipping.ByNorm(2);
        assertEquals(2 / (8 + 1e-6), clip.coefficient(8));
        assertEquals(1.0, clip.coefficient(1.5));
        assertEquals(2 / (2 + 1e-6), clip.coefficient(2)); // just below 1: applied, as in PyTorch
        assertTrue(Double.isNaN(clip.coefficient(Double.NaN)));
        assertEquals(0.0, clip.coefficient(Double.POSITIVE_INFINITY));
    }

    // ---- fused = clip first, then step ----

    /** The global norm as the optimizer computes it: kernel sums of squares, in parameter order. */
    private static double globalNorm(List<Parameter> ps) {
        double sum = 0;
        for (Parameter p : ps) {
            sum += KERNELS.sumOfSquares(p.grad().array(), p.grad().offset(), p.size());
        }
        return Math.sqrt(sum);
    }

    @ParameterizedTest
    @MethodSource("rules")
    void normClippingGivesTheBitsOfScalingTheGradientsFirst(String rule, Map<String, ?> kwargs) {
        List<Parameter> fusedParams = RuleCases.parameters(rule, 3, 4099, 65, 1);
        List<Parameter> plainParams = RuleCases.parameters(rule, 3, 4099, 65, 1);
        Optimizer fused = RuleCases.create(rule, kwargs, fusedParams);
        Optimizer plain = RuleCases.create(rule, kwargs, plainParams);
        fused.setGradientClipping(GradientClipping.byNorm(5.0));
        SplittableRandom random = new SplittableRandom(4);
        int clipped = 0;
        for (int step = 0; step < 7; step++) {
            RuleCases.randomGradients(fusedParams, random);
            if (step % 3 == 2) { // some steps below the threshold
                for (Parameter p : fusedParams) {
                    for (int i = 0; i < p.size(); i++) {
                        p.grad().setFlat(i, p.grad().getFlat(i) * 1e-3f);
                    }
                }
            }
            float[][] before = fusedParams.stream().map(p -> p.grad().toArray()).toArray(float[][]::new);
            double norm = globalNorm(fusedParams);
            float coefficient = (float) Math.min(5.0 / (norm + 1e-6), 1.0);
            clipped += coefficient < 1 ? 1 : 0;
            for (int k = 0; k < plainParams.size(); k++) {
                Parameter p = plainParams.get(k);
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, before[k][i] * coefficient);
                }
            }
            fused.step();
            plain.step();
            assertEquals(norm, fused.lastGradientNorm(), "norm of step " + step);
            for (int k = 0; k < fusedParams.size(); k++) {
                assertArrayEquals(before[k], fusedParams.get(k).grad().toArray(), "the fused step wrote a gradient");
            }
            RuleCases.Snapshot.of(plain).assertSameAs(RuleCases.Snapshot.of(fused), rule + " " + kwargs + " step " + step);
        }
        assertEquals(5, clipped);
    }

    @ParameterizedTest
    @MethodSource("rules")
    void valueClippingGivesTheBitsOfClampingTheGradientsFirst(String rule, Map<String, ?> kwargs) {
        List<Parameter> fusedParams = RuleCases.parameters(rule, 5, 1021, 33);
        List<Parameter> plainParams = RuleCases.parameters(rule, 5, 1021, 33);
        Optimizer fused = RuleCases.create(rule, kwargs, fusedParams);
        Optimizer plain = RuleCases.create(rule, kwargs, plainParams);
        fused.setGradientClipping(GradientClipping.byValue(0.7));
        SplittableRandom random = new SplittableRandom(6);
        for (int step = 0; step < 6; step++) {
            RuleCases.randomGradients(fusedParams, random);
            for (int k = 0; k < plainParams.size(); k++) {
                Parameter p = plainParams.get(k);
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, Math.max(-0.7f, Math.min(0.7f, fusedParams.get(k).grad().getFlat(i))));
                }
            }
            fused.step();
            plain.step();
            RuleCases.Snapshot.of(plain).assertSameAs(RuleCases.Snapshot.of(fused), rule + " " + kwargs + " step " + step);
        }
    }

    @Test
    void aNormBelowTheMaximumChangesNoBit() {
        List<Parameter> a = RuleCases.parameters(7, 300, 20);
        List<Parameter> b = RuleCases.parameters(7, 300, 20);
        Optimizer clipped = RuleCases.create("Adam", Map.of("lr", 0.1), a);
        Optimizer unclipped = RuleCases.create("Adam", Map.of("lr", 0.1), b);
        clipped.setGradientClipping(GradientClipping.byNorm(1e6));
        SplittableRandom random = new SplittableRandom(8);
        for (int step = 0; step < 3; step++) {
            RuleCases.randomGradients(a, random);
            RuleCases.copyGradients(a, b);
            clipped.step();
            unclipped.step();
        }
        RuleCases.Snapshot.of(unclipped).assertSameAs(RuleCases.Snapshot.of(clipped), "max_norm 1e6");
    }

    @Test
    void theNormIsOverAllParametersOfAllGroups() {
        List<Parameter> ps = RuleCases.parameters(9, 5000, 7, 130);
        Optimizer o = RuleCases.create("SGD", Map.of("lr", 0.1), ps);
        RuleCases.randomGradients(ps, new SplittableRandom(10));
        double exact = 0;
        for (Parameter p : ps) {
            for (int i = 0; i < p.size(); i++) {
                exact += (double) p.grad().getFlat(i) * p.grad().getFlat(i);
            }
        }
        o.setGradientClipping(GradientClipping.byNorm(1));
        o.step();
        assertEquals(Math.sqrt(exact), o.lastGradientNorm(), 1e-6 * Math.sqrt(exact));
    }

    @Test
    void theNormIsTheSameOnAnyNumberOfThreadsAndOnBothKernelPaths() {
        int[] sizes = {300_001, 4096 * 3, 4095, 17};
        long expected = 0;
        float[] expectedValues = null;
        for (OptimizerKernels kernels : new OptimizerKernels[] {OptimizerKernelsProvider.scalar(), KERNELS}) {
            for (int threads = 1; threads <= 5; threads++) {
                for (int minLength : new int[] {1, 5000, 1 << 20}) {
                    List<Parameter> ps = RuleCases.parameters(11, sizes);
                    RuleCases.randomGradients(ps, new SplittableRandom(12));
                    Optimizer o = RuleCases.create("SGD", Map.of("lr", 0.1), ps, kernels);
                    o.setGradientClipping(GradientClipping.byNorm(1));
                    try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threads, minLength)) {
                        o.setExecutor(executor);
                        o.step();
                    }
                    long bits = Double.doubleToRawLongBits(o.lastGradientNorm());
                    float[] values = ps.get(0).value().toArray();
                    if (expectedValues == null) {
                        expected = bits;
                        expectedValues = values;
                    }
                    String what = kernels.name() + ", " + threads + " threads, split from " + minLength;
                    assertEquals(expected, bits, what + ": norm " + o.lastGradientNorm());
                    assertArrayEquals(expectedValues, values, what);
                }
            }
        }
    }

    @Test
    void noNormIsComputedWithoutClippingByNormUnderPropagate() {
        Optimizer o = RuleCases.create("SGD", Map.of(), RuleCases.parameters(1, 8));
        o.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        o.step();
        assertTrue(Double.isNaN(o.lastGradientNorm()));
        o.setNonFinitePolicy(NonFinitePolicy.ERROR);
        o.step();
        assertEquals(0.0, o.lastGradientNorm());
    }

    // ---- against PyTorch ----

    /** One recorded case of {@code torch_clipping.tsv}: records by name, then by step. */
    private static Map<String, Map<String, Map<Integer, String>>> torchCases() throws IOException {
        Map<String, Map<String, Map<Integer, String>>> cases = new LinkedHashMap<>();
        try (var in = new BufferedReader(new InputStreamReader(
                GradientClippingTest.class.getResourceAsStream("/training/torch_clipping.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                cases.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[1], k -> new LinkedHashMap<>())
                        .put(Integer.parseInt(f[2]), f[3]);
            }
        }
        return cases;
    }

    private static float[] floats(String values) {
        double[] d = Arrays.stream(values.split(" ")).mapToDouble(Double::parseDouble).toArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Test
    void reproducesTorchClipGradNormAndClipGradValueTrajectories() throws IOException {
        Map<String, Map<String, Map<Integer, String>>> cases = torchCases();
        assertEquals(5, cases.size());
        for (var c : cases.entrySet()) {
            Map<String, Map<Integer, String>> r = c.getValue();
            String[] optimizer = r.get("optimizer").get(0).split(" ");
            Map<String, Object> kwargs = new LinkedHashMap<>();
            for (String kw : Arrays.copyOfRange(optimizer, 1, optimizer.length)) {
                String[] nameValue = kw.split("=");
                kwargs.put(nameValue[0], switch (nameValue[1]) {
                    case "True" -> true;
                    case "False" -> false;
                    default -> Double.parseDouble(nameValue[1]);
                });
            }
            String[] clipping = r.get("clipping").get(0).split(" ");
            List<Parameter> ps = new ArrayList<>();
            for (String name : List.of("p0", "p1")) {
                float[] value = floats(r.get(name).get(0));
                ps.add(new Parameter(name, FloatTensor.of(value), FloatTensor.zeros(value.length)));
            }
            Optimizer o = Optimizers.fromTorch(optimizer[0], ps, kwargs, KERNELS);
            double bound = Double.parseDouble(clipping[1]);
            o.setGradientClipping(clipping[0].equals("norm") ? GradientClipping.byNorm(bound) : GradientClipping.byValue(bound));
            for (int step = 1; r.get("g0").containsKey(step); step++) {
                ps.get(0).grad().copyFrom(FloatTensor.of(floats(r.get("g0").get(step))));
                ps.get(1).grad().copyFrom(FloatTensor.of(floats(r.get("g1").get(step))));
                o.step();
                String where = c.getKey() + " step " + step;
                if (r.containsKey("norm")) {
                    double torchNorm = Double.parseDouble(r.get("norm").get(step));
                    assertEquals(torchNorm, o.lastGradientNorm(), 2e-7 * torchNorm, where + ": norm");
                }
                for (int k = 0; k < 2; k++) {
                    float[] want = floats(r.get("p" + k).get(step));
                    float[] got = ps.get(k).value().toArray();
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-6 + 1e-6 * Math.abs(want[i]), where + ": p" + k + "[" + i + "]");
                    }
                }
            }
        }
    }
}
