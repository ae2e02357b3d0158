package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

class GradientAccumulationTest {

    private static final int N = WrapperFixture.N;

    private static byte[] innerCheckpoint(Optimizer inner, Path file) throws Exception {
        Checkpoints.save(inner, file);
        return Files.readAllBytes(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SGD", "Adam", "RAdam", "Adagrad", "RMSprop"})
    void kMicroBatchesEqualOneStepOnTheFloat64MeanGradient(String rule) {
        Map<String, Object> kwargs = rule.equals("SGD") ? Map.of("lr", 0.05, "momentum", 0.9) : Map.of("lr", 0.01);
        int k = 3;
        SplittableRandom random = new SplittableRandom(rule.hashCode());
        float[] model = new float[N + 7];
        float[] grads = new float[N + 9];
        double[] params = new double[N];
        for (int i = 0; i < N; i++) {
            model[3 + i] = (float) random.nextGaussian();
            params[i] = model[3 + i];
        }
        Parameter p = new Parameter("w", FloatTensor.view(model, 3, N), FloatTensor.view(grads, 5, N));
        GradientAccumulation opt = GradientAccumulation.wrap(Optimizers.fromTorch(rule, List.of(p), kwargs), k);
        TextbookOptimizer reference = TextbookOptimizers.create(rule, kwargs);
        double[] sum = new double[N];
        for (int call = 1; call <= 5 * k; call++) {
            for (int i = 0; i < N; i++) {
                float gi = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-2, 3)));
                grads[5 + i] = gi;
                sum[i] += gi;
            }
            opt.step();
            if (call % k == 0) {
                double[] mean = new double[N];
                for (int i = 0; i < N; i++) {
                    mean[i] = sum[i] / k;
                }
                reference.step(params, mean);
                java.util.Arrays.fill(sum, 0);
            }
            for (int i = 0; i < N; i++) {
                assertEquals(params[i], model[3 + i], 1e-4 * Math.abs(params[i]) + 1e-5, rule + " call " + call + " [" + i + "]");
            }
        }
        assertEquals(0f, model[0]);
        assertEquals(0f, model[N + 6]);
        assertEquals(0f, grads[0]);
        assertEquals(0f, grads[N + 8]);
        assertEquals(0, opt.miniStep());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7})
    void kMicroBatchesAreBitForBitThePlainInnerStepOnTheSameFloat32Mean(int k) {
        List<Parameter> wrapped = WrapperFixture.parameters(1);
        List<Parameter> alone = WrapperFixture.parameters(1);
        GradientAccumulation opt = GradientAccumulation.wrap(new Adam(wrapped, Adam.defaults().with("lr", 0.01)), k);
        Optimizer plain = new Adam(alone, Adam.defaults().with("lr", 0.01));
        SplittableRandom random = new SplittableRandom(2);
        float[][] sums = {new float[N], new float[19]};
        for (int call = 1; call <= 4 * k; call++) {
            WrapperFixture.fillGradients(wrapped, random);
            for (int j = 0; j < 2; j++) {
                Parameter p = wrapped.get(j);
                for (int i = 0; i < p.size(); i++) {
                    float g = p.grad().getFlat(i);
                    if (call % k == 0) {
                        alone.get(j).grad().setFlat(i, (sums[j][i] + g) / k);
                        sums[j][i] = 0f;
                    } else {
                        sums[j][i] = sums[j][i] + g;
                    }
                }
            }
            opt.step();
            if (call % k == 0) {
                plain.step();
                for (int j = 0; j < 2; j++) {
                    assertArrayEquals(alone.get(j).grad().toArray(), wrapped.get(j).grad().toArray(), "the mean");
                }
            }
            assertArrayEquals(WrapperFixture.values(alone), WrapperFixture.values(wrapped), "call " + call);
        }
        assertEquals(4, opt.inner().state("w").step());
    }

    @Test
    void kOneIsExactlyTheInnerOptimizer() {
        List<Parameter> wrapped = WrapperFixture.parameters(3);
        List<Parameter> alone = WrapperFixture.parameters(3);
        GradientAccumulation opt = GradientAccumulation.wrap(new Lion(wrapped, Lion.defaults().with("lr", 0.01)), 1);
        Optimizer plain = new Lion(alone, Lion.defaults().with("lr", 0.01));
        SplittableRandom r1 = new SplittableRandom(4);
        SplittableRandom r2 = new SplittableRandom(4);
        for (int step = 1; step <= 6; step++) {
            WrapperFixture.fillGradients(wrapped, r1);
            WrapperFixture.fillGradients(alone, r2);
            wrapped.get(0).grad().setFlat(0, -0f); // the sign of a zero gradient reaches the rule as it is
            alone.get(0).grad().setFlat(0, -0f);
            opt.step();
            plain.step();
            assertArrayEquals(WrapperFixture.values(alone), WrapperFixture.values(wrapped), "step " + step);
            assertArrayEquals(alone.get(0).grad().toArray(), wrapped.get(0).grad().toArray());
        }
        assertNull(opt.accumulator("w"));
        assertEquals(Map.of(), opt.checkpointBuffers());
    }

    @Test
    void callsThatAreNotTheKthChangeNoParameterAndNoInnerState(@TempDir Path dir) throws Exception {
        List<Parameter> params = WrapperFixture.parameters(5);
        GradientAccumulation opt = GradientAccumulation.wrap(new Adam(params, Adam.defaults().with("lr", 0.1)), 4);
        SplittableRandom random = new SplittableRandom(6);
        for (int update = 0; update < 2; update++) {
            float[] before = WrapperFixture.values(params);
            byte[] state = innerCheckpoint(opt.inner(), dir.resolve("a"));
            for (int call = 1; call < 4; call++) {
                WrapperFixture.fillGradients(params, random);
                float[] grads = params.get(1).grad().toArray();
                opt.step();
                assertEquals(call, opt.miniStep());
                assertArrayEquals(before, WrapperFixture.values(params), "call " + call);
                assertArrayEquals(grads, params.get(1).grad().toArray(), "the gradients are only read");
                assertArrayEquals(state, innerCheckpoint(opt.inner(), dir.resolve("b")), "inner state, call " + call);
            }
            WrapperFixture.fillGradients(params, random);
            opt.step();
            assertEquals(0, opt.miniStep());
            assertEquals(update + 1, opt.inner().state("w").step());
            assertArrayEquals(new float[19], opt.accumulator("b"));
        }
    }

    @Test
    void accumulationAroundLookaheadStepsLookaheadOnceInKCalls() {
        List<Parameter> wrapped = WrapperFixture.parameters(7);
        List<Parameter> alone = WrapperFixture.parameters(7);
        GradientAccumulation opt = GradientAccumulation.wrap(
                Lookahead.wrap(new Sgd(wrapped, Sgd.defaults().with("lr", 0.1).with("momentum", 0.9)), 2, 0.5), 3);
        Lookahead plain = Lookahead.wrap(new Sgd(alone, Sgd.defaults().with("lr", 0.1).with("momentum", 0.9)), 2, 0.5);
        SplittableRandom random = new SplittableRandom(8);
        float[][] sums = {new float[N], new float[19]};
        for (int call = 1; call <= 12; call++) {
            WrapperFixture.fillGradients(wrapped, random);
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < wrapped.get(j).size(); i++) {
                    float g = wrapped.get(j).grad().getFlat(i);
                    if (call % 3 == 0) {
                        alone.get(j).grad().setFlat(i, (sums[j][i] + g) / 3);
                        sums[j][i] = 0f;
                    } else {
                        sums[j][i] = sums[j][i] + g;
                    }
                }
            }
            opt.step();
            if (call % 3 == 0) {
                plain.step();
            }
            assertArrayEquals(WrapperFixture.values(alone), WrapperFixture.values(wrapped), "call " + call);
        }
        assertEquals(4, opt.lookahead().steps());
        assertEquals("GradientAccumulation(k=3) over Lookahead(k=2, alpha=0.5) over SGD", opt.toString());
    }

    @Test
    void theInnerOptimizerClipsTheMeanGradient() {
        List<Parameter> params = WrapperFixture.parameters(9);
        Optimizer inner = new Sgd(params, Sgd.defaults().with("lr", 0.1));
        inner.setGradientClipping(GradientClipping.byNorm(1e9));
        GradientAccumulation opt = GradientAccumulation.wrap(inner, 2);
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                p.grad().setFlat(i, 3f);
            }
        }
        opt.step();
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                p.grad().setFlat(i, 1f);
            }
        }
        opt.step();
        assertEquals(2 * Math.sqrt(N + 19), inner.lastGradientNorm(), 1e-9);
    }

    @Test
    void aNonFiniteMicroBatchReachesTheInnerStepOnTheKthCallAndEndsTheWindow() {
        List<Parameter> params = WrapperFixture.parameters(10);
        float[] before = WrapperFixture.values(params);
        GradientAccumulation opt = GradientAccumulation.wrap(new Sgd(params, Sgd.defaults()), 3);
        SplittableRandom random = new SplittableRandom(11);
        WrapperFixture.fillGradients(params, random);
        params.get(0).grad().setFlat(3, Float.NaN);
        opt.step(); // accumulated without a check
        WrapperFixture.fillGradients(params, random);
        opt.step();
        assertArrayEquals(before, WrapperFixture.values(params));
        WrapperFixture.fillGradients(params, random);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, opt::step);
        assertEquals("parameter w has a non-finite gradient at index 3: NaN", e.getMessage());
        assertArrayEquals(before, WrapperFixture.values(params));
        assertEquals(0, opt.miniStep());
        assertArrayEquals(new float[N], opt.accumulator("w"));

        opt.inner().setNonFinitePolicy(NonFinitePolicy.SKIP);
        for (int call = 0; call < 3; call++) {
            WrapperFixture.fillGradients(params, random);
            params.get(1).grad().setFlat(0, Float.POSITIVE_INFINITY);
            opt.step();
        }
        assertEquals(1, opt.inner().skippedSteps());
        assertArrayEquals(before, WrapperFixture.values(params));
        assertEquals(0, opt.miniStep());
    }

    @Test
    void aRejectedArgumentNamesItAndChangesNothing() {
        List<Parameter> params = WrapperFixture.parameters(12);
        Optimizer inner = new Sgd(params, Sgd.defaults());
        assertEquals("k must be in [1, 16777216], got 0",
                assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap(inner, 0)).getMessage());
        assertEquals("k must be in [1, 16777216], got -3",
                assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap(inner, -3)).getMessage());
        assertEquals("k must be in [1, 16777216], got 16777217",
                assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap(inner, (1 << 24) + 1))
                        .getMessage());
        assertEquals("inner must not be null",
                assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap((Optimizer) null, 2))
                        .getMessage());
        assertEquals("lookahead must not be null",
                assertThrows(IllegalArgumentException.class, () -> GradientAccumulation.wrap((Lookahead) null, 2))
                        .getMessage());
        GradientAccumulation opt = GradientAccumulation.wrap(inner, 2);
        assertEquals("closure must not be null; call step() to use the gradients as they are",
                assertThrows(IllegalArgumentException.class, () -> opt.step((Optimizer.LossClosure) null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.prepareRestore(Map.of("miniStep", 2L)));
        assertThrows(IllegalArgumentException.class, () -> opt.prepareRestore(Map.of("miniStep", 1L)));
        assertThrows(IllegalArgumentException.class, () -> opt.prepareRestore(Map.of("step", 0L)));
        assertNull(inner.state("w"));
        assertNull(opt.accumulator("w"));
        assertEquals(0, opt.miniStep());
    }

    @Test
    void zeroGradAndParamGroupsReachTheInnerOptimizer() {
        List<Parameter> params = WrapperFixture.parameters(13);
        GradientAccumulation opt = GradientAccumulation.wrap(new Sgd(params, Sgd.defaults()), 2);
        WrapperFixture.fillGradients(params, new SplittableRandom(14));
        opt.zeroGrad();
        assertArrayEquals(new float[19], params.get(1).grad().toArray());
        assertEquals(opt.inner().paramGroups(), opt.paramGroups());
    }

    /** Saves in the middle of a window, resumes, and continues across updates, bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 5})
    void checkpointResumesBitForBitMidAccumulation(int callsBeforeSave, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("acc.safetensors");
        List<Parameter> params = WrapperFixture.parameters(15);
        GradientAccumulation original = GradientAccumulation.wrap(new AdamW(params, AdamW.defaults().with("lr", 0.01)), 3);
        SplittableRandom random = new SplittableRandom(16);
        for (int s = 0; s < callsBeforeSave; s++) {
            WrapperFixture.fillGradients(params, random);
            original.step();
        }
        Checkpoints.save(original.inner(), file, original);

        List<Parameter> copy = WrapperFixture.parameters(99);
        for (int i = 0; i < params.size(); i++) {
            copy.get(i).value().copyFrom(params.get(i).value());
        }
        GradientAccumulation resumed = GradientAccumulation.wrap(new AdamW(copy, AdamW.defaults().with("lr", 0.01)), 3);
        Checkpoints.load(resumed.inner(), file, resumed);
        assertEquals(original.miniStep(), resumed.miniStep());
        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(resumed.inner(), again, resumed);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));

        for (int s = 0; s < 8; s++) {
            WrapperFixture.fillGradients(params, new SplittableRandom(100 + s));
            WrapperFixture.fillGradients(copy, new SplittableRandom(100 + s));
            original.step();
            resumed.step();
            assertArrayEquals(WrapperFixture.values(params), WrapperFixture.values(copy), "call " + s + " after resuming");
            assertArrayEquals(original.accumulator("b"), resumed.accumulator("b"));
        }
    }

    @Test
    void aCheckpointMidWindowRefusesAWrapperOfAnotherK(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acc.safetensors");
        List<Parameter> params = WrapperFixture.parameters(17);
        GradientAccumulation original = GradientAccumulation.wrap(new Adam(params, Adam.defaults()), 4);
        WrapperFixture.fillGradients(params, new SplittableRandom(18));
        original.step();
        Checkpoints.save(original.inner(), file, original);
        GradientAccumulation other = GradientAccumulation.wrap(new Adam(WrapperFixture.parameters(17), Adam.defaults()), 2);
        assertThrows(vecopt.engine.checkpoint.CheckpointException.class,
                () -> Checkpoints.load(other.inner(), file, other));
        assertEquals(0, other.miniStep());
        assertNull(other.accumulator("w"));
    }
}
