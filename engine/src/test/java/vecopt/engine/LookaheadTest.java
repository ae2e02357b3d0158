package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

class LookaheadTest {

    private static final int N = WrapperFixture.N;

    /** The paper's Algorithm 1 in float64 over a float64 textbook inner rule. */
    private static final class TextbookLookahead {
        final TextbookOptimizer inner;
        final int k;
        final double alpha;
        double[] slow;
        long steps;

        TextbookLookahead(TextbookOptimizer inner, int k, double alpha) {
            this.inner = inner;
            this.k = k;
            this.alpha = alpha;
        }

        void step(double[] fast, double[] grad) {
            if (slow == null) {
                slow = fast.clone();
            }
            inner.step(fast, grad);
            if (++steps % k == 0) {
                for (int i = 0; i < fast.length; i++) {
                    slow[i] = slow[i] + alpha * (fast[i] - slow[i]);
                    fast[i] = slow[i];
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SGD", "Adam", "RAdam", "Adagrad", "RMSprop"})
    void fusedSyncFollowsTextbookLookaheadOverTextbookInnerRule(String rule) {
        Map<String, Object> kwargs = rule.equals("SGD") ? Map.of("lr", 0.05, "momentum", 0.9) : Map.of("lr", 0.01);
        SplittableRandom random = new SplittableRandom(rule.hashCode());
        float[] model = new float[N + 7];
        float[] grads = new float[N + 7];
        double[] fast = new double[N];
        double[] g = new double[N];
        for (int i = 0; i < N; i++) {
            model[3 + i] = (float) random.nextGaussian();
            fast[i] = model[3 + i];
        }
        Parameter p = new Parameter("w", FloatTensor.view(model, 3, N), FloatTensor.view(grads, 3, N));
        Lookahead opt = Lookahead.wrap(Optimizers.fromTorch(rule, List.of(p), kwargs), 3, 0.7);
        TextbookLookahead reference = new TextbookLookahead(TextbookOptimizers.create(rule, kwargs), 3, 0.7);
        for (int step = 1; step <= 14; step++) {
            for (int i = 0; i < N; i++) {
                float gi = (float) random.nextGaussian();
                grads[3 + i] = gi;
                g[i] = gi;
            }
            opt.step();
            reference.step(fast, g);
            for (int i = 0; i < N; i++) {
                assertEquals(fast[i], model[3 + i], 1e-4 * Math.abs(fast[i]) + 1e-5, rule + " step " + step + " [" + i + "]");
                assertEquals(reference.slow[i], opt.slowWeights("w")[i], 1e-4 * Math.abs(reference.slow[i]) + 1e-5,
                        rule + " slow, step " + step + " [" + i + "]");
            }
        }
        assertEquals(0f, model[0]);
        assertEquals(0f, model[N + 6]);
        assertEquals(14, opt.steps());
    }

    @Test
    void slowWeightsStartAtTheParametersBeforeTheFirstInnerUpdate() {
        List<Parameter> params = WrapperFixture.parameters(1);
        float[] initial = WrapperFixture.values(params);
        Lookahead opt = Lookahead.wrap(new Sgd(params, Sgd.defaults().with("lr", 0.1)));
        assertNull(opt.slowWeights("w"));
        WrapperFixture.fillGradients(params, new SplittableRandom(2));
        opt.step();
        assertArrayEquals(java.util.Arrays.copyOf(initial, N), opt.slowWeights("w"));
    }

    @Test
    void alphaZeroResetsTheParametersToTheirStartOnEverySync() {
        List<Parameter> params = WrapperFixture.parameters(3);
        float[] initial = WrapperFixture.values(params);
        Lookahead opt = Lookahead.wrap(new Adam(params, Adam.defaults().with("lr", 0.1)), 2, 0);
        SplittableRandom random = new SplittableRandom(4);
        for (int step = 1; step <= 6; step++) {
            WrapperFixture.fillGradients(params, random);
            opt.step();
            if (step % 2 == 0) {
                assertArrayEquals(initial, WrapperFixture.values(params), "step " + step);
            } else {
                assertTrue(!java.util.Arrays.equals(initial, WrapperFixture.values(params)), "step " + step + " moved");
            }
        }
    }

    @Test
    void kOneAlphaOneFollowsTheInnerOptimizerAlone() {
        List<Parameter> wrapped = WrapperFixture.parameters(5);
        List<Parameter> alone = WrapperFixture.parameters(5);
        Lookahead opt = Lookahead.wrap(new Adam(wrapped, Adam.defaults()), 1, 1);
        Optimizer plain = new Adam(alone, Adam.defaults());
        SplittableRandom r1 = new SplittableRandom(6);
        SplittableRandom r2 = new SplittableRandom(6);
        for (int step = 1; step <= 10; step++) {
            WrapperFixture.fillGradients(wrapped, r1);
            WrapperFixture.fillGradients(alone, r2);
            opt.step();
            plain.step();
            float[] a = WrapperFixture.values(wrapped);
            float[] b = WrapperFixture.values(alone);
            for (int i = 0; i < a.length; i++) {
                // slow + (fast - slow) is fast up to one rounding of the difference
                assertEquals(b[i], a[i], Math.ulp(b[i]) * 2 + 1e-7f, "step " + step + " [" + i + "]");
            }
        }
    }

    @Test
    void kOneSynchronisesOnEveryStep() {
        List<Parameter> params = WrapperFixture.parameters(7);
        Lookahead opt = Lookahead.wrap(new Sgd(params, Sgd.defaults().with("lr", 0.1)), 1, 0.5);
        WrapperFixture.fillGradients(params, new SplittableRandom(8));
        opt.step();
        assertArrayEquals(opt.slowWeights("w"), params.get(0).value().toArray());
    }

    @Test
    void aRejectedArgumentNamesItAndChangesNothing() {
        List<Parameter> params = WrapperFixture.parameters(9);
        Optimizer inner = new Sgd(params, Sgd.defaults());
        assertEquals("k must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(inner, 0, 0.5)).getMessage());
        assertEquals("alpha must be in [0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(inner, 5, Double.NaN)).getMessage());
        assertEquals("alpha must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(inner, 5, 1.5)).getMessage());
        assertEquals("alpha must be in [0, 1], got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Ranger.create(params, RAdam.defaults(), 6, -0.1))
                        .getMessage());
        assertEquals("inner must not be null",
                assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(null)).getMessage());
        assertNull(inner.state("w"));
    }

    @Test
    void aFailedInnerStepChangesNothing() {
        List<Parameter> params = WrapperFixture.parameters(10);
        float[] before = WrapperFixture.values(params);
        Lookahead opt = Lookahead.wrap(new Sgd(params, Sgd.defaults()), 2, 0.5);
        params.get(0).grad().setFlat(3, Float.NaN);
        assertThrows(NonFiniteGradientException.class, opt::step);
        assertNull(opt.slowWeights("w"));
        assertEquals(0, opt.steps());
        assertArrayEquals(before, WrapperFixture.values(params));
    }

    @Test
    void aSkippedInnerStepIsNotCounted() {
        List<Parameter> params = WrapperFixture.parameters(11);
        Lookahead opt = Lookahead.wrap(new Sgd(params, Sgd.defaults()), 2, 0.5);
        opt.inner().setNonFinitePolicy(NonFinitePolicy.SKIP);
        params.get(0).grad().setFlat(3, Float.POSITIVE_INFINITY);
        opt.step();
        assertEquals(0, opt.steps());
        assertNull(opt.slowWeights("w"));
    }

    @Test
    void rangerIsRAdamInsideLookaheadWithKSixAndAlphaHalf() {
        Lookahead ranger = Ranger.create(WrapperFixture.parameters(12));
        assertEquals("RAdam", ranger.inner().torchName());
        assertEquals(6, ranger.k());
        assertEquals(0.5, ranger.alpha());
        assertEquals(1e-3, ranger.paramGroups().get(0).lr());
        assertEquals("Lookahead(k=6, alpha=0.5)", ranger.checkpointName());
    }

    /** Saves after a step that did not synchronise, resumes, and continues across syncs, bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 7})
    void checkpointResumesBitForBitMidCycle(int stepsBeforeSave, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("ranger.safetensors");
        List<Parameter> params = WrapperFixture.parameters(13);
        Lookahead original = Ranger.create(params, RAdam.defaults().with("lr", 0.01));
        SplittableRandom random = new SplittableRandom(14);
        for (int s = 0; s < stepsBeforeSave; s++) {
            WrapperFixture.fillGradients(params, random);
            original.step();
        }
        Checkpoints.save(original.inner(), file, original);

        List<Parameter> copy = WrapperFixture.parameters(99);
        for (int i = 0; i < params.size(); i++) {
            copy.get(i).value().copyFrom(params.get(i).value());
        }
        Lookahead resumed = Ranger.create(copy, RAdam.defaults().with("lr", 0.01));
        Checkpoints.load(resumed.inner(), file, resumed);
        assertEquals(original.steps(), resumed.steps());
        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(resumed.inner(), again, resumed);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));

        for (int s = 0; s < 9; s++) {
            SplittableRandom shared = new SplittableRandom(100 + s);
            WrapperFixture.fillGradients(params, shared);
            shared = new SplittableRandom(100 + s);
            WrapperFixture.fillGradients(copy, shared);
            original.step();
            resumed.step();
            assertArrayEquals(WrapperFixture.values(params), WrapperFixture.values(copy), "step " + s + " after resuming");
            assertArrayEquals(original.slowWeights("b"), resumed.slowWeights("b"));
        }
    }

    @Test
    void aCheckpointWithSlowWeightsRefusesAWrapperOfAnotherK(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("la.safetensors");
        List<Parameter> params = WrapperFixture.parameters(15);
        Lookahead original = Lookahead.wrap(new Adam(params, Adam.defaults()), 5, 0.5);
        WrapperFixture.fillGradients(params, new SplittableRandom(16));
        original.step();
        Checkpoints.save(original.inner(), file, original);
        Lookahead other = Lookahead.wrap(new Adam(WrapperFixture.parameters(15), Adam.defaults()), 6, 0.5);
        assertThrows(vecopt.engine.checkpoint.CheckpointException.class,
                () -> Checkpoints.load(other.inner(), file, other));
        assertEquals(0, other.steps());
        assertNull(other.inner().state("w"));
        // without the wrapper the scheduler count differs: refused as well
        assertThrows(vecopt.engine.checkpoint.CheckpointException.class,
                () -> Checkpoints.load(other.inner(), file));
    }
}
