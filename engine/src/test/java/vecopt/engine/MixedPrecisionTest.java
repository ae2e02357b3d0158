package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision Adam and AdamW through {@link Optimizer#step()}: bfloat16 weights, a float32 master
 * copy kept as state, bfloat16 or float32 gradients, a loss scale, rounding to nearest or stochastic.
 */
class MixedPrecisionTest {

    /** bfloat16 bits of {@code n} values drawn from {@code seed}, scaled by {@code scale}. */
    private static short[] bf16(long seed, int n, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] bits = new short[n];
        for (int i = 0; i < n; i++) {
            bits[i] = BFloat16.fromFloat((float) (random.nextGaussian() * scale));
        }
        return bits;
    }

    private static SegmentTensor tensor(short[] bits, long... shape) {
        return SegmentTensor.wrap(MemorySegment.ofArray(bits), DType.BFLOAT16, shape);
    }

    private static float[] widened(short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = BFloat16.toFloat(bits[i]);
        }
        return x;
    }

    /**
     * Mixed-precision Adam from the equations, in float64: the master starts as the bfloat16 weights;
     * each step reads the gradient divided by the loss scale, updates m, v and the master, and the weight
     * is the master rounded to bfloat16. Returns the master after {@code steps} steps.
     */
    private static double[] referenceMaster(float[] weights, float[][] grads, double lossScale, double lr, double beta1,
                                            double beta2, double eps, double weightDecay, boolean decoupled) {
        int n = weights.length;
        double[] master = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            master[i] = weights[i];
        }
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < n; i++) {
                double g = grads[t - 1][i] / lossScale;
                if (decoupled) {
                    master[i] *= 1 - lr * weightDecay;
                } else {
                    g += weightDecay * master[i];
                }
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.pow(beta1, t));
                double vHat = v[i] / (1 - Math.pow(beta2, t));
                master[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return master;
    }

    /** The gap between {@code x}'s bfloat16 neighbours around it. */
    private static double bf16Ulp(double x) {
        return Math.ulp((float) x) * 65536.0;
    }

    private static void assertMatchesReference(String what, short[] weights, float[] master, double[] reference) {
        for (int i = 0; i < reference.length; i++) {
            double scale = Math.max(Math.abs(reference[i]), 1e-3);
            assertEquals(reference[i], master[i], 2e-5 * scale, what + " master " + i);
            // the weight is a nearest bfloat16 of the reference master (ties and near-ties either way)
            double w = BFloat16.toFloat(weights[i]);
            assertTrue(Math.abs(w - reference[i]) <= 0.5 * bf16Ulp(reference[i]) + 2e-5 * scale,
                    what + " weight " + i + ": " + w + " for a master of " + reference[i]);
        }
    }

    @Test
    void adamAndAdamWMatchAFloat64ReferenceOfMixedPrecisionAdam() {
        int n = 1000;
        int steps = 6;
        for (String rule : List.of("Adam", "AdamW")) {
            for (boolean bf16Grad : new boolean[] {true, false}) {
                double lossScale = bf16Grad ? 1024 : 1;
                short[] w = bf16(1, n, 1);
                float[] start = widened(w);
                short[] gBits = new short[n];
                FloatTensor gFloat = FloatTensor.zeros(n);
                Parameter p = bf16Grad ? Parameter.mixed("w", tensor(w, n), tensor(gBits, n))
                        : Parameter.mixed("w", tensor(w, n), gFloat);
                Optimizer o = rule.equals("Adam")
                        ? new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1e-2).with(Adam.WEIGHT_DECAY, 0.1))
                        : new AdamW(List.of(p), AdamW.defaults().with(AdamW.LR, 1e-2).with(AdamW.WEIGHT_DECAY, 0.1));
                o.setLossScale(lossScale);
                float[][] grads = new float[steps][];
                for (int t = 0; t < steps; t++) {
                    short[] g = bf16(100 + t, n, lossScale);
                    grads[t] = widened(g);
                    System.arraycopy(g, 0, gBits, 0, n);
                    System.arraycopy(grads[t], 0, gFloat.array(), 0, n);
                    o.step();
                }
                double[] reference = referenceMaster(start, grads, lossScale, 1e-2, 0.9, 0.999, 1e-8, 0.1,
                        rule.equals("AdamW"));
                assertMatchesReference(rule + (bf16Grad ? " bf16 grads" : " fp32 grads"), w,
                        o.state("w").buffer(Optimizer.MASTER), reference);
                assertEquals(steps, o.state("w").step());
            }
        }
    }

    @Test
    void theMasterStartsAsTheBf16WeightsExactly() {
        short[] w = bf16(2, 300, 1);
        short[] before = w.clone();
        Parameter p = Parameter.mixed("w", tensor(w, 300), tensor(bf16(3, 300, 1), 300));
        Adam adam = new Adam(List.of(p), Adam.defaults().with(Adam.LR, 0));
        adam.step();
        assertArrayEquals(widened(before), adam.state("w").buffer(Optimizer.MASTER));
        assertArrayEquals(before, w); // lr 0: rounding the unchanged master gives the weights back
    }

    @Test
    void aLossScaledBf16GradientGivesTheBitsOfTheUnscaledFloat32GradientUnderEachClipping() {
        int n = 5000;
        short[] g = bf16(4, n, 512);
        float[] unscaled = widened(g);
        for (int i = 0; i < n; i++) {
            unscaled[i] /= 512; // exact: a power of two
        }
        for (GradientClipping clipping : List.of(GradientClipping.none(), GradientClipping.byNorm(1.0),
                GradientClipping.byNormPerParameter(1.0), GradientClipping.byValue(0.05))) {
            short[] start = bf16(5, n, 1);
            short[][] w = {start.clone(), start.clone(), start.clone()};
            Adam[] o = {
                new Adam(List.of(Parameter.mixed("w", tensor(w[0], n), tensor(g, n))), Adam.defaults().with(Adam.LR, 1e-2)),
                new Adam(List.of(Parameter.mixed("w", tensor(w[1], n), FloatTensor.of(widened(g)))),
                        Adam.defaults().with(Adam.LR, 1e-2)),
                new Adam(List.of(Parameter.mixed("w", tensor(w[2], n), FloatTensor.of(unscaled.clone()))),
                        Adam.defaults().with(Adam.LR, 1e-2)),
            };
            o[0].setLossScale(512);
            o[1].setLossScale(512);
            for (Adam adam : o) {
                adam.setGradientClipping(clipping);
                adam.setNonFinitePolicy(NonFinitePolicy.SKIP); // a norm pass even without clipping by norm
            }
            for (int t = 0; t < 3; t++) {
                for (Adam adam : o) {
                    adam.step();
                }
                assertEquals(o[2].lastGradientNorm(), o[0].lastGradientNorm(), clipping + " norm");
                assertEquals(o[2].lastGradientNorm(), o[1].lastGradientNorm(), clipping + " norm");
            }
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(w[2], w[k], clipping + " weights " + k);
                assertArrayEquals(o[2].state("w").buffer(Optimizer.MASTER), o[k].state("w").buffer(Optimizer.MASTER),
                        clipping + " master " + k);
            }
            if (!(clipping instanceof GradientClipping.ByValue)) {
                double sum = 0;
                for (float x : unscaled) {
                    sum += (double) x * x;
                }
                // the kernel sums squares in float lanes; the norm (about 70) is the unscaled gradient's
                assertEquals(Math.sqrt(sum), o[0].lastGradientNorm(), 1e-6 * Math.sqrt(sum), clipping.toString());
            }
        }
    }

    @Test
    void aNonFiniteBf16GradientSkipsTheStepAndModifiesNothing() {
        int n = 200;
        short[] w = bf16(6, n, 1);
        short[] g = bf16(7, n, 1);
        Parameter p = Parameter.mixed("w", tensor(w, n), tensor(g, n));
        Adam adam = new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1e-2));
        adam.setNonFinitePolicy(NonFinitePolicy.SKIP);
        adam.step();
        short[] weights = w.clone();
        float[] master = adam.state("w").buffer(Optimizer.MASTER).clone();
        float[] m = adam.state("w").buffer("exp_avg").clone();
        g[57] = BFloat16.fromFloat(Float.POSITIVE_INFINITY); // an overflowed loss-scaled backward pass
        adam.step();
        assertEquals(1, adam.skippedSteps());
        assertEquals(1, adam.state("w").step());
        assertArrayEquals(weights, w);
        assertArrayEquals(master, adam.state("w").buffer(Optimizer.MASTER));
        assertArrayEquals(m, adam.state("w").buffer("exp_avg"));

        adam.setNonFinitePolicy(NonFinitePolicy.ERROR);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, adam::step);
        assertEquals("parameter w has a non-finite gradient at index 57: Infinity", e.getMessage());
        assertArrayEquals(weights, w);
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBitsRoundingToNearestAndStochastically() {
        int n = 3 * ChunkedExecutor.DEFAULT_MIN_PARALLEL_LENGTH + 37;
        for (WeightRounding rounding : List.of(WeightRounding.nearestEven(), WeightRounding.stochastic(11))) {
            short[][] weights = new short[3][];
            float[][] masters = new float[3][];
            int[][] split = {{1, n}, {2, 64}, {3, 64}}; // threads, minimum parallel length: other chunkings
            for (int k = 0; k < split.length; k++) {
                short[] w = bf16(8, n, 1);
                short[] g = new short[n];
                Parameter p = Parameter.mixed("w", tensor(w, n), tensor(g, n));
                Adam adam = new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1e-3));
                adam.setWeightRounding(rounding);
                try (ChunkedExecutor executor = ChunkedExecutor.withThreads(split[k][0], split[k][1])) {
                    adam.setExecutor(executor);
                    for (int t = 0; t < 3; t++) {
                        System.arraycopy(bf16(20 + t, n, 1), 0, g, 0, n);
                        adam.step();
                    }
                }
                weights[k] = w;
                masters[k] = adam.state("w").buffer(Optimizer.MASTER);
            }
            for (int k = 1; k < split.length; k++) {
                assertArrayEquals(weights[0], weights[k], rounding + " weights, split " + Arrays.toString(split[k]));
                assertArrayEquals(masters[0], masters[k], rounding + " master, split " + Arrays.toString(split[k]));
            }
        }
    }

    @Test
    void stochasticRoundingPicksANeighbourOfTheMasterAndIsUnbiased() {
        int n = 1 << 16;
        short[] w = new short[n];
        Arrays.fill(w, BFloat16.fromFloat(1f));
        short[] g = new short[n];
        Arrays.fill(g, BFloat16.fromFloat(1f));
        Parameter p = Parameter.mixed("w", tensor(w, n), tensor(g, n));
        // one step moves every master by -lr (Adam's first step is lr * sign(g)): 1 - 2^-10, a quarter
        // of the way from 1 down to its lower bfloat16 neighbour 1 - 2^-8
        Adam adam = new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1.0 / 1024).with(Adam.EPS, 0));
        adam.setWeightRounding(WeightRounding.stochastic(5));
        adam.step();
        float master = adam.state("w").buffer(Optimizer.MASTER)[0];
        assertEquals(1 - 1.0 / 1024, master, 1e-7);
        int down = 0;
        for (short bits : w) {
            float x = BFloat16.toFloat(bits);
            assertTrue(x == 1f || x == 1f - 1f / 256, "not a neighbour: " + x);
            down += x < 1f ? 1 : 0;
        }
        // rounds down with probability 1/4: 16384 expected, a standard deviation of 111
        assertEquals(n / 4.0, down, 600);

        short[] nearest = new short[n];
        Arrays.fill(nearest, BFloat16.fromFloat(1f));
        Adam plain = new Adam(List.of(Parameter.mixed("w", tensor(nearest, n), tensor(g, n))),
                Adam.defaults().with(Adam.LR, 1.0 / 1024).with(Adam.EPS, 0));
        plain.step();
        for (short bits : nearest) {
            assertEquals(1f, BFloat16.toFloat(bits)); // to nearest, the step is lost in the weights
        }
    }

    @Test
    void aResumedRunContinuesBitForBitWithTheMasterSavedAsF32(@TempDir Path dir) throws IOException {
        int n = 700;
        short[] g = new short[n];
        short[] w1 = bf16(9, n, 1);
        Parameter p1 = Parameter.mixed("w", tensor(w1, n), tensor(g, n));
        AdamW uninterrupted = new AdamW(List.of(p1), AdamW.defaults().with(AdamW.LR, 1e-2));
        uninterrupted.setWeightRounding(WeightRounding.stochastic(3));
        Path file = dir.resolve("state.safetensors");
        short[] w2 = null;
        for (int t = 0; t < 6; t++) {
            if (t == 3) {
                Checkpoints.save(uninterrupted, file);
                w2 = w1.clone(); // the model's own checkpoint of its weights
            }
            System.arraycopy(bf16(30 + t, n, 1), 0, g, 0, n);
            uninterrupted.step();
        }
        String header = safetensorsHeader(file);
        assertTrue(header.contains("\"w/master\":{\"dtype\":\"F32\""), header);

        short[] g2 = new short[n];
        AdamW resumed = new AdamW(List.of(Parameter.mixed("w", tensor(w2, n), tensor(g2, n))),
                AdamW.defaults().with(AdamW.LR, 1e-2));
        resumed.setWeightRounding(WeightRounding.stochastic(3));
        Checkpoints.load(resumed, file);
        assertEquals(3, resumed.state("w").step());
        for (int t = 3; t < 6; t++) {
            System.arraycopy(bf16(30 + t, n, 1), 0, g2, 0, n);
            resumed.step();
        }
        assertArrayEquals(w1, w2);
        assertArrayEquals(uninterrupted.state("w").buffer(Optimizer.MASTER), resumed.state("w").buffer(Optimizer.MASTER));
        assertArrayEquals(uninterrupted.state("w").buffer("exp_avg_sq"), resumed.state("w").buffer("exp_avg_sq"));

        // a state dict holds the master too, and a float32 parameter of the same name refuses it
        assertTrue(resumed.stateDict().groups().get(0).parameters().get(0).state().bufferNames().contains("master"));
        Adam float32 = new Adam(List.of(Parameter.of("w", FloatTensor.zeros(n))), Adam.defaults());
        AdamW float32W = new AdamW(List.of(Parameter.of("w", FloatTensor.zeros(n))), AdamW.defaults());
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadStateDict(float32W, resumed.stateDict()));
        assertNull(float32W.state("w"));
        assertNull(float32.state("w"));
    }

    private static String safetensorsHeader(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) length, StandardCharsets.UTF_8);
    }

    @Test
    void zeroGradZeroesBf16Gradients() {
        short[] g = bf16(10, 50, 1);
        Adam adam = new Adam(List.of(Parameter.mixed("w", tensor(bf16(11, 50, 1), 50), tensor(g, 50))), Adam.defaults());
        adam.zeroGrad();
        for (short bits : g) {
            assertEquals(0, bits);
        }
    }

    // ---- rejected inputs: an exception naming the argument and its value, nothing modified ----

    @Test
    void rejectsMissingWrongTypedOrMismatchedTensors() {
        short[] w = new short[8];
        SegmentTensor weights = tensor(w, 8);
        assertEquals("weights must not be null",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", null, tensor(new short[8], 8)))
                        .getMessage());
        assertEquals("parameter w: grad must not be null",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", weights, (SegmentTensor) null))
                        .getMessage());
        SegmentTensor f32 = SegmentTensor.of(FloatTensor.zeros(8));
        assertEquals("weights must be BFLOAT16, got FLOAT32",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", f32, tensor(new short[8], 8)))
                        .getMessage());
        SegmentTensor f16 = SegmentTensor.wrap(MemorySegment.ofArray(new short[8]), DType.FLOAT16, 8);
        assertEquals("grad must be BFLOAT16, got FLOAT16 (float16 parameters have no kernel yet)",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", weights, f16)).getMessage());
        assertEquals("grad has shape [2, 4], weights have [8]",
                assertThrows(IllegalArgumentException.class,
                        () -> Parameter.mixed("w", weights, tensor(new short[8], 2, 4))).getMessage());
        assertEquals("parameter w: grad has 7 elements, weights have 8",
                assertThrows(IllegalArgumentException.class,
                        () -> Parameter.mixed("w", weights, FloatTensor.zeros(7))).getMessage());
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor nativeWeights = SegmentTensor.allocate(arena, DType.BFLOAT16, 8);
            String message = assertThrows(IllegalArgumentException.class,
                    () -> Parameter.mixed("w", nativeWeights, tensor(new short[8], 8))).getMessage();
            assertTrue(message.startsWith("weights must be a view of a heap short[] (MemorySegment.ofArray), got "), message);
        }
        assertEquals("parameter w: a mixed-precision parameter has no float32 value (its weights are lowPrecision's), got "
                        + FloatTensor.zeros(8),
                assertThrows(IllegalArgumentException.class, () -> new Parameter("w", FloatTensor.zeros(8), null,
                        new Parameter.LowPrecision(weights, tensor(new short[8], 8)))).getMessage());
        assertTrue(Arrays.equals(new short[8], w));
    }

    @Test
    void rejectsWeightsAndGradientsSharingAnArray() {
        short[] shared = new short[16];
        Parameter p = Parameter.mixed("w", tensor(shared, 16), tensor(shared, 16));
        String message = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(p), Adam.defaults()))
                .getMessage();
        assertTrue(message.contains("the weights of w") && message.contains("share memory"), message);
    }

    @Test
    void aMixedParameterHasNoFloat32ValueToHandOut() {
        Parameter p = Parameter.mixed("w", tensor(new short[4], 4), tensor(new short[4], 4));
        assertEquals("parameter w has bfloat16 weights and no float32 value; only optimizers with a mixed-precision"
                + " kernel (Adam, AdamW) step it", assertThrows(IllegalStateException.class, p::value).getMessage());
        assertEquals("parameter w has a bfloat16 gradient and no float32 one",
                assertThrows(IllegalStateException.class, p::grad).getMessage());
        assertArrayEquals(new int[] {4}, p.shape());
    }

    @Test
    void rulesWithoutAMixedKernelRefuseAMixedParameterWhenItIsAdded() {
        Parameter p = Parameter.mixed("w", tensor(new short[4], 4), tensor(new short[4], 4));
        assertEquals("parameter w has bfloat16 weights, but SGD has no mixed-precision kernel; Adam and AdamW have one",
                assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(p), Sgd.defaults().with(Sgd.LR, 0.1)))
                        .getMessage());
        Sgd sgd = new Sgd(List.of(Parameter.of("v", FloatTensor.zeros(4))), Sgd.defaults().with(Sgd.LR, 0.1));
        assertThrows(IllegalArgumentException.class, () -> sgd.addParamGroup(List.of(p)));
        assertEquals(1, sgd.paramGroups().size());
        assertEquals("SGD does not take a loss scale (only rules with a mixed-precision kernel do: Adam, AdamW), got"
                + " lossScale 2.0", assertThrows(IllegalArgumentException.class, () -> sgd.setLossScale(2)).getMessage());
    }

    @Test
    void amsgradAndCompressedMomentsAreRefusedAtTheFirstStepAndNothingIsModified() {
        short[] w = bf16(12, 64, 1);
        short[] before = w.clone();
        Parameter p = Parameter.mixed("w", tensor(w, 64), tensor(bf16(13, 64, 1), 64));
        Adam amsgrad = new Adam(List.of(p), Adam.defaults().with(Adam.AMSGRAD, true));
        assertEquals("amsgrad is not supported for parameter w with bfloat16 weights; the mixed-precision kernel keeps"
                + " no running maximum", assertThrows(IllegalArgumentException.class, amsgrad::step).getMessage());
        assertNull(amsgrad.state("w"));
        Adam bf16State = new Adam(List.of(p), Adam.defaults());
        bf16State.setStateFormat(StateFormat.bfloat16());
        assertEquals("parameter w has bfloat16 weights; the mixed-precision kernel keeps float32 moments, so the state"
                + " format must be float32, got bfloat16", assertThrows(IllegalArgumentException.class, bf16State::step)
                .getMessage());
        assertNull(bf16State.state("w"));
        assertArrayEquals(before, w);
    }

    @Test
    void rejectsBadLossScalesRoundingAndNoiseOnBf16Gradients() {
        short[] w = bf16(14, 16, 1);
        short[] before = w.clone();
        Adam adam = new Adam(List.of(Parameter.mixed("w", tensor(w, 16), tensor(bf16(15, 16, 1), 16))), Adam.defaults());
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertEquals("lossScale must be finite and > 0, got " + bad,
                    assertThrows(IllegalArgumentException.class, () -> adam.setLossScale(bad)).getMessage());
        }
        assertEquals(1, adam.lossScale());
        assertThrows(IllegalArgumentException.class, () -> adam.setWeightRounding(null));
        assertEquals(WeightRounding.nearestEven(), adam.weightRounding());
        adam.setGradientNoise(GradientNoise.of(0.01, 1));
        assertEquals("gradient noise needs float32 gradients; parameter w has a bfloat16 one",
                assertThrows(IllegalStateException.class, adam::step).getMessage());
        assertNull(adam.state("w"));
        assertArrayEquals(before, w);
    }

    @Test
    void mixedAndFloat32ParametersStepTogetherAndTheLossScaleAppliesToBoth() {
        int n = 100;
        FloatTensor value = FloatTensor.randomNormal(16, n);
        Parameter f = Parameter.of("f", value.copy());
        Parameter reference = Parameter.of("f", value.copy());
        short[] w = bf16(17, n, 1);
        Adam mixed = new Adam(List.of(f, Parameter.mixed("w", tensor(w, n), tensor(bf16(18, n, 8), n))),
                Adam.defaults().with(Adam.LR, 1e-2));
        mixed.setLossScale(8);
        Adam plain = new Adam(List.of(reference), Adam.defaults().with(Adam.LR, 1e-2));
        for (int i = 0; i < n; i++) {
            f.grad().setFlat(i, 8 * (i - 50f));
            reference.grad().setFlat(i, i - 50f);
        }
        mixed.step();
        plain.step();
        assertArrayEquals(reference.value().toArray(), f.value().toArray());
        assertNotEquals(0, mixed.state("w").step());
    }
}
