package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;
import vecopt.engine.Parameter;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.ReduceOnPlateau;

/**
 * A whole training run, not just the optimizer's buffers, resumes bit for bit: with gradient
 * clipping, gradient noise or skipped non-finite steps, and with a cosine schedule and a
 * reduce-on-plateau scheduler, N steps, save, then M more steps gives the same parameters, state,
 * step counts, skipped steps, settings, scheduled hyperparameters and scheduler positions as a fresh
 * optimizer with fresh schedulers loaded from the file and stepped M times. The fresh optimizer keeps
 * its default settings until the load: everything it needs comes from the file.
 */
class CheckpointRunResumeTest {

    static final int N = 6;
    static final int M = 7;

    /**
     * The validation loss after each step (index 0 unused): it improves, stalls and improves again,
     * so that with patience 1 and cooldown 2 the plateau scheduler reduces the rate at steps 3, 7 and
     * 12 and has one bad step counted when the run is saved after step 6.
     */
    static final double[] LOSS = {Double.NaN, 0.8, 0.81, 0.82, 0.83, 0.6, 0.61, 0.62, 0.62, 0.63, 0.5, 0.55, 0.56, 0.57};

    /** Steps whose gradients hold a NaN when a case asks for them: one before the save, one after. */
    static final Set<Integer> NAN_STEPS = Set.of(3, 9);

    /** How the optimizer treats gradients in one case. */
    record Setup(String name, GradientClipping clipping, GradientNoise noise, NonFinitePolicy policy,
                 boolean nanGradients) {

        void applyTo(Optimizer o) {
            o.setGradientClipping(clipping);
            o.setGradientNoise(noise);
            o.setNonFinitePolicy(policy);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Setup> SETUPS = List.of(
            new Setup("no clipping, no noise", GradientClipping.none(), GradientNoise.none(), NonFinitePolicy.ERROR,
                    false),
            new Setup("clipping by norm 0.5", GradientClipping.byNorm(0.5), GradientNoise.none(),
                    NonFinitePolicy.ERROR, false),
            new Setup("clipping by value 0.01", GradientClipping.byValue(0.01), GradientNoise.none(),
                    NonFinitePolicy.ERROR, false),
            new Setup("noise eta 0.01 gamma 0.3", GradientClipping.none(), new GradientNoise(0.01, 0.3, 42),
                    NonFinitePolicy.PROPAGATE, false),
            new Setup("SKIP with NaN gradients, clipping by norm, noise", GradientClipping.byNorm(1.0),
                    GradientNoise.of(0.001, -7), NonFinitePolicy.SKIP, true));

    /** A rule and the hyperparameter its cosine schedule anneals (the plateau scheduler drives lr). */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Setup setup : SETUPS) {
            cases.add(Arguments.of("SGD", "momentum", setup));
            cases.add(Arguments.of("Adam", "beta1", setup));
        }
        return cases.stream();
    }

    /** One training run: a model, its optimizer and the two schedulers that drive it. */
    record Run(List<Parameter> model, Optimizer optimizer, String annealed, HyperparameterScheduler cosine,
               ReduceOnPlateau plateau) {

        /** {@code rule} at lr 0.05 (0.025 in the second group) with momentum or beta1 0.9, schedulers at step 0. */
        static Run of(String rule, String annealed, List<Parameter> model) {
            Optimizer o = Fixtures.optimizer(rule, Map.of("lr", 0.05, annealed, 0.9), model);
            return attach(model, o, annealed);
        }

        /** The schedulers attached to {@code o}: cosine from the current value to 0.5 over 10 steps, plateau on lr. */
        static Run attach(List<Parameter> model, Optimizer o, String annealed) {
            return new Run(model, o, annealed, new HyperparameterScheduler(o, annealed, new CosineAnnealing(10, 0.5)),
                    new ReduceOnPlateau(o, false, 0.5, 1, 1e-4, true, 2, 1e-5, 1e-12));
        }

        Checkpointable[] schedulers() {
            return new Checkpointable[] {cosine, plateau};
        }

        /** Steps {@code from + 1 .. to} as a training loop does: gradients, optimizer, then each scheduler. */
        void train(int from, int to, boolean nanGradients) {
            for (int step = from + 1; step <= to; step++) {
                Fixtures.gradients(model, step);
                if (nanGradients && NAN_STEPS.contains(step)) {
                    model.get(1).grad().setFlat(2, Float.NaN);
                }
                optimizer.step();
                cosine.step();
                plateau.step(LOSS[step]);
            }
        }
    }

    private static List<Parameter> copyOf(List<Parameter> model) {
        List<Parameter> copy = new ArrayList<>();
        model.forEach(p -> copy.add(Fixtures.copyOf(p)));
        return copy;
    }

    /** Same parameter bits, optimizer state and settings, hyperparameter bits and scheduler positions. */
    static void assertSameRun(Run expected, Run actual, String context) {
        Fixtures.assertParametersBitIdentical(expected.model, actual.model, context);
        Fixtures.Snapshot.of(expected.optimizer).assertSame(Fixtures.Snapshot.of(actual.optimizer), false, context);
        for (int g = 0; g < expected.optimizer.paramGroups().size(); g++) {
            ParamGroup want = expected.optimizer.paramGroups().get(g);
            ParamGroup got = actual.optimizer.paramGroups().get(g);
            for (String h : List.of("lr", expected.annealed)) {
                assertEquals(Double.doubleToRawLongBits(want.hyperparameters().get(h)),
                        Double.doubleToRawLongBits(got.hyperparameters().get(h)), context + ": group " + g + " " + h);
            }
        }
        assertEquals(expected.cosine.checkpointState(), actual.cosine.checkpointState(), context + ": cosine position");
        assertEquals(expected.plateau.checkpointState(), actual.plateau.checkpointState(), context + ": plateau counters");
    }

    @ParameterizedTest(name = "{0}, {1} annealed, {2}")
    @MethodSource("cases")
    void resumedRunIsBitIdenticalToUninterruptedRun(String rule, String annealed, Setup setup, @TempDir Path dir)
            throws IOException {
        Run uninterrupted = Run.of(rule, annealed, Fixtures.model(21));
        setup.applyTo(uninterrupted.optimizer);
        uninterrupted.train(0, N, setup.nanGradients);
        assertEquals(1L, uninterrupted.plateau.checkpointState().get("bad_steps"), "saved in the middle of a plateau");
        assertEquals(setup.nanGradients ? 1 : 0, uninterrupted.optimizer.skippedSteps());
        Path file = dir.resolve("run.safetensors");
        Checkpoints.save(uninterrupted.optimizer, file, uninterrupted.schedulers());

        Run resumed = Run.of(rule, annealed, copyOf(uninterrupted.model));
        assertNotEquals(uninterrupted.optimizer.paramGroups().get(0).hyperparameters(),
                resumed.optimizer.paramGroups().get(0).hyperparameters(), "scheduled values are in the file only");
        Checkpoints.load(resumed.optimizer, file, resumed.schedulers());
        assertSameRun(uninterrupted, resumed, "after load");
        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(resumed.optimizer, again, resumed.schedulers());
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "save, load, save");

        uninterrupted.train(N, N + M, setup.nanGradients);
        resumed.train(N, N + M, setup.nanGradients);
        assertSameRun(uninterrupted, resumed, "after " + M + " more steps");
        assertEquals(Double.doubleToRawLongBits(uninterrupted.optimizer.lastGradientNorm()),
                Double.doubleToRawLongBits(resumed.optimizer.lastGradientNorm()), "last gradient norm");
        assertEquals(setup.nanGradients ? 2 : 0, resumed.optimizer.skippedSteps());
        assertEquals(N + M, resumed.cosine.steps());
    }

    @Test
    void theScheduleContinuesFromTheSavedInitialValueNotTheOneItWasAttachedAt(@TempDir Path dir) throws IOException {
        Run uninterrupted = Run.of("SGD", "momentum", Fixtures.model(5));
        uninterrupted.train(0, N, false);
        Path file = dir.resolve("run.safetensors");
        Checkpoints.save(uninterrupted.optimizer, file, uninterrupted.schedulers());

        // the resumed script builds its optimizer with another momentum; the schedule's origin is still 0.9
        List<Parameter> model = copyOf(uninterrupted.model);
        Optimizer o = Fixtures.optimizer("SGD", Map.of("lr", 0.05, "momentum", 0.7), model);
        Run resumed = Run.attach(model, o, "momentum");
        assertEquals(0.7, resumed.cosine.checkpointState().get("initial.0"));
        Checkpoints.load(o, file, resumed.schedulers());
        assertEquals(0.9, resumed.cosine.checkpointState().get("initial.0"));

        uninterrupted.train(N, N + M, false);
        resumed.train(N, N + M, false);
        assertSameRun(uninterrupted, resumed, "after " + M + " more steps");
    }

    @Test
    void theSettingsAndCountersAreInTheFileForPythonToo(@TempDir Path dir) throws IOException {
        Run run = Run.of("Adam", "beta1", Fixtures.model(3));
        SETUPS.get(4).applyTo(run.optimizer);
        run.train(0, N, true);
        Path file = dir.resolve("run.safetensors");
        Checkpoints.save(run.optimizer, file, run.schedulers());
        Map<String, Object> metadata = Crafted.metadata(Crafted.header(Files.readAllBytes(file)));
        assertEquals("{\"skipped_steps\":1,\"non_finite_policy\":\"SKIP\",\"gradient_clipping\":{\"kind\":\"by_norm\","
                + "\"max_norm\":1.0},\"gradient_noise\":{\"eta\":0.001,\"gamma\":0.55,\"seed\":-7}}", metadata.get("settings"));
        assertEquals("[{\"name\":\"HyperparameterScheduler(beta1)\",\"state\":{\"t\":6,\"initial.0\":0.9,\"initial.1\":0.9}},"
                + "{\"name\":\"ReduceOnPlateau(min)\",\"state\":{\"best\":0.6,\"bad_steps\":1,\"cooldown_left\":0}}]",
                metadata.get("schedulers"));
    }

    @Test
    void aPlateauSchedulerThatNeverSawAMetricRoundTripsItsInfiniteBest(@TempDir Path dir) throws IOException {
        Run run = Run.of("SGD", "momentum", Fixtures.model(3));
        Path file = dir.resolve("run.safetensors");
        Checkpoints.save(run.optimizer, file, run.schedulers());
        assertEquals(Double.POSITIVE_INFINITY, run.plateau.checkpointState().get("best"));

        Run other = Run.of("SGD", "momentum", Fixtures.model(3));
        other.train(0, 2, false);
        Checkpoints.load(other.optimizer, file, other.schedulers());
        assertEquals(run.plateau.checkpointState(), other.plateau.checkpointState());
        assertEquals(0L, other.cosine.steps());
    }
}
