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
import vecopt.engine.Lookahead;
import vecopt.engine.Parameter;
import vecopt.engine.RAdam;
import vecopt.engine.Ranger;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;

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
    void everyExampleRunsFromItsMainMethod(@TempDir Path tmp) throws Exception {
        String dir = tmp.toString();
        List<ThrowingRunnable> mains = List.of(
                () -> TrainTinyModel.main(new String[0]),
                () -> ParameterGroups.main(new String[0]),
                () -> CheckpointResume.main(new String[] {dir}),
                () -> Schedules.main(new String[0]),
                () -> LookaheadAndRanger.main(new String[] {dir}),
                () -> AccumulateGradients.main(new String[0]),
                () -> GradientSafety.main(new String[0]));
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
