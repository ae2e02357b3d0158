package vecopt.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.engine.GradientClipping;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Rules;
import vecopt.engine.AdamW;
import vecopt.engine.AdamWScheduleFree;
import vecopt.engine.AveragedModel;
import vecopt.engine.LAMB;
import vecopt.engine.LARS;
import vecopt.engine.ParamGroup;
import vecopt.engine.Averaging;
import vecopt.engine.Lookahead;
import vecopt.engine.Parameter;
import vecopt.engine.RAdam;
import vecopt.engine.Ranger;
import vecopt.engine.Sgd;
import vecopt.engine.checkpoint.CheckpointException;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.tensor.FloatTensor;
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
    void mixedPrecisionFitsBfloat16WeightsAndSkipsTheOverflowedStep() {
        MixedPrecision.Result r = MixedPrecision.fit(200);
        assertTrue(r.lastDistance() < r.firstDistance() / 20, r.firstDistance() + " -> " + r.lastDistance());
        assertEquals(1, r.skippedSteps());
        assertTrue(r.overflowLeftWeights(), "the step with an infinite gradient wrote weights");
    }

    @Test
    void mixedPrecisionFitsFloat16WeightsWithSgdAndSkipsTheOverflowedStep() {
        MixedPrecision.Result r = MixedPrecision.fitFloat16(200);
        assertTrue(r.lastDistance() < r.firstDistance() / 20, r.firstDistance() + " -> " + r.lastDistance());
        assertEquals(1, r.skippedSteps());
        assertTrue(r.overflowLeftWeights(), "the step with an infinite gradient wrote weights");
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
    void lbfgsReturnsTheLossAtTheStartOfEachStepAndEndsFarBelowIt() {
        double start = TinyMlp.create(3).forwardBackward();
        TinyMlp model = TinyMlp.create(3);
        double[] losses = FitWithLbfgs.train(model, 10);
        assertEquals(start, losses[0], "step 1 returns the closure's first call, at the initial weights");
        for (int k : new int[] {1, 4}) {                     // a run stopped after k steps, evaluated afresh
            TinyMlp partial = TinyMlp.create(3);
            FitWithLbfgs.train(partial, k);
            assertEquals(partial.forwardBackward(), losses[k], "step " + (k + 1));
        }
        double end = model.forwardBackward();
        assertTrue(end < start / 100, "loss went from " + start + " to " + end);
    }

    @Test
    void lambExcludesTheBiasesFromDecayAndTrustRatioSoTheirStepsArePlainAdam() {
        TinyMlp model = TinyMlp.create(19);
        LAMB lamb = TrustRatioGroups.lamb(model.parameters());
        ParamGroup rest = lamb.paramGroups().get(0), excluded = lamb.paramGroups().get(1);
        assertEquals(List.of("fc1.weight", "fc2.weight"), rest.parameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("fc1.bias", "fc2.bias"), excluded.parameters().stream().map(Parameter::name).toList());
        assertEquals(0.01, rest.hyperparameters().get("weight_decay"));
        assertTrue(rest.hyperparameters().flag("use_trust_ratio"));
        assertEquals(0.0, excluded.hyperparameters().get("weight_decay"));
        assertTrue(!excluded.hyperparameters().flag("use_trust_ratio"));
        assertEquals(2e-3, excluded.lr());

        // Adam's moments in double, from the paper's equations, for two steps
        double lr = 2e-3, b1 = 0.9, b2 = 0.999, eps = 1e-6;
        List<Parameter> ps = model.parameters();
        double[][] m = new double[ps.size()][], v = new double[ps.size()][];
        for (int t = 1; t <= 2; t++) {
            model.forwardBackward();
            float[][] p0 = StateDicts.copyOf(ps);
            double[][] want = new double[ps.size()][];
            for (int i = 0; i < ps.size(); i++) {
                float[] g = ps.get(i).grad().toArray();
                boolean weight = ps.get(i).name().endsWith("weight");
                m[i] = m[i] == null ? new double[g.length] : m[i];
                v[i] = v[i] == null ? new double[g.length] : v[i];
                double[] u = new double[g.length];
                double pNorm = 0, uNorm = 0;
                for (int j = 0; j < g.length; j++) {
                    m[i][j] = b1 * m[i][j] + (1 - b1) * g[j];
                    v[i][j] = b2 * v[i][j] + (1 - b2) * g[j] * g[j];
                    u[j] = m[i][j] / (1 - Math.pow(b1, t)) / (Math.sqrt(v[i][j] / (1 - Math.pow(b2, t))) + eps)
                            + (weight ? 0.01 * p0[i][j] : 0);
                    pNorm += (double) p0[i][j] * p0[i][j];
                    uNorm += u[j] * u[j];
                }
                double ratio = weight ? Math.sqrt(pNorm) / Math.sqrt(uNorm) : 1;
                want[i] = new double[g.length];
                for (int j = 0; j < g.length; j++) {
                    want[i][j] = p0[i][j] - lr * ratio * u[j];
                }
            }
            lamb.step();
            for (int i = 0; i < ps.size(); i++) {
                float[] got = ps.get(i).value().toArray();
                for (int j = 0; j < got.length; j++) {
                    assertEquals(want[i][j], got[j], 1e-7 + 1e-5 * Math.abs(want[i][j]),
                            "step " + t + ", " + ps.get(i).name() + "[" + j + "]");
                }
            }
        }
        double before = TinyMlp.create(19).forwardBackward();
        double after = TrustRatioGroups.train(model, lamb, 300);
        assertTrue(after < before / 4, "loss went from " + before + " to " + after);
    }

    @Test
    void larsMovesEachWeightTensorByLrTimesTheTrustCoefficientOfItsNormAndTheBiasesBySgd() {
        TinyMlp model = TinyMlp.create(19);
        LARS lars = TrustRatioGroups.lars(model.parameters());
        assertEquals(List.of("fc1.bias", "fc2.bias"),
                lars.paramGroups().get(1).parameters().stream().map(Parameter::name).toList());
        model.forwardBackward();
        float[][] p0 = StateDicts.copyOf(model.parameters());
        float[][] g = new float[p0.length][];
        for (int i = 0; i < p0.length; i++) {
            g[i] = model.parameters().get(i).grad().toArray();
        }
        lars.step();
        for (int i = 0; i < p0.length; i++) {
            String name = model.parameters().get(i).name();
            float[] p1 = model.parameters().get(i).value().toArray();
            if (name.endsWith("weight")) {                   // |p1 - p0| = lr * trust_coefficient * |p0|
                double moved = 0, norm = 0;
                for (int j = 0; j < p1.length; j++) {
                    moved += Math.pow((double) p1[j] - p0[i][j], 2);
                    norm += (double) p0[i][j] * p0[i][j];
                }
                assertEquals(4.8e-3, Math.sqrt(moved / norm), 1e-5, name);
            } else {                                         // zero-initialised: p1 = -lr * g
                for (int j = 0; j < p1.length; j++) {
                    assertEquals(-0.05 * g[i][j], p1[j], 1e-6 * Math.abs(0.05 * g[i][j]) + 1e-12, name + "[" + j + "]");
                }
            }
        }
        double before = TinyMlp.create(19).forwardBackward();
        double after = TrustRatioGroups.train(model, lars, 300);
        assertTrue(after < before / 4, "loss went from " + before + " to " + after);
    }

    // ---- Write your own rule: Signum, a rule outside the engine ----

    /**
     * Signum from the paper's equations (Bernstein et al. 2018, Algorithm 3), in double, with vecopt's
     * clipping and maximize applied to the gradient first: d = s * clamp(g) + wd * p; m = beta * m +
     * (1 - beta) * d; p = p - lr * sign(m).
     */
    private static void signumInDouble(double[] p, double[] m, float[] g, double lr, double beta, double wd,
                                       double scale, double clip) {
        for (int i = 0; i < p.length; i++) {
            double d = scale * Math.max(-clip, Math.min(clip, g[i])) + wd * p[i];
            m[i] = beta * m[i] + (1 - beta) * d;
            p[i] -= lr * Math.signum(m[i]);
        }
    }

    @Test
    void signumFollowsItsFloat64ReferenceOnTheVectorKernel() {
        assertTrue(Optimizers.vectorBitSize() > 0, "ExamplesTest runs with --add-modules jdk.incubator.vector");
        record Case(Hyperparameters h, GradientClipping clipping) { }
        List<Case> cases = List.of(
                new Case(Signum.defaults(), GradientClipping.none()),
                new Case(Signum.defaults().with("lr", 1e-3).with("momentum", 0.5).with("weight_decay", 0.1)
                        .with("maximize", true), GradientClipping.byValue(0.5)),
                new Case(Signum.defaults().with("lr", 0.1).with("momentum", 0).with("weight_decay", 0.01),
                        GradientClipping.byNorm(1.0)));
        for (Case c : cases) {
            int n = 1021;                                    // vector body and scalar tail
            int offset = 3;
            SplittableRandom random = new SplittableRandom(41);
            float[] model = new float[offset + n + 5];
            float[] grads = new float[model.length];
            double[] p = new double[n];
            double[] m = new double[n];
            for (int i = 0; i < n; i++) {
                model[offset + i] = (float) random.nextGaussian();
                p[i] = model[offset + i];
            }
            Parameter w = new Parameter("w", FloatTensor.view(model, offset, n), FloatTensor.view(grads, offset, n));
            Signum signum = new Signum(List.of(w), c.h());
            signum.setGradientClipping(c.clipping());
            assertEquals(SignumVectorKernel.bitSize(), Optimizers.vectorBitSize(signum));
            double lr = c.h().get("lr"), beta = c.h().get("momentum"), wd = c.h().get("weight_decay");
            for (int step = 1; step <= 25; step++) {
                float[] g = new float[n];
                double sumOfSquares = 0;
                for (int i = 0; i < n; i++) {                // magnitudes 1e-6 to 1e3, one in ten 0
                    g[i] = random.nextInt(10) == 0 ? 0f
                            : (float) ((random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-6, 3)));
                    grads[offset + i] = g[i];
                    sumOfSquares += (double) g[i] * g[i];
                }
                double scale = c.clipping() instanceof GradientClipping.ByNorm
                        ? Math.min(1, 1.0 / (Math.sqrt(sumOfSquares) + 1e-6)) : 1;
                double clip = c.clipping() instanceof GradientClipping.ByValue ? 0.5 : Double.POSITIVE_INFINITY;
                signumInDouble(p, m, g, lr, beta, wd, c.h().flag("maximize") ? -scale : scale, clip);
                signum.step();
                float[] mGot = signum.state("w").buffer("momentum_buffer");
                double mMax = Arrays.stream(m).map(Math::abs).max().orElse(0);
                for (int i = 0; i < n; i++) {
                    String where = c + " step " + step + " element " + i;
                    assertEquals(p[i], model[offset + i], 1e-5 * Math.abs(p[i]) + 1e-6, where + ": parameter");
                    assertEquals(m[i], mGot[i], 1e-4 * Math.abs(m[i]) + 1e-6 * mMax, where + ": momentum");
                }
            }
            assertEquals(0f, model[offset - 1]);
            assertEquals(0f, model[offset + n], "nothing outside the view is written");
        }
    }

    @Test
    void signumIsBuiltByNameOnceRegisteredAndTrainsTheMlp() {
        double[] losses = WriteYourOwnRule.train(300);
        assertTrue(Rules.contains("Signum"));
        Signum.register();                                   // a second call is harmless
        Optimizer byName = Optimizers.fromTorch("Signum", TinyMlp.create(1).parameters(),
                Map.of("lr", 0.05, "weight_decay", 1e-4));
        assertTrue(byName instanceof Signum);
        assertEquals(Map.of("lr", 0.05, "momentum", 0.9, "weight_decay", 1e-4, "maximize", 0.0),
                byName.paramGroups().get(0).hyperparameters().asMap());
        assertEquals(TinyMlp.create(3).forwardBackward(), losses[0]);
        assertTrue(losses[299] < losses[0] / 4, "loss went from " + losses[0] + " to " + losses[299]);
    }

    @Test
    void signumResumesFromItsCheckpointBitForBit(@TempDir Path tmp) throws Exception {
        float[][][] runs = WriteYourOwnRule.uninterruptedAndResumed(tmp, 60);
        assertArrayEquals(runs[0], runs[1]);
        assertTrue(!Arrays.deepEquals(StateDicts.copyOf(TinyMlp.create(11).parameters()), runs[0]), "nothing trained");

        Signum resumed = new Signum(TinyMlp.create(11).parameters(), Signum.defaults());
        Checkpoints.load(resumed, tmp.resolve("signum.safetensors"));
        assertEquals(60, resumed.state("fc1.weight").step());
        assertEquals(java.util.Set.of("momentum_buffer"), resumed.state("fc1.weight").buffers().keySet());
        assertEquals(3e-3, resumed.paramGroups().get(0).lr());
        Sgd sgd = new Sgd(TinyMlp.create(11).parameters(), Sgd.defaults().with("momentum", 0.9));
        var e = assertThrows(CheckpointException.class, () -> Checkpoints.load(sgd, tmp.resolve("signum.safetensors")));
        assertTrue(e.getMessage().contains("Signum"), e.getMessage());
    }

    @Test
    void signumsScalarAndVectorKernelsAgreeBitForBit() throws Exception {
        assertTrue(Optimizers.vectorBitSize() > 0, "ExamplesTest runs with --add-modules jdk.incubator.vector");
        assertEquals(List.of(), WriteYourOwnRule.kernelMismatches());
        String out = stdoutOf(() -> WriteYourOwnRule.main(new String[] {Files.createTempDirectory("signum").toString()}));
        assertTrue(out.contains("resumed from a checkpoint: bit for bit"), out);
        assertTrue(out.contains("kernels: vector (" + Optimizers.vectorBitSize() + " bits) and scalar differ in 0 of 13 cases"), out);
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
                () -> ChainedSchedules.main(new String[0]),
                () -> FitWithLbfgs.main(new String[0]),
                () -> TrustRatioGroups.main(new String[0]),
                () -> WriteYourOwnRule.main(new String[] {dir}));
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
