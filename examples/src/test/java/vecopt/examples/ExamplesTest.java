package vecopt.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.engine.AdamW;
import vecopt.engine.AdamWScheduleFree;
import vecopt.engine.AveragedModel;
import vecopt.engine.Averaging;
import vecopt.engine.Lookahead;
import vecopt.engine.Parameter;
import vecopt.engine.RAdam;
import vecopt.engine.Ranger;
import vecopt.engine.Sgd;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.SWALR;

/** Runs every example and checks that it does what the README says it does. */
class ExamplesTest {

    @Test
    void quickStartFitsTheLine() throws Exception {
        String out = stdoutOf(() -> TrainTinyModel.main(new String[0]));
        assertEquals("w = 3.000, b = -2.000", out.strip());
    }

    @Test
    void parameterGroupsTrainTheModelOverFlatArrays() {
        double first = ParameterGroups.train(1);
        double last = ParameterGroups.train(500);
        assertTrue(last < first / 10, "loss went from " + first + " to " + last);
    }

    @Test
    void resumedRunEndsBitForBitWhereAnUninterruptedRunEnds(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("not/yet/there");
        TinyMlp resumed = CheckpointResume.trainSaveAndResume(dir);
        assertTrue(Files.isRegularFile(dir.resolve("run/optimizer.safetensors")));

        TinyMlp uninterrupted = TinyMlp.create(7);
        Adam adam = new Adam(uninterrupted.parameters(), Adam.defaults().with("lr", 0.01));
        var cosine = new HyperparameterScheduler(adam, "lr", new CosineAnnealing(200, 1e-4));
        for (int step = 0; step < 200; step++) {
            uninterrupted.forwardBackward();
            adam.step();
            cosine.step();
        }
        assertSameValues(uninterrupted.parameters(), resumed.parameters());
    }

    @Test
    void scheduleWarmsUpLinearlyThenFollowsACosine() {
        double[] lr = Schedules.train(200);
        for (int t = 0; t < 10; t++) {
            assertEquals(0.01 * (0.1 + 0.9 * t / 10), lr[t], 1e-15, "step " + t);
        }
        for (int t = 10; t < 200; t++) {
            double cosine = 1e-4 + (0.01 - 1e-4) * (1 + Math.cos(Math.PI * (t - 10) / 190)) / 2;
            assertEquals(cosine, lr[t], 1e-12, "step " + t);
        }
    }

    @Test
    void lookaheadLeavesTheWeightsOnTheSlowWeightsAfterEverySync() {
        TinyMlp model = TinyMlp.create(5);
        double before = model.forwardBackward();
        Lookahead opt = LookaheadAndRanger.lookahead(model, 60);   // 60 = 12 syncs of k 5
        for (Parameter p : model.parameters()) {
            assertArrayEquals(opt.slowWeights(p.name()), p.value().toArray(), p.name());
        }
        double after = model.forwardBackward();
        assertTrue(after < before, "loss went from " + before + " to " + after);
    }

    @Test
    void rangerCheckpointLoadsIntoAFreshRanger(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("ranger.safetensors");
        TinyMlp model = LookaheadAndRanger.ranger(60, file);
        Lookahead fresh = Ranger.create(model.parameters(), RAdam.defaults());
        Checkpoints.load(fresh.inner(), file, fresh);
        assertEquals(60, fresh.steps());
        assertEquals(5e-3, fresh.paramGroups().get(0).lr());
    }

    @Test
    void accumulatingFourQuarterBatchesMatchesTheFullBatch() {
        TinyMlp accumulated = AccumulateGradients.train(50);

        TinyMlp fullBatch = TinyMlp.create(9);
        AdamW adamw = new AdamW(fullBatch.parameters(), AdamW.defaults());
        for (int step = 0; step < 50; step++) {
            fullBatch.forwardBackward();
            adamw.step();
        }
        for (int i = 0; i < TinyMlp.NAMES.size(); i++) {
            float[] want = fullBatch.parameters().get(i).value().toArray();
            float[] got = accumulated.parameters().get(i).value().toArray();
            assertArrayEquals(want, got, 1e-4f, TinyMlp.NAMES.get(i));
        }
    }

    @Test
    void nanGradientIsSkippedAndCounted() {
        Adam adam = GradientSafety.train(100);
        assertEquals(1, adam.skippedSteps());
        for (Parameter p : adam.paramGroups().get(0).parameters()) {
            for (float v : p.value().toArray()) {
                assertTrue(Float.isFinite(v), p.name() + " holds " + v);
            }
        }
    }

    @Test
    void scheduleFreeEvalChangesTheWeightsAndTrainRestoresEveryBit(@TempDir Path tmp) throws Exception {
        TinyMlp model = TinyMlp.create(11);
        double before = model.forwardBackward();
        AdamWScheduleFree opt = ScheduleFree.train(model, 5, tmp.resolve("sf.safetensors"));

        TinyMlp neverEvaluated = TinyMlp.create(11);
        AdamWScheduleFree plain = new AdamWScheduleFree(neverEvaluated.parameters(),
                AdamWScheduleFree.defaults().with("warmup_steps", 20));
        for (int step = 0; step < 5 * ScheduleFree.STEPS_PER_EPOCH; step++) {
            neverEvaluated.forwardBackward();
            plain.step();
        }
        assertSameValues(neverEvaluated.parameters(), model.parameters());   // eval(); train() changed nothing

        float[][] y = StateDicts.copyOf(model.parameters());
        opt.eval();
        float[][] x = StateDicts.copyOf(model.parameters());
        assertTrue(!java.util.Arrays.deepEquals(y, x), "eval() left the parameters at y");
        double atX = model.forwardBackward();
        assertTrue(atX < before / 4, "loss at x " + atX + ", at the start " + before);
        opt.train();
        assertArrayEquals(y, StateDicts.copyOf(model.parameters()));

        AdamWScheduleFree loaded = new AdamWScheduleFree(TinyMlp.create(11).parameters(), AdamWScheduleFree.defaults());
        Checkpoints.load(loaded, tmp.resolve("sf.safetensors"));
        assertTrue(!loaded.training(), "the checkpoint was saved in eval mode");
    }

    @Test
    void swaAverageIsTheMeanOfTheWeightsAtTheEndOfEachAveragedEpoch() {
        int epochs = 30, swaStart = 20;
        AveragedModel swa = WeightAveraging.swa(TinyMlp.create(13), epochs, swaStart);
        assertEquals(epochs - swaStart - 1, swa.nAveraged());

        TinyMlp replay = TinyMlp.create(13);                 // the same training, without the average
        Sgd sgd = new Sgd(replay.parameters(), Sgd.defaults().with("lr", 0.05).with("momentum", 0.9));
        SWALR swaLr = new SWALR(sgd, 0.025);
        double[][] sum = new double[TinyMlp.NAMES.size()][];
        for (int epoch = 0; epoch < epochs; epoch++) {
            WeightAveraging.trainOneEpoch(replay, sgd);
            if (epoch > swaStart) {
                for (int i = 0; i < sum.length; i++) {
                    float[] p = replay.parameters().get(i).value().toArray();
                    sum[i] = sum[i] == null ? new double[p.length] : sum[i];
                    for (int j = 0; j < p.length; j++) {
                        sum[i][j] += p[j];
                    }
                }
                swaLr.step();
            }
        }
        for (int i = 0; i < sum.length; i++) {
            String name = TinyMlp.NAMES.get(i);
            float[] got = swa.averaged(name);
            for (int j = 0; j < got.length; j++) {
                double mean = sum[i][j] / swa.nAveraged();
                assertEquals(mean, got[j], 1e-6 + 1e-5 * Math.abs(mean), name + "[" + j + "]");
            }
        }
    }

    @Test
    void emaFollowsTimmsWarmupAndLoadsBackFromItsCheckpoint(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("ema.safetensors");
        int steps = 40;
        AveragedModel ema = WeightAveraging.ema(TinyMlp.create(13), steps, file);

        TinyMlp replay = TinyMlp.create(13);                 // AdamW alone, averaged here in double
        AdamW adamw = new AdamW(replay.parameters(), AdamW.defaults());
        double[][] avg = new double[TinyMlp.NAMES.size()][];
        for (int n = 0; n < steps; n++) {
            replay.forwardBackward();
            adamw.step();
            double decay = Math.min(0.9999, 1 - Math.pow(1 + n, -2.0 / 3));   // n models averaged before
            for (int i = 0; i < avg.length; i++) {
                float[] p = replay.parameters().get(i).value().toArray();
                if (avg[i] == null) {
                    avg[i] = new double[p.length];
                    for (int j = 0; j < p.length; j++) {
                        avg[i][j] = p[j];
                    }
                } else {
                    for (int j = 0; j < p.length; j++) {
                        avg[i][j] = decay * avg[i][j] + (1 - decay) * p[j];
                    }
                }
            }
        }
        for (int i = 0; i < avg.length; i++) {
            String name = TinyMlp.NAMES.get(i);
            float[] got = ema.averaged(name);
            for (int j = 0; j < got.length; j++) {
                assertEquals(avg[i][j], got[j], 1e-6 + 1e-5 * Math.abs(avg[i][j]), name + "[" + j + "]");
            }
        }

        AveragedModel fresh = AveragedModel.of(new AdamW(TinyMlp.create(1).parameters(), AdamW.defaults()),
                Averaging.emaWithWarmup(0.9999));
        Checkpoints.load(fresh.inner(), file, fresh);
        assertEquals(steps, fresh.nAveraged());
        for (String name : TinyMlp.NAMES) {
            assertArrayEquals(ema.averaged(name), fresh.averaged(name), name);
        }
    }

    @Test
    void runResumedFromAStateDictRepeatsTheSecondHalfBitForBit() {
        float[][][] halves = StateDicts.secondHalfTwice(50);
        assertArrayEquals(halves[0], halves[1]);
        TinyMlp start = TinyMlp.create(17);
        assertTrue(!java.util.Arrays.deepEquals(StateDicts.copyOf(start.parameters()), halves[0]), "nothing trained");
    }

    @Test
    void chainedStepAndExponentialDecayMultiplyTheirFactors() {
        double[] lr = ChainedSchedules.train(4);
        assertEquals(1.0, lr[0]);
        assertEquals(0.45, lr[1], 1e-15);
        assertEquals(0.2025, lr[2], 1e-15);
        assertEquals(0.091125, lr[3], 1e-15);
    }

    @Test
    void everyExampleRunsFromItsMainMethod(@TempDir Path tmp) throws Exception {
        String dir = tmp.toString();
        List<ThrowingRunnable> mains = List.of(
                () -> TrainTinyModel.main(new String[0]),
                () -> ParameterGroups.main(new String[0]),
                () -> CheckpointResume.main(new String[] {dir}),
                () -> Schedules.main(new String[0]),
                () -> LookaheadAndRanger.main(new String[] {dir}),
                () -> AccumulateGradients.main(new String[0]),
                () -> GradientSafety.main(new String[0]),
                () -> ScheduleFree.main(new String[] {dir}),
                () -> WeightAveraging.main(new String[] {dir}),
                () -> StateDicts.main(new String[0]),
                () -> ChainedSchedules.main(new String[0]));
        for (ThrowingRunnable main : mains) {
            assertTrue(!stdoutOf(main).isBlank());
        }
    }

    private static void assertSameValues(List<Parameter> want, List<Parameter> got) {
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i).value().toArray(), got.get(i).value().toArray(), want.get(i).name());
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static synchronized String stdoutOf(ThrowingRunnable main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
