package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vecopt.engine.checkpoint.CheckpointException;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

class AveragedModelTest {

    private static final int N = WrapperFixture.N;

    /** The averages of every parameter, end to end in the order of {@code params}. */
    private static float[] averages(AveragedModel averaged, List<Parameter> params) {
        float[] all = new float[WrapperFixture.values(params).length];
        int at = 0;
        for (Parameter p : params) {
            System.arraycopy(averaged.averaged(p.name()), 0, all, at, p.size());
            at += p.size();
        }
        return all;
    }

    private static void assertSameBits(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                    what + " [" + i + "]: " + want[i] + " vs " + got[i]);
        }
    }

    // ---- against float64 references ----

    @Test
    void equalAverageIsTheMeanOfEveryModelAveraged() {
        List<Parameter> params = WrapperFixture.parameters(1);
        AveragedModel swa = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.05).with("momentum", 0.9)),
                Averaging.equal());
        SplittableRandom random = new SplittableRandom(2);
        double[] sum = new double[WrapperFixture.values(params).length];
        for (int step = 1; step <= 25; step++) {
            WrapperFixture.fillGradients(params, random);
            swa.step();
            float[] p = WrapperFixture.values(params);
            float[] avg = averages(swa, params);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += p[i];
                double mean = sum[i] / step;
                assertEquals(mean, avg[i], 4e-6 * (1 + Math.abs(mean)), "step " + step + " [" + i + "]");
            }
            assertEquals(step, swa.nAveraged());
        }
    }

    /** timm ModelEmaV3's decay, written from its get_decay, in float64. */
    private static double timmDecay(long n, double decay, double gamma, double power, double minDecay) {
        return Math.max(minDecay, Math.min(decay, 1 - Math.pow(1 + n / gamma, -power)));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void exponentialAverageFollowsTheFloat64Recurrence(boolean warmup) {
        List<Parameter> params = WrapperFixture.parameters(3);
        Averaging.Exponential ema = new Averaging.Exponential(0.95, warmup, 2.0, 0.75, 0.1);
        AveragedModel averaged = AveragedModel.of(new Adam(params, Adam.defaults().with("lr", 0.05)), ema);
        SplittableRandom random = new SplittableRandom(4);
        double[] reference = null;
        for (int step = 1; step <= 30; step++) {
            WrapperFixture.fillGradients(params, random);
            averaged.step();
            float[] p = WrapperFixture.values(params);
            if (reference == null) {
                reference = new double[p.length];
                for (int i = 0; i < p.length; i++) {
                    reference[i] = p[i];
                }
            } else {
                long n = step - 1;
                double d = warmup ? timmDecay(n, 0.95, 2.0, 0.75, 0.1) : 0.95;
                for (int i = 0; i < p.length; i++) {
                    reference[i] = d * reference[i] + (1 - d) * p[i];
                }
            }
            float[] avg = averages(averaged, params);
            for (int i = 0; i < p.length; i++) {
                assertEquals(reference[i], avg[i], 2e-6 * (1 + Math.abs(reference[i])), "step " + step + " [" + i + "]");
            }
        }
    }

    @Test
    void timmsWarmupReachesItsDocumentedDecays() {
        // timm's ModelEmaV3 comment: power 2/3 reaches 0.999 at 31.6K steps and 0.9999 at 1M steps
        Averaging.Exponential ema = new Averaging.Exponential(1, true, 1, 2.0 / 3, 0);
        assertEquals(0.999, ema.decayAt(31_622), 1e-7);
        assertEquals(0.9999, ema.decayAt(1_000_000), 1e-9);
        // power 1, gamma 1: n / (n + 1), the equal average
        Averaging.Exponential equal = new Averaging.Exponential(1, true, 1, 1, 0);
        for (long n = 1; n <= 1000; n++) {
            assertEquals((double) n / (n + 1), equal.decayAt(n), 2 * Math.ulp(1.0), "n " + n);
        }
        // the ceiling and the floor
        Averaging.Exponential clamped = new Averaging.Exponential(0.9, true, 1, 2.0 / 3, 0.5);
        assertEquals(0.5, clamped.decayAt(1)); // 1 - 2^(-2/3) = 0.37 is below the floor
        assertEquals(0.9, clamped.decayAt(100)); // 1 - 101^(-2/3) = 0.95 is above the ceiling
        assertEquals(0.25, Averaging.ema(0.25).decayAt(7));
        assertEquals("n must be >= 1 (the first update copies), got 0",
                assertThrows(IllegalArgumentException.class, () -> clamped.decayAt(0)).getMessage());
    }

    // ---- when it averages ----

    @Test
    void theFirstUpdateCopiesTheParametersBitForBit() {
        List<Parameter> params = WrapperFixture.parameters(5);
        params.get(0).value().setFlat(0, -0.0f);
        params.get(0).value().setFlat(1, Float.intBitsToFloat(0x7fc01234)); // a NaN with a payload
        params.get(1).value().setFlat(2, Float.MIN_VALUE);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults()), Averaging.ema(0.5));
        assertNull(averaged.averaged("w"));
        averaged.updateParameters();
        assertSameBits(WrapperFixture.values(params), averages(averaged, params), "copy");
        assertEquals(1, averaged.nAveraged());
        assertEquals(0, averaged.steps());
    }

    @Test
    void stepAveragesOnTheStartStepAndEveryKthStepAfterIt() {
        List<Parameter> params = WrapperFixture.parameters(6);
        AveragedModel swa = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.1)), Averaging.equal(), 3, 2);
        SplittableRandom random = new SplittableRandom(7);
        long[] expected = {0, 0, 1, 1, 2, 2, 3, 3, 4};
        for (int step = 1; step <= expected.length; step++) {
            WrapperFixture.fillGradients(params, random);
            swa.step();
            assertEquals(expected[step - 1], swa.nAveraged(), "after step " + step);
            assertEquals(step, swa.steps());
            if (step == 3) {
                assertSameBits(WrapperFixture.values(params), averages(swa, params), "the start step copies");
            }
        }
    }

    @Test
    void explicitUpdatesAndStepsShareTheCount() {
        List<Parameter> params = WrapperFixture.parameters(8);
        AveragedModel swa = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.1)), Averaging.equal(), 2, 1);
        swa.updateParameters(); // before any step, as torch users may do once after loading a model
        WrapperFixture.fillGradients(params, new SplittableRandom(9));
        swa.inner().step(); // a step around the wrapper is neither counted nor averaged
        assertEquals(1, swa.nAveraged());
        assertEquals(0, swa.steps());
        swa.step();
        swa.step();
        assertEquals(2, swa.steps());
        assertEquals(2, swa.nAveraged());
    }

    @Test
    void aSkippedInnerStepIsNeitherCountedNorAveraged() {
        List<Parameter> params = WrapperFixture.parameters(10);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults()), Averaging.ema(0.9));
        averaged.inner().setNonFinitePolicy(NonFinitePolicy.SKIP);
        params.get(0).grad().setFlat(3, Float.POSITIVE_INFINITY);
        averaged.step();
        assertEquals(0, averaged.steps());
        assertEquals(0, averaged.nAveraged());
        assertNull(averaged.averaged("w"));
    }

    @Test
    void aFailedInnerStepChangesNothing() {
        List<Parameter> params = WrapperFixture.parameters(11);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.1)), Averaging.equal());
        WrapperFixture.fillGradients(params, new SplittableRandom(12));
        averaged.step();
        float[] before = WrapperFixture.values(params);
        float[] averagesBefore = averages(averaged, params);
        params.get(1).grad().setFlat(4, Float.NaN);
        assertThrows(NonFiniteGradientException.class, averaged::step);
        assertEquals(1, averaged.steps());
        assertEquals(1, averaged.nAveraged());
        assertSameBits(before, WrapperFixture.values(params), "parameters");
        assertSameBits(averagesBefore, averages(averaged, params), "averages");
    }

    @Test
    void underGradientAccumulationOnlyTheUpdatesCount() {
        List<Parameter> params = WrapperFixture.parameters(13);
        GradientAccumulation accumulation = GradientAccumulation.wrap(new Adam(params, Adam.defaults()), 3);
        AveragedModel averaged = AveragedModel.of(accumulation, Averaging.equal());
        SplittableRandom random = new SplittableRandom(14);
        for (int call = 1; call <= 9; call++) {
            WrapperFixture.fillGradients(params, random);
            averaged.step();
            assertEquals(call / 3, averaged.steps(), "after micro-batch " + call);
            assertEquals(call / 3, averaged.nAveraged());
        }
        assertEquals(3, averaged.inner().state("w").step());
    }

    @Test
    void aroundLookaheadItAveragesTheWeightsAfterTheSynchronisation() {
        List<Parameter> params = WrapperFixture.parameters(15);
        Lookahead lookahead = Lookahead.wrap(new Sgd(params, Sgd.defaults().with("lr", 0.1)), 2, 0.5);
        AveragedModel averaged = AveragedModel.of(lookahead, Averaging.equal(), 2, 2);
        SplittableRandom random = new SplittableRandom(16);
        WrapperFixture.fillGradients(params, random);
        averaged.step();
        WrapperFixture.fillGradients(params, random);
        averaged.step();
        assertEquals(1, averaged.nAveraged());
        assertSameBits(lookahead.slowWeights("w"), averaged.averaged("w"), "synchronised weights");
    }

    // ---- swapping for evaluation ----

    @Test
    void swappingTwiceRestoresEveryBit() {
        List<Parameter> params = WrapperFixture.parameters(17);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.1)), Averaging.equal());
        SplittableRandom random = new SplittableRandom(18);
        for (int step = 0; step < 3; step++) {
            WrapperFixture.fillGradients(params, random);
            averaged.step();
        }
        params.get(0).value().setFlat(0, -0.0f);
        params.get(1).value().setFlat(1, Float.intBitsToFloat(0x7fc0abcd));
        averaged.averaged("b")[2] = Float.NEGATIVE_INFINITY;
        float[] training = WrapperFixture.values(params);
        float[] averages = averages(averaged, params);

        averaged.swapParameters();
        assertTrue(averaged.isSwapped());
        assertSameBits(averages, WrapperFixture.values(params), "the parameters hold the averages");
        assertSameBits(training, averages(averaged, params), "the buffers hold the training weights");

        averaged.swapParameters();
        assertFalse(averaged.isSwapped());
        assertSameBits(training, WrapperFixture.values(params), "training weights back");
        assertSameBits(averages, averages(averaged, params), "averages back");
    }

    @Test
    void whileSwappedTrainingAveragingAndSavingAreRefusedAndChangeNothing(@TempDir Path dir) {
        List<Parameter> params = WrapperFixture.parameters(19);
        AveragedModel averaged = AveragedModel.of(new Adam(params, Adam.defaults()), Averaging.ema(0.9));
        SplittableRandom random = new SplittableRandom(20);
        WrapperFixture.fillGradients(params, random);
        averaged.step();
        WrapperFixture.fillGradients(params, random);
        averaged.swapParameters();
        float[] parameters = WrapperFixture.values(params);
        float[] buffers = averages(averaged, params);
        float[] firstMoment = averaged.inner().state("w").buffer("exp_avg").clone();
        String message = "while the parameters hold the averages; call swapParameters() again first to put the"
                + " training weights back";
        assertEquals("step() " + message, assertThrows(IllegalStateException.class, averaged::step).getMessage());
        assertEquals("updateParameters() " + message,
                assertThrows(IllegalStateException.class, averaged::updateParameters).getMessage());
        assertEquals("copyToParameters() " + message,
                assertThrows(IllegalStateException.class, averaged::copyToParameters).getMessage());
        Path file = dir.resolve("swapped.safetensors");
        assertEquals("saving a checkpoint " + message, assertThrows(IllegalStateException.class,
                () -> Checkpoints.save(averaged.inner(), file, averaged)).getMessage());
        assertFalse(Files.exists(file));
        assertSameBits(parameters, WrapperFixture.values(params), "parameters");
        assertSameBits(buffers, averages(averaged, params), "averages");
        assertArrayEquals(firstMoment, averaged.inner().state("w").buffer("exp_avg"));
        assertEquals(1, averaged.steps());
        assertEquals(1, averaged.nAveraged());
    }

    @Test
    void copyToParametersWritesTheAveragesAndKeepsThem() {
        List<Parameter> params = WrapperFixture.parameters(21);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults().with("lr", 0.1)), Averaging.ema(0.8));
        SplittableRandom random = new SplittableRandom(22);
        for (int step = 0; step < 4; step++) {
            WrapperFixture.fillGradients(params, random);
            averaged.step();
        }
        float[] averages = averages(averaged, params);
        averaged.copyToParameters();
        assertSameBits(averages, WrapperFixture.values(params), "parameters");
        assertSameBits(averages, averages(averaged, params), "averages");
        assertFalse(averaged.isSwapped());
    }

    @Test
    void swappingOrCopyingBeforeTheFirstUpdateIsRefused() {
        List<Parameter> params = WrapperFixture.parameters(23);
        float[] before = WrapperFixture.values(params);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults()), Averaging.equal());
        assertEquals("swapParameters() needs averages, and no model was averaged yet",
                assertThrows(IllegalStateException.class, averaged::swapParameters).getMessage());
        assertEquals("copyToParameters() needs averages, and no model was averaged yet",
                assertThrows(IllegalStateException.class, averaged::copyToParameters).getMessage());
        assertFalse(averaged.isSwapped());
        assertSameBits(before, WrapperFixture.values(params), "parameters");
    }

    @Test
    void aParameterAddedAfterTheFirstUpdateIsRefusedNamingIt() {
        List<Parameter> params = WrapperFixture.parameters(24);
        Optimizer sgd = new Sgd(params, Sgd.defaults().with("lr", 0.1));
        AveragedModel averaged = AveragedModel.of(sgd, Averaging.equal());
        WrapperFixture.fillGradients(params, new SplittableRandom(25));
        averaged.step();
        float[] averagesBefore = averages(averaged, params);
        sgd.addParamGroup(List.of(Parameter.of("late", FloatTensor.zeros(3))));
        IllegalStateException e = assertThrows(IllegalStateException.class, averaged::updateParameters);
        assertEquals("parameter late was added to the optimizer after 1 models were averaged, so it has no average;"
                + " create the AveragedModel after adding every group", e.getMessage());
        assertThrows(IllegalStateException.class, averaged::swapParameters);
        assertEquals(1, averaged.nAveraged());
        assertSameBits(averagesBefore, averages(averaged, params), "averages");
        assertNull(averaged.averaged("late"));
    }

    // ---- arguments ----

    @Test
    void rejectedArgumentsAreNamedWithTheirValues() {
        Optimizer sgd = new Sgd(WrapperFixture.parameters(26), Sgd.defaults());
        assertEquals("optimizer must not be null", assertThrows(IllegalArgumentException.class,
                () -> AveragedModel.of((Optimizer) null, Averaging.equal())).getMessage());
        assertEquals("wrapper must not be null", assertThrows(IllegalArgumentException.class,
                () -> AveragedModel.of((OptimizerWrapper) null, Averaging.equal())).getMessage());
        assertEquals("averaging must not be null; use Averaging.equal() for SWA",
                assertThrows(IllegalArgumentException.class, () -> AveragedModel.of(sgd, null)).getMessage());
        assertEquals("start must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> AveragedModel.of(sgd, Averaging.equal(), 0, 1)).getMessage());
        assertEquals("every must be >= 1, got -2", assertThrows(IllegalArgumentException.class,
                () -> AveragedModel.of(sgd, Averaging.equal(), 1, -2)).getMessage());
        assertEquals("decay must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> Averaging.ema(1.5)).getMessage());
        assertEquals("decay must be in [0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> Averaging.emaWithWarmup(Double.NaN)).getMessage());
        assertEquals("decay must be in [0, 1], got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Averaging.ema(-0.1)).getMessage());
        assertEquals("warmupGamma must be > 0 and finite, got 0.0", assertThrows(IllegalArgumentException.class,
                () -> new Averaging.Exponential(0.9, true, 0, 0.75, 0)).getMessage());
        assertEquals("warmupPower must be > 0 and finite, got Infinity", assertThrows(IllegalArgumentException.class,
                () -> new Averaging.Exponential(0.9, true, 1, Double.POSITIVE_INFINITY, 0)).getMessage());
        assertEquals("minDecay must be in [0, decay = 0.9], got 0.95", assertThrows(IllegalArgumentException.class,
                () -> new Averaging.Exponential(0.9, true, 1, 0.75, 0.95)).getMessage());
        assertNull(sgd.state("w"));
    }

    @Test
    void theNameHoldsEverySettingThatChangesTheAverages() {
        Optimizer sgd = new Sgd(WrapperFixture.parameters(27), Sgd.defaults());
        assertEquals("AveragedModel(equal, start=1, every=1)", AveragedModel.of(sgd, Averaging.equal()).checkpointName());
        assertEquals("AveragedModel(ema, decay=0.999, start=5, every=2)",
                AveragedModel.of(sgd, Averaging.ema(0.999), 5, 2).checkpointName());
        assertEquals("AveragedModel(ema, decay=0.9999, warmup_gamma=1.0, warmup_power=0.6666666666666666,"
                + " min_decay=0.0, start=1, every=1)", AveragedModel.of(sgd, Averaging.emaWithWarmup(0.9999))
                .checkpointName());
    }

    // ---- kernels and threads ----

    @Test
    void scalarKernelsThreadsAndTheProvidersKernelsGiveTheSameBits() {
        int n = 4099;
        List<float[]> results = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            FloatTensor value = FloatTensor.randomNormal(28, n);
            Parameter p = Parameter.of("w", value);
            Optimizer sgd = new Sgd(List.of(p), Sgd.defaults().with("lr", 0.01).with("momentum", 0.9));
            if (run == 0) {
                sgd.withKernels(OptimizerKernelsProvider.scalar());
            }
            ChunkedExecutor executor = run == 2 ? ChunkedExecutor.withThreads(2, 1) : ChunkedExecutor.callingThread();
            sgd.setExecutor(executor);
            AveragedModel swa = AveragedModel.of(sgd, Averaging.equal());
            AveragedModel ema = AveragedModel.of(swa, Averaging.emaWithWarmup(0.99));
            SplittableRandom random = new SplittableRandom(29);
            for (int step = 0; step < 7; step++) {
                WrapperFixture.fillGradients(List.of(p), random);
                ema.step();
            }
            float[] both = new float[2 * n];
            System.arraycopy(swa.averaged("w"), 0, both, 0, n);
            System.arraycopy(ema.averaged("w"), 0, both, n, n);
            results.add(both);
            executor.close();
        }
        assertSameBits(results.get(0), results.get(1), "scalar vs " + OptimizerKernelsProvider.get().name());
        assertSameBits(results.get(1), results.get(2), "one thread vs two");
    }

    // ---- checkpoints ----

    private static AveragedModel warmedUpEma(List<Parameter> params) {
        return AveragedModel.of(new Adam(params, Adam.defaults().with("lr", 0.01)), Averaging.emaWithWarmup(0.99), 2, 2);
    }

    /** Saves before the first update, at it, between two updates and after several; resumes bit for bit. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 6})
    void checkpointResumesBitForBit(int stepsBeforeSave, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("ema.safetensors");
        List<Parameter> params = WrapperFixture.parameters(30);
        AveragedModel original = warmedUpEma(params);
        SplittableRandom random = new SplittableRandom(31);
        for (int s = 0; s < stepsBeforeSave; s++) {
            WrapperFixture.fillGradients(params, random);
            original.step();
        }
        Checkpoints.save(original.inner(), file, original);

        List<Parameter> copy = WrapperFixture.parameters(99);
        for (int i = 0; i < params.size(); i++) {
            copy.get(i).value().copyFrom(params.get(i).value());
        }
        AveragedModel resumed = warmedUpEma(copy);
        Checkpoints.load(resumed.inner(), file, resumed);
        assertEquals(original.nAveraged(), resumed.nAveraged());
        assertEquals(original.steps(), resumed.steps());
        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(resumed.inner(), again, resumed);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));

        for (int s = 0; s < 7; s++) {
            WrapperFixture.fillGradients(params, new SplittableRandom(100 + s));
            WrapperFixture.fillGradients(copy, new SplittableRandom(100 + s));
            original.step();
            resumed.step();
            assertSameBits(WrapperFixture.values(params), WrapperFixture.values(copy), "parameters, step " + s + " after resuming");
            if (original.nAveraged() > 0) {
                assertSameBits(averages(original, params), averages(resumed, copy), "averages, step " + s);
            }
            assertEquals(original.nAveraged(), resumed.nAveraged());
        }
    }

    @Test
    void aCheckpointLoadsOnlyIntoTheSameAveraging(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ema.safetensors");
        List<Parameter> params = WrapperFixture.parameters(32);
        AveragedModel original = AveragedModel.of(new Adam(params, Adam.defaults()), Averaging.ema(0.999));
        WrapperFixture.fillGradients(params, new SplittableRandom(33));
        original.step();
        Checkpoints.save(original.inner(), file, original);
        AveragedModel other = AveragedModel.of(new Adam(WrapperFixture.parameters(32), Adam.defaults()), Averaging.ema(0.99));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(other.inner(), file, other));
        assertTrue(e.getMessage().contains("AveragedModel(ema, decay=0.999, start=1, every=1)"), e.getMessage());
        assertEquals(0, other.nAveraged());
        assertNull(other.averaged("w"));
        assertNull(other.inner().state("w"));
    }

    private static Map<String, float[]> buffers(String name, int length, String name2, int length2) {
        Map<String, float[]> m = new LinkedHashMap<>();
        if (name != null) {
            m.put(name, new float[length]);
        }
        if (name2 != null) {
            m.put(name2, new float[length2]);
        }
        return m;
    }

    @Test
    void aSavedPositionThatDoesNotFitIsRefusedBeforeAnythingChanges() {
        List<Parameter> params = WrapperFixture.parameters(34);
        AveragedModel averaged = AveragedModel.of(new Sgd(params, Sgd.defaults()), Averaging.equal());
        averaged.updateParameters();
        float[] before = averages(averaged, params);
        Map<String, float[]> both = buffers("w", N, "b", 19);
        assertEquals("state must hold exactly n_averaged and steps, got [n_averaged]",
                assertThrows(IllegalArgumentException.class,
                        () -> averaged.prepareRestore(Map.of("n_averaged", 1L), both)).getMessage());
        assertEquals("n_averaged must be a Long >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> averaged.prepareRestore(Map.of("n_averaged", -1L, "steps", 0L), both)).getMessage());
        assertEquals("steps must be a Long >= 0, got 2.0", assertThrows(IllegalArgumentException.class,
                () -> averaged.prepareRestore(Map.of("n_averaged", 1L, "steps", 2.0), both)).getMessage());
        assertEquals("n_averaged is 0 but averages of [w, b] were saved", assertThrows(IllegalArgumentException.class,
                () -> averaged.prepareRestore(Map.of("n_averaged", 0L, "steps", 0L), both)).getMessage());
        assertEquals("n_averaged is 3 but no averages of [b] were saved", assertThrows(IllegalArgumentException.class,
                () -> averaged.prepareRestore(Map.of("n_averaged", 3L, "steps", 0L), buffers("w", N, null, 0)))
                .getMessage());
        assertEquals("averages of b: 18 elements, the parameter has 19", assertThrows(IllegalArgumentException.class,
                () -> averaged.prepareRestore(Map.of("n_averaged", 3L, "steps", 0L), buffers("w", N, "b", 18)))
                .getMessage());
        averaged.swapParameters();
        assertEquals("the parameters hold the averages (swapParameters()); swap them back before loading",
                assertThrows(IllegalArgumentException.class,
                        () -> averaged.prepareRestore(Map.of("n_averaged", 3L, "steps", 0L), both)).getMessage());
        averaged.swapParameters();
        assertEquals(1, averaged.nAveraged());
        assertSameBits(before, averages(averaged, params), "averages");
    }
}
