package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * A rule may plan several passes per parameter: they run in order, a blocked pass is split only at
 * multiples of its block (so per-block partial sums give the same bits on any number of threads), and
 * an unsplit pass is one call over the whole parameter.
 */
class StepPlanPassesTest {

    private static final int BLOCK = 1024;

    /**
     * A trust-ratio rule in the style of LARS without momentum: the first pass sums p^2 and g^2 per
     * block, the second scales the step by ||p|| / ||g||.
     */
    static final class NormScaled extends Optimizer {
        static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 0.1, 0)), h -> { });
        static final Rule RULE = Rule.builder("NormScaled", DEFAULTS, NormScaled::new).build();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());

        NormScaled(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext c) {
            int blocks = (p.size() + BLOCK - 1) / BLOCK;
            float[] pSums = new float[blocks];
            float[] gSums = new float[blocks];
            float lr = (float) h.get("lr");
            StepPlan.Pass sums = StepPlan.Pass.blocked(BLOCK, (v, vOff, g, gOff, from, n) -> {
                calls.add("sums " + from);
                for (int b = 0; b * BLOCK < n; b++) {
                    float ps = 0;
                    float gs = 0;
                    for (int i = b * BLOCK; i < Math.min(n, (b + 1) * BLOCK); i++) {
                        ps += v[vOff + i] * v[vOff + i];
                        gs += g[gOff + i] * g[gOff + i];
                    }
                    pSums[from / BLOCK + b] = ps;
                    gSums[from / BLOCK + b] = gs;
                }
            });
            StepPlan.Pass update = StepPlan.Pass.elementWise((v, vOff, g, gOff, from, n) -> {
                calls.add("update " + from);
                float ps = 0;
                float gs = 0;
                for (int b = 0; b < blocks; b++) {
                    ps += pSums[b];
                    gs += gSums[b];
                }
                float ratio = (float) (Math.sqrt(ps) / Math.sqrt(gs));
                for (int i = 0; i < n; i++) {
                    v[vOff + i] -= lr * ratio * g[gOff + i];
                }
            });
            return StepPlan.of(sums, update);
        }
    }

    private static Parameter ramp(int n) {
        float[] v = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(i * 0.37) * (1 + i % 7);
            g[i] = (float) Math.cos(i * 0.11) / (1 + i % 5);
        }
        return new Parameter("w", FloatTensor.of(v), FloatTensor.of(g));
    }

    @Test
    void blockedReductionGivesTheSameBitsOnOneAndTwoThreads() {
        int n = 10 * BLOCK + 77;
        Parameter one = ramp(n);
        Parameter two = ramp(n);
        NormScaled single = new NormScaled(List.of(one), NormScaled.DEFAULTS);
        NormScaled split = new NormScaled(List.of(two), NormScaled.DEFAULTS);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            split.setExecutor(executor);
            for (int s = 0; s < 3; s++) {
                single.step();
                split.step();
            }
        }
        assertArrayEquals(one.value().toArray(), two.value().toArray());
        assertEquals(List.of("sums 0", "update 0", "sums 0", "update 0", "sums 0", "update 0"), single.calls);
        assertEquals(12, split.calls.size(), "two calls per pass per step on two threads");
        for (String call : split.calls) {
            if (call.startsWith("sums ")) {
                assertEquals(0, Integer.parseInt(call.substring(5)) % BLOCK, "a blocked pass starts on a block: " + call);
            }
        }
    }

    @Test
    void everySplitPassOfAParameterEndsBeforeTheNextBegins() {
        NormScaled split = new NormScaled(List.of(ramp(8 * BLOCK)), NormScaled.DEFAULTS);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            split.setExecutor(executor);
            split.step();
        }
        List<String> kinds = split.calls.stream().map(c -> c.substring(0, c.indexOf(' '))).toList();
        assertEquals(List.of("sums", "sums", "update", "update"), kinds);
    }

    @Test
    void anUnsplitPassIsOneCallOverTheWholeParameter() {
        List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
        Hyperparameters defaults = Hyperparameters.defaults(List.of(Hyperparameter.atLeast("lr", 0.1, 0)), h -> { });
        class Whole extends Optimizer {
            Whole(List<Parameter> ps) {
                super(Rule.builder("Whole", defaults, (l, h) -> null).build(), ps, defaults);
            }

            @Override
            protected StepPlan plan(Parameter p, ParameterState s, Hyperparameters h, long step, StepContext c) {
                return StepPlan.of(StepPlan.Pass.whole((v, vOff, g, gOff, from, n) -> ranges.add(new int[] {from, n})));
            }
        }
        Whole whole = new Whole(List.of(ramp(5000)));
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(2, 1)) {
            whole.setExecutor(executor);
            whole.step();
        }
        assertEquals(1, ranges.size());
        assertArrayEquals(new int[] {0, 5000}, ranges.get(0));
    }

    @Test
    void rejectsAPlanWithoutPasses() {
        var e = assertThrows(IllegalArgumentException.class, () -> StepPlan.of(new StepPlan.Pass[0]));
        assertEquals("a step plan needs at least one pass", e.getMessage());
    }

    @Test
    void rejectsANonPositiveAlignment() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> StepPlan.Pass.blocked(0, (v, vOff, g, gOff, from, n) -> { }));
        assertEquals("alignment must be >= 1, got 0", e.getMessage());
    }
}
