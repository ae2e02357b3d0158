package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import vecopt.tensor.Float16;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision parameters through {@link Optimizer#step()}: bfloat16 or float16 weights, a float32
 * master copy kept as state and stepped by the rule's own kernels, gradients of the weights' type or
 * float32, a loss scale, rounding to nearest or stochastic. {@link MixedPrecisionCoverageTest} covers
 * every registered rule.
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

    private static SegmentTensor tensor(DType type, short[] bits, long... shape) {
        return SegmentTensor.wrap(MemorySegment.ofArray(bits), type, shape);
    }

    /** {@code x} rounded to nearest even in {@code type}, by the tensor module's scalar conversions. */
    private static short round(DType type, float x) {
        return type == DType.FLOAT16 ? Float16.fromFloat(x) : BFloat16.fromFloat(x);
    }

    private static float widen(DType type, short bits) {
        return type == DType.FLOAT16 ? Float16.toFloat(bits) : BFloat16.toFloat(bits);
    }

    /** Bits of {@code type} of {@code n} values drawn from {@code seed}, scaled by {@code scale}. */
    private static short[] lowPrecision(DType type, long seed, int n, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] bits = new short[n];
        for (int i = 0; i < n; i++) {
            bits[i] = round(type, (float) (random.nextGaussian() * scale));
        }
        return bits;
    }

    private static float[] widened(DType type, short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = widen(type, bits[i]);
        }
        return x;
    }

    /** The gap between {@code x}'s neighbours in {@code type} around it. */
    private static double gap(DType type, double x) {
        if (type == DType.FLOAT16) {
            return Math.scalb(1.0, Math.max(Math.getExponent((float) x), -14) - 10);
        }
        return Math.ulp((float) x) * 65536.0;
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

    @Test
    void theWeightRoundingAndLossScaleComeBackFromTheCheckpoint(@TempDir Path dir) throws IOException {
        int n = 700;
        double lossScale = 256;
        short[] g = new short[n];
        short[] w1 = bf16(12, n, 1);
        Hyperparameters h = AdamW.defaults().with(AdamW.LR, 1e-2);
        AdamW uninterrupted = new AdamW(List.of(Parameter.mixed("w", tensor(w1, n), tensor(g, n))), h);
        uninterrupted.setWeightRounding(WeightRounding.stochastic(5));
        uninterrupted.setLossScale(lossScale);
        Path file = dir.resolve("state.safetensors");
        short[] w2 = null;
        for (int t = 0; t < 6; t++) {
            if (t == 3) {
                Checkpoints.save(uninterrupted, file);
                w2 = w1.clone();
            }
            System.arraycopy(bf16(40 + t, n, lossScale), 0, g, 0, n);
            uninterrupted.step();
        }

        // a fresh optimizer with the defaults: the checkpoint alone sets the rounding and the scale
        short[] w3 = w2.clone();
        short[] g2 = new short[n];
        AdamW resumed = new AdamW(List.of(Parameter.mixed("w", tensor(w2, n), tensor(g2, n))), h);
        Checkpoints.load(resumed, file);
        assertEquals(WeightRounding.stochastic(5), resumed.weightRounding());
        assertEquals(lossScale, resumed.lossScale());
        for (int t = 3; t < 6; t++) {
            System.arraycopy(bf16(40 + t, n, lossScale), 0, g2, 0, n);
            resumed.step();
        }
        assertArrayEquals(w1, w2);
        assertArrayEquals(uninterrupted.state("w").buffer(Optimizer.MASTER), resumed.state("w").buffer(Optimizer.MASTER));

        // the same resumption rounding to nearest ends elsewhere: the saved rounding is what made it match
        short[] g3 = new short[n];
        AdamW nearest = new AdamW(List.of(Parameter.mixed("w", tensor(w3, n), tensor(g3, n))), h);
        Checkpoints.load(nearest, file);
        nearest.setWeightRounding(WeightRounding.nearestEven());
        for (int t = 3; t < 6; t++) {
            System.arraycopy(bf16(40 + t, n, lossScale), 0, g3, 0, n);
            nearest.step();
        }
        assertFalse(Arrays.equals(w1, w3), "rounding to nearest gave the stochastic run's weights");
    }

    @Test
    void aCheckpointWithTheDefaultsResetsTheRoundingAndTheLossScale(@TempDir Path dir) throws IOException {
        int n = 300;
        Parameter p = Parameter.mixed("w", tensor(bf16(13, n, 1), n), tensor(bf16(14, n, 1), n));
        Adam saved = new Adam(List.of(p), Adam.defaults());
        saved.step();
        Path file = dir.resolve("defaults.safetensors");
        Checkpoints.save(saved, file);
        assertFalse(safetensorsHeader(file).contains("weight_rounding"), "defaults are not written");
        assertFalse(safetensorsHeader(file).contains("loss_scale"), "defaults are not written");

        Adam loaded = new Adam(List.of(Parameter.mixed("w", tensor(bf16(13, n, 1), n), tensor(bf16(14, n, 1), n))),
                Adam.defaults());
        loaded.setWeightRounding(WeightRounding.stochastic(1));
        loaded.setLossScale(8);
        Checkpoints.load(loaded, file);
        assertEquals(WeightRounding.nearestEven(), loaded.weightRounding());
        assertEquals(1, loaded.lossScale());
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
        assertEquals("weights must be BFLOAT16 or FLOAT16, got FLOAT32",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", f32, tensor(new short[8], 8)))
                        .getMessage());
        SegmentTensor f16 = SegmentTensor.wrap(MemorySegment.ofArray(new short[8]), DType.FLOAT16, 8);
        assertEquals("grad is FLOAT16 but weights are BFLOAT16; a low-precision gradient must have the weights'"
                        + " dtype (or give a float32 gradient)",
                assertThrows(IllegalArgumentException.class, () -> Parameter.mixed("w", weights, f16)).getMessage());
        SegmentTensor f16Weights = SegmentTensor.wrap(MemorySegment.ofArray(new short[8]), DType.FLOAT16, 8);
        assertEquals("grad is BFLOAT16 but weights are FLOAT16; a low-precision gradient must have the weights'"
                        + " dtype (or give a float32 gradient)",
                assertThrows(IllegalArgumentException.class,
                        () -> Parameter.mixed("w", f16Weights, tensor(new short[8], 8))).getMessage());
        assertEquals("grad has shape [2, 4], weights have [8]",
                assertThrows(IllegalArgumentException.class,
                        () -> Parameter.mixed("w", weights, tensor(new short[8], 2, 4))).getMessage());
        assertEquals("parameter w: grad has 7 elements, weights have 8",
                assertThrows(IllegalArgumentException.class,
                        () -> Parameter.mixed("w", weights, FloatTensor.zeros(7))).getMessage());
        SegmentTensor overBytes = SegmentTensor.wrap(MemorySegment.ofArray(new byte[16]), DType.BFLOAT16, 8);
        String message = assertThrows(IllegalArgumentException.class,
                () -> Parameter.mixed("w", overBytes, tensor(new short[8], 8))).getMessage();
        assertTrue(message.startsWith("weights must be a native segment or a view of a heap short[]"
                + " (MemorySegment.ofArray), got "), message);
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
        assertEquals("parameter w has bfloat16 weights and no float32 value; optimizers step its float32 master copy"
                + " (state \"master\")", assertThrows(IllegalStateException.class, p::value).getMessage());
        assertEquals("parameter w has a bfloat16 gradient and no float32 one",
                assertThrows(IllegalStateException.class, p::grad).getMessage());
        assertArrayEquals(new int[] {4}, p.shape());
        Parameter h = Parameter.mixed("h", tensor(DType.FLOAT16, new short[6], 2, 3),
                tensor(DType.FLOAT16, new short[6], 2, 3));
        assertEquals("parameter h has a float16 gradient and no float32 one",
                assertThrows(IllegalStateException.class, h::grad).getMessage());
        assertArrayEquals(new int[] {2, 3}, h.shape());
        assertEquals(DType.FLOAT16, h.lowPrecision().dtype());
    }

    @Test
    void rulesThatHandleTheirFloat32ValuesThemselvesRefuseAMixedParameterNamingItAndTheRule() {
        for (DType type : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            short[] w = lowPrecision(type, 40, 4, 1);
            short[] before = w.clone();
            Parameter p = Parameter.mixed("w", tensor(type, w, 4), tensor(type, new short[4], 4));
            String name = type == DType.FLOAT16 ? "float16" : "bfloat16";
            assertEquals("parameter w has " + name + " weights, but LBFGS does not step mixed-precision parameters: its"
                            + " step reads and writes the float32 values itself, in its line search and flat vectors",
                    assertThrows(IllegalArgumentException.class, () -> new LBFGS(List.of(p), LBFGS.defaults()))
                            .getMessage());
            assertEquals("parameter w has " + name + " weights, but SGDScheduleFree does not step mixed-precision"
                            + " parameters: its eval() and train() write x and y into the float32 values",
                    assertThrows(IllegalArgumentException.class,
                            () -> new SGDScheduleFree(List.of(p), SGDScheduleFree.defaults())).getMessage());
            AdamWScheduleFree sf = new AdamWScheduleFree(List.of(Parameter.of("v", FloatTensor.zeros(4))),
                    AdamWScheduleFree.defaults());
            String message = assertThrows(IllegalArgumentException.class, () -> sf.addParamGroup(List.of(p))).getMessage();
            assertTrue(message.startsWith("parameter w has " + name + " weights, but AdamWScheduleFree does not step"),
                    message);
            assertEquals(1, sf.paramGroups().size());
            assertEquals("AdamWScheduleFree does not take a loss scale (it does not step mixed-precision parameters: its"
                    + " eval() and train() write x and y into the float32 values), got lossScale 2.0",
                    assertThrows(IllegalArgumentException.class, () -> sf.setLossScale(2)).getMessage());
            assertEquals(1, sf.lossScale());
            assertArrayEquals(before, w);
        }
    }

    @Test
    void everyRuleThatStepsMixedPrecisionTakesALossScale() {
        for (Rule rule : Rules.all()) {
            Optimizer o = rule.create(List.of(Parameter.of("v", FloatTensor.zeros(2, 2))), rule.defaults());
            if (rule.stepsMixedPrecision()) {
                o.setLossScale(256);
                assertEquals(256, o.lossScale(), rule.toString());
            } else {
                assertThrows(IllegalArgumentException.class, () -> o.setLossScale(256), rule.toString());
                assertEquals(1, o.lossScale(), rule.toString());
            }
        }
    }

    @Test
    void amsgradAndCompressedMomentsStepAMixedParameterAsAFloat32ParameterWithTheSameState() {
        for (DType type : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            for (StateFormat format : List.of(StateFormat.float32(), StateFormat.bfloat16(), StateFormat.blockwise8bit(256))) {
                for (boolean amsgrad : new boolean[] {false, true}) { // compressed AMSGrad state takes the block path
                    assertMixedAdamStepsAsFloat32(type, format, amsgrad);
                }
            }
        }
    }

    /** Three steps of Adam over a mixed parameter leave its master copy as over a float32 one, and the weights rounded from it. */
    private static void assertMixedAdamStepsAsFloat32(DType type, StateFormat format, boolean amsgrad) {
        int n = 5000;
        String what = type + " " + format + " amsgrad " + amsgrad;
        short[] w = lowPrecision(type, 12, n, 1);
        short[] g = new short[n];
        Parameter p = Parameter.mixed("w", tensor(type, w, n), tensor(type, g, n));
        Parameter f = Parameter.of("w", FloatTensor.of(widened(type, w)));
        Hyperparameters h = Adam.defaults().with(Adam.LR, 1e-2).with(Adam.AMSGRAD, amsgrad);
        Adam mixed = new Adam(List.of(p), h);
        Adam plain = new Adam(List.of(f), h);
        mixed.setStateFormat(format);
        plain.setStateFormat(format);
        for (int t = 0; t < 3; t++) {
            System.arraycopy(lowPrecision(type, 13 + t, n, 1), 0, g, 0, n);
            System.arraycopy(widened(type, g), 0, f.grad().array(), f.grad().offset(), n);
            mixed.step();
            plain.step();
        }
        float[] master = mixed.state("w").buffer(Optimizer.MASTER);
        assertArrayEquals(f.value().toArray(), master, what);
        for (int i = 0; i < n; i++) {
            assertEquals(round(type, master[i]), w[i], what + " weight " + i);
        }
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
        short[] h = lowPrecision(DType.FLOAT16, 14, 16, 1);
        short[] hBefore = h.clone();
        Sgd sgd = new Sgd(List.of(Parameter.mixed("h", tensor(DType.FLOAT16, h, 16),
                tensor(DType.FLOAT16, lowPrecision(DType.FLOAT16, 15, 16, 1), 16))), Sgd.defaults().with(Sgd.LR, 0.1));
        sgd.setGradientNoise(GradientNoise.of(0.01, 1));
        assertEquals("gradient noise needs float32 gradients; parameter h has a float16 one",
                assertThrows(IllegalStateException.class, sgd::step).getMessage());
        assertNull(sgd.state("h"));
        assertArrayEquals(hBefore, h);
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

    // ---- float16 weights, and rules beyond Adam, through the master copy ----

    /** One rule's update of a master copy, from the equations in float64, with its own state. */
    @FunctionalInterface
    private interface ReferenceRule {
        /** Steps {@code master} (step {@code t}, from 1) from the unscaled gradient {@code g}. */
        void step(double[] master, double[] g, int t);
    }

    /** SGD with momentum 0.9, dampening 0, weight decay 0.01, lr 0.05, as {@code torch.optim.SGD}. */
    private static ReferenceRule sgdMomentum(int n) {
        double[] b = new double[n];
        return (x, g, t) -> {
            for (int i = 0; i < n; i++) {
                double d = g[i] + 0.01 * x[i];
                b[i] = t == 1 ? d : 0.9 * b[i] + d;
                x[i] -= 0.05 * b[i];
            }
        };
    }

    /** Adam with lr 0.01, betas (0.9, 0.999), eps 1e-8, L2 weight decay 0.1. */
    private static ReferenceRule adam(int n) {
        double[] m = new double[n];
        double[] v = new double[n];
        return (x, g, t) -> {
            for (int i = 0; i < n; i++) {
                double d = g[i] + 0.1 * x[i];
                m[i] = 0.9 * m[i] + 0.1 * d;
                v[i] = 0.999 * v[i] + 0.001 * d * d;
                x[i] -= 0.01 * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        };
    }

    /** RMSprop with lr 0.01, alpha 0.99, eps 1e-8. */
    private static ReferenceRule rmsprop(int n) {
        double[] v = new double[n];
        return (x, g, t) -> {
            for (int i = 0; i < n; i++) {
                v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
                x[i] -= 0.01 * g[i] / (Math.sqrt(v[i]) + 1e-8);
            }
        };
    }

    @Test
    void sgdAdamAndRmspropStepBf16AndFp16WeightsAsAFloat64ReferenceOfTheirEquations() {
        int n = 6000;
        int steps = 5;
        double lossScale = 512;
        for (String rule : List.of("SGD", "Adam", "RMSprop")) {
            for (DType type : List.of(DType.BFLOAT16, DType.FLOAT16)) {
                for (boolean lowGrad : new boolean[] {true, false}) {
                    short[] w = lowPrecision(type, 50, n, 1);
                    double[] reference = new double[n];
                    for (int i = 0; i < n; i++) {
                        reference[i] = widen(type, w[i]);
                    }
                    short[] gBits = new short[n];
                    FloatTensor gFloat = FloatTensor.zeros(n);
                    Parameter p = lowGrad ? Parameter.mixed("w", tensor(type, w, n), tensor(type, gBits, n))
                            : Parameter.mixed("w", tensor(type, w, n), gFloat);
                    Optimizer o = switch (rule) {
                        case "SGD" -> new Sgd(List.of(p), Sgd.defaults().with(Sgd.LR, 0.05).with(Sgd.MOMENTUM, 0.9)
                                .with(Sgd.WEIGHT_DECAY, 0.01));
                        case "Adam" -> new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1e-2).with(Adam.WEIGHT_DECAY, 0.1));
                        default -> new RMSprop(List.of(p), RMSprop.defaults().with(RMSprop.LR, 1e-2));
                    };
                    ReferenceRule equations = switch (rule) {
                        case "SGD" -> sgdMomentum(n);
                        case "Adam" -> adam(n);
                        default -> rmsprop(n);
                    };
                    o.setLossScale(lossScale);
                    for (int t = 1; t <= steps; t++) {
                        short[] g = lowPrecision(type, 60 + t, n, lossScale); // loss-scaled: up to about 2500
                        System.arraycopy(g, 0, gBits, 0, n);
                        System.arraycopy(widened(type, g), 0, gFloat.array(), 0, n);
                        double[] unscaled = new double[n];
                        for (int i = 0; i < n; i++) {
                            unscaled[i] = widen(type, g[i]) / lossScale;
                        }
                        o.step();
                        equations.step(reference, unscaled, t);
                    }
                    float[] master = o.state("w").buffer(Optimizer.MASTER);
                    String what = rule + " " + type + (lowGrad ? " low-precision" : " float32") + " gradients";
                    for (int i = 0; i < n; i++) {
                        // float32 rounding errors of the O(1) start remain where the update cancels it: a floor of 0.05
                        double scale = Math.max(Math.abs(reference[i]), 0.05);
                        assertEquals(reference[i], master[i], 2e-5 * scale, what + " master " + i);
                        assertEquals(round(type, master[i]), w[i], what + ": weight " + i + " is not the master rounded"
                                + " to nearest");
                        double weight = widen(type, w[i]);
                        assertTrue(Math.abs(weight - reference[i]) <= 0.5 * gap(type, reference[i]) + 2e-5 * scale,
                                what + " weight " + i + ": " + weight + " for a master of " + reference[i]);
                    }
                    assertEquals(steps, o.state("w").step());
                }
            }
        }
    }

    @Test
    void oneTwoAndThreeThreadsGiveTheSameBitsForFp16AndBf16WeightsAndMultiPassRules() {
        int n = 37 * 2659; // over 3 * DEFAULT_MIN_PARALLEL_LENGTH, and 37 rows for Adafactor
        for (String rule : List.of("SGD", "LAMB", "Adafactor")) {
            for (DType type : List.of(DType.FLOAT16, DType.BFLOAT16)) {
                for (WeightRounding rounding : List.of(WeightRounding.nearestEven(), WeightRounding.stochastic(11))) {
                    short[][] weights = new short[3][];
                    float[][] masters = new float[3][];
                    int[][] split = {{1, n}, {2, 64}, {3, 64}};
                    for (int k = 0; k < split.length; k++) {
                        short[] w = lowPrecision(type, 8, n, 1);
                        short[] g = new short[n];
                        // Adafactor factors a matrix, with passes aligned to its blocks of rows
                        long[] shape = rule.equals("Adafactor") ? new long[] {37, 2659} : new long[] {n};
                        Parameter p = Parameter.mixed("w", tensor(type, w, shape), tensor(type, g, shape));
                        Optimizer o = Optimizers.fromTorch(rule, List.of(p), rule.equals("SGD")
                                ? java.util.Map.of("lr", 0.01, "momentum", 0.9, "nesterov", true)
                                : java.util.Map.of("lr", 1e-3));
                        o.setWeightRounding(rounding);
                        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(split[k][0], split[k][1])) {
                            o.setExecutor(executor);
                            for (int t = 0; t < 3; t++) {
                                System.arraycopy(lowPrecision(type, 20 + t, n, 1), 0, g, 0, n);
                                o.step();
                            }
                        }
                        weights[k] = w;
                        masters[k] = o.state("w").buffer(Optimizer.MASTER);
                    }
                    for (int k = 1; k < split.length; k++) {
                        String what = rule + " " + type + " " + rounding + ", split " + Arrays.toString(split[k]);
                        assertArrayEquals(weights[0], weights[k], what + " weights");
                        assertArrayEquals(masters[0], masters[k], what + " master");
                    }
                }
            }
        }
    }

    @Test
    void stochasticRoundingToFp16PicksANeighbourOfTheMasterAndIsUnbiased() {
        int n = 1 << 16;
        short[] w = new short[n];
        Arrays.fill(w, Float16.fromFloat(1f));
        short[] g = new short[n];
        Arrays.fill(g, Float16.fromFloat(1f));
        // plain SGD moves every master by -lr: 1 - 2^-13, a quarter of the way from 1 down to its lower
        // float16 neighbour 1 - 2^-11
        Sgd sgd = new Sgd(List.of(Parameter.mixed("w", tensor(DType.FLOAT16, w, n), tensor(DType.FLOAT16, g, n))),
                Sgd.defaults().with(Sgd.LR, 1.0 / 8192));
        sgd.setWeightRounding(WeightRounding.stochastic(5));
        sgd.step();
        assertEquals(1 - 1.0 / 8192, sgd.state("w").buffer(Optimizer.MASTER)[0]);
        int down = 0;
        for (short bits : w) {
            float x = Float16.toFloat(bits);
            assertTrue(x == 1f || x == 1f - 1f / 2048, "not a neighbour: " + x);
            down += x < 1f ? 1 : 0;
        }
        // rounds down with probability 1/4: 16384 expected, a standard deviation of 111
        assertEquals(n / 4.0, down, 600);
        short[] nearest = new short[n];
        Arrays.fill(nearest, Float16.fromFloat(1f));
        new Sgd(List.of(Parameter.mixed("w", tensor(DType.FLOAT16, nearest, n), tensor(DType.FLOAT16, g, n))),
                Sgd.defaults().with(Sgd.LR, 1.0 / 8192)).step();
        for (short bits : nearest) {
            assertEquals(1f, Float16.toFloat(bits)); // to nearest, the step is lost in the weights
        }
    }

    @Test
    void fp16WeightsBeyond65504RoundToInfinityWhileTheMasterKeepsItsValue() {
        short[] w = {Float16.MAX_VALUE_BITS, Float16.MAX_VALUE_BITS};
        float[] g = {-24, -8}; // plain SGD, lr 1: the masters become 65528 and 65512
        Sgd sgd = new Sgd(List.of(Parameter.mixed("w", tensor(DType.FLOAT16, w, 2), FloatTensor.of(g))),
                Sgd.defaults().with(Sgd.LR, 1));
        sgd.step();
        assertArrayEquals(new float[] {65528, 65512}, sgd.state("w").buffer(Optimizer.MASTER));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat(w[0])); // past the halfway point 65520 to 65536
        assertEquals(65504f, Float16.toFloat(w[1]));
    }

    @Test
    void aNonFiniteFp16GradientMeetsTheNonFinitePolicyAndModifiesNothing() {
        int n = 300;
        short[] w = lowPrecision(DType.FLOAT16, 70, n, 1);
        short[] g = lowPrecision(DType.FLOAT16, 71, n, 1024);
        Parameter p = Parameter.mixed("w", tensor(DType.FLOAT16, w, n), tensor(DType.FLOAT16, g, n));
        RMSprop rmsprop = new RMSprop(List.of(p), RMSprop.defaults().with(RMSprop.LR, 1e-3).with(RMSprop.MOMENTUM, 0.9));
        rmsprop.setLossScale(1024);
        rmsprop.setNonFinitePolicy(NonFinitePolicy.SKIP);
        rmsprop.step();
        short[] weights = w.clone();
        float[] master = rmsprop.state("w").buffer(Optimizer.MASTER).clone();
        float[] squares = rmsprop.state("w").buffer("square_avg").clone();
        g[123] = Float16.fromFloat(70000f); // a loss-scaled gradient beyond float16's range: infinity
        rmsprop.step();
        assertEquals(1, rmsprop.skippedSteps());
        assertEquals(1, rmsprop.state("w").step());
        assertArrayEquals(weights, w);
        assertArrayEquals(master, rmsprop.state("w").buffer(Optimizer.MASTER));
        assertArrayEquals(squares, rmsprop.state("w").buffer("square_avg"));

        rmsprop.setNonFinitePolicy(NonFinitePolicy.ERROR);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, rmsprop::step);
        assertEquals("parameter w has a non-finite gradient at index 123: Infinity", e.getMessage());
        g[123] = (short) 0x7E00; // a float16 NaN
        e = assertThrows(NonFiniteGradientException.class, rmsprop::step);
        assertEquals("parameter w has a non-finite gradient at index 123: NaN", e.getMessage());
        assertArrayEquals(weights, w);
        assertArrayEquals(master, rmsprop.state("w").buffer(Optimizer.MASTER));
        assertEquals(1, rmsprop.state("w").step());
    }

    @Test
    void aResumedFp16RunContinuesBitForBitWithTheMasterSavedAsF32(@TempDir Path dir) throws IOException {
        int n = 700;
        float[] g = new float[n];
        short[] w1 = lowPrecision(DType.FLOAT16, 80, n, 1);
        Hyperparameters h = Sgd.defaults().with(Sgd.LR, 0.02).with(Sgd.MOMENTUM, 0.9);
        Sgd uninterrupted = new Sgd(List.of(Parameter.mixed("w", tensor(DType.FLOAT16, w1, n), FloatTensor.of(g))), h);
        uninterrupted.setWeightRounding(WeightRounding.stochastic(4));
        Path file = dir.resolve("state.safetensors");
        short[] w2 = null;
        for (int t = 0; t < 6; t++) {
            if (t == 3) {
                Checkpoints.save(uninterrupted, file);
                w2 = w1.clone();
            }
            System.arraycopy(widened(DType.FLOAT16, lowPrecision(DType.FLOAT16, 90 + t, n, 1)), 0, g, 0, n);
            uninterrupted.step();
        }
        assertTrue(safetensorsHeader(file).contains("\"w/master\":{\"dtype\":\"F32\""), safetensorsHeader(file));
        float[] g2 = new float[n];
        Sgd resumed = new Sgd(List.of(Parameter.mixed("w", tensor(DType.FLOAT16, w2, n), FloatTensor.of(g2))), h);
        resumed.setWeightRounding(WeightRounding.stochastic(4));
        Checkpoints.load(resumed, file);
        for (int t = 3; t < 6; t++) {
            System.arraycopy(widened(DType.FLOAT16, lowPrecision(DType.FLOAT16, 90 + t, n, 1)), 0, g2, 0, n);
            resumed.step();
        }
        assertArrayEquals(w1, w2);
        assertArrayEquals(uninterrupted.state("w").buffer(Optimizer.MASTER), resumed.state("w").buffer(Optimizer.MASTER));
        assertArrayEquals(uninterrupted.state("w").buffer("momentum_buffer"), resumed.state("w").buffer("momentum_buffer"));
    }

    /**
     * A rule of two passes whose last one is whole: the element-wise pass reads the gradient
     * ({@code p -= g / 2}), the whole pass doubles the master and must be handed no low-precision
     * gradient; the weights are then the doubled master, rounded.
     */
    private static final class HalfStepThenDouble extends Optimizer {
        static final Rule RULE = Rule.builder("HalfStepThenDouble", Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 1, 0)), h -> { }), HalfStepThenDouble::new).build();
        final List<Boolean> wholePassGotAGradient = new java.util.ArrayList<>();

        HalfStepThenDouble(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
            return StepPlan.of(
                    StepPlan.Pass.elementWise((v, vOff, g, gOff, from, n) -> {
                        for (int i = 0; i < n; i++) {
                            v[vOff + i] -= g[gOff + i] / 2;
                        }
                    }),
                    StepPlan.Pass.whole((v, vOff, g, gOff, from, n) -> {
                        wholePassGotAGradient.add(g != null);
                        for (int i = 0; i < n; i++) {
                            v[vOff + i] *= 2;
                        }
                    }));
        }
    }

    @Test
    void aPlanWhoseLastPassIsWholeStillRoundsTheMasterToTheWeights() {
        int n = 9000;
        for (DType type : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            for (boolean lowGrad : new boolean[] {true, false}) {
                short[] w = lowPrecision(type, 100, n, 1);
                short[] g = lowPrecision(type, 101, n, 1);
                float[] start = widened(type, w);
                float[] gradient = widened(type, g);
                Parameter p = lowGrad ? Parameter.mixed("w", tensor(type, w, n), tensor(type, g, n))
                        : Parameter.mixed("w", tensor(type, w, n), FloatTensor.of(gradient.clone()));
                HalfStepThenDouble o = new HalfStepThenDouble(List.of(p), HalfStepThenDouble.RULE.defaults());
                o.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
                try (ChunkedExecutor threads = ChunkedExecutor.withThreads(2, 64)) {
                    o.setExecutor(threads);
                    o.step();
                }
                assertEquals(List.of(!lowGrad), o.wholePassGotAGradient, type + (lowGrad ? " low-precision" : " float32"));
                float[] master = o.state("w").buffer(Optimizer.MASTER);
                for (int i = 0; i < n; i++) {
                    assertEquals(2 * (start[i] - gradient[i] / 2), master[i], type + " master " + i);
                    assertEquals(round(type, master[i]), w[i], type + " weight " + i);
                }
            }
        }
    }
}
