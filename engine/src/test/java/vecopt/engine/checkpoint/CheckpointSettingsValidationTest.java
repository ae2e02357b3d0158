package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.ReduceOnPlateau;

/**
 * The settings and scheduler positions of a checkpoint are checked like the rest of it: a damaged
 * or inconsistent value, or schedulers that do not match those saved, is rejected with a message
 * naming the field and its value, and neither the optimizer nor any scheduler is changed, not even
 * the schedulers before the one that failed.
 */
class CheckpointSettingsValidationTest {

    @TempDir
    Path dir;

    /**
     * Adam saved after 6 steps with clipping by norm, noise, SKIP and one skipped step, driven by a
     * cosine schedule on beta1 and a plateau scheduler (patience 1, cooldown 2): the file every case
     * starts from.
     */
    private byte[] saved;

    @BeforeEach
    void saveRun() throws IOException {
        CheckpointRunResumeTest.Run run = CheckpointRunResumeTest.Run.of("Adam", "beta1", Fixtures.model(31));
        CheckpointRunResumeTest.SETUPS.get(4).applyTo(run.optimizer());
        run.train(0, CheckpointRunResumeTest.N, true);
        Path file = dir.resolve("run.safetensors");
        Checkpoints.save(run.optimizer(), file, run.schedulers());
        saved = Files.readAllBytes(file);
    }

    /** The run loads are tried on: the same model and schedulers, other settings, 4 steps in. */
    private static CheckpointRunResumeTest.Run target() {
        CheckpointRunResumeTest.Run run = CheckpointRunResumeTest.Run.of("Adam", "beta1", Fixtures.model(32));
        run.optimizer().setGradientClipping(GradientClipping.byValue(0.3));
        run.optimizer().setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        run.train(0, 4, false);
        return run;
    }

    /** Every scheduler's position. */
    private static List<Map<String, Number>> positions(Checkpointable... schedulers) {
        return java.util.Arrays.stream(schedulers).map(Checkpointable::checkpointState).toList();
    }

    /**
     * Loading {@code file} into {@code o} with {@code schedulers} fails with a message containing
     * {@code expected}; o and the schedulers are unchanged.
     */
    private void assertRejected(Optimizer o, Checkpointable[] schedulers, byte[] file, String expected)
            throws IOException {
        Path path = Files.write(dir.resolve("bad.safetensors"), file);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        List<Map<String, Number>> positions = positions(schedulers);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(o, path, schedulers));
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected: " + expected);
        before.assertSame(Fixtures.Snapshot.of(o), true, "after a rejected load");
        assertEquals(positions, positions(schedulers), "scheduler positions after a rejected load");
    }

    private void assertRejected(byte[] file, String expected) throws IOException {
        CheckpointRunResumeTest.Run run = target();
        assertRejected(run.optimizer(), run.schedulers(), file, expected);
    }

    @SuppressWarnings("unchecked")
    private void assertSettingsEditRejected(Consumer<Map<String, Object>> edit, String expected) throws IOException {
        assertRejected(Crafted.editEntry(saved, "settings", s -> edit.accept((Map<String, Object>) s)), expected);
    }

    @SuppressWarnings("unchecked")
    private void assertSchedulerEditRejected(int scheduler, Consumer<Map<String, Object>> editState, String expected)
            throws IOException {
        assertRejected(Crafted.editEntry(saved, "schedulers", list -> editState.accept(
                (Map<String, Object>) ((Map<String, Object>) ((List<Object>) list).get(scheduler)).get("state"))),
                expected);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> clipping(Map<String, Object> settings) {
        return (Map<String, Object>) settings.get("gradient_clipping");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> noise(Map<String, Object> settings) {
        return (Map<String, Object>) settings.get("gradient_noise");
    }

    private static Json.Number number(String literal) {
        return Crafted.number(literal);
    }

    @Test
    void theUneditedFileLoads() throws IOException {
        CheckpointRunResumeTest.Run run = target();
        Checkpoints.load(run.optimizer(), Files.write(dir.resolve("good.safetensors"),
                Crafted.editEntry(saved, "settings", s -> { })), run.schedulers());
        assertEquals(1, run.optimizer().skippedSteps());
        assertEquals(GradientClipping.byNorm(1.0), run.optimizer().gradientClipping());
        assertEquals(NonFinitePolicy.SKIP, run.optimizer().nonFinitePolicy());
        assertEquals(GradientNoise.of(0.001, -7), run.optimizer().gradientNoise());
        assertEquals(6L, run.cosine().checkpointState().get("t"));
    }

    // ---- settings ----

    @Test
    void aNegativeOrFractionalSkippedStepCount() throws IOException {
        assertSettingsEditRejected(s -> s.put("skipped_steps", number("-1")),
                "settings: skipped_steps must be >= 0, got -1");
        assertSettingsEditRejected(s -> s.put("skipped_steps", number("1.5")),
                "settings skipped_steps must be an integer that fits 64 bits, got 1.5");
    }

    @Test
    void anUnknownNonFinitePolicy() throws IOException {
        assertSettingsEditRejected(s -> s.put("non_finite_policy", "IGNORE"),
                "settings: non_finite_policy must be one of [ERROR, SKIP, PROPAGATE], got \"IGNORE\"");
        assertSettingsEditRejected(s -> s.put("non_finite_policy", "skip"),
                "settings: non_finite_policy must be one of [ERROR, SKIP, PROPAGATE], got \"skip\"");
    }

    @Test
    void anInvalidClippingSetting() throws IOException {
        assertSettingsEditRejected(s -> clipping(s).put("kind", "by_mean"),
                "settings gradient_clipping: kind must be \"none\", \"by_norm\", \"by_norm_per_parameter\" or \"by_value\", got \"by_mean\"");
        assertSettingsEditRejected(s -> clipping(s).put("max_norm", number("-1")),
                "settings gradient_clipping: max_norm must be > 0, got -1");
        assertSettingsEditRejected(s -> clipping(s).put("max_norm", number("0")),
                "settings gradient_clipping: max_norm must be > 0, got 0");
        assertSettingsEditRejected(s -> clipping(s).put("max_norm", number("1e999")),
                "settings gradient_clipping: max_norm must be finite, got Infinity");
        assertSettingsEditRejected(s -> clipping(s).put("max_norm", "NaN"),
                "settings gradient_clipping max_norm must be a number, got \"NaN\"");
        assertSettingsEditRejected(s -> s.put("gradient_clipping", Map.of("kind", "by_value", "clip_value", number("-0.5"))),
                "settings gradient_clipping: clip_value must be > 0, got -0.5");
    }

    @Test
    void aClippingSettingWithTheWrongFields() throws IOException {
        assertSettingsEditRejected(s -> clipping(s).put("kind", "by_value"),
                "settings gradient_clipping has an unknown key \"max_norm\"");
        assertSettingsEditRejected(s -> clipping(s).put("kind", "none"),
                "settings gradient_clipping has an unknown key \"max_norm\"");
        assertSettingsEditRejected(s -> clipping(s).remove("max_norm"), "settings gradient_clipping has no max_norm");
    }

    @Test
    void anInvalidNoiseSetting() throws IOException {
        assertSettingsEditRejected(s -> noise(s).put("eta", number("-0.1")),
                "settings gradient_noise: eta must be >= 0, got -0.1");
        assertSettingsEditRejected(s -> noise(s).put("gamma", number("1e999")),
                "settings gradient_noise: gamma must be finite, got Infinity");
        assertSettingsEditRejected(s -> noise(s).put("seed", number("1.5")),
                "settings gradient_noise seed must be an integer that fits 64 bits, got 1.5");
        assertSettingsEditRejected(s -> noise(s).remove("seed"), "settings gradient_noise has no seed");
    }

    @Test
    void aMissingOrUnknownSetting() throws IOException {
        assertSettingsEditRejected(s -> s.remove("gradient_noise"), "the settings metadata has no gradient_noise");
        assertSettingsEditRejected(s -> s.put("grad_scale", number("1024")),
                "the settings metadata has an unknown key \"grad_scale\"");
    }

    @Test
    void aLossScaleThatIsNotFiniteAndPositive() throws IOException {
        assertSettingsEditRejected(s -> s.put("loss_scale", number("0")),
                "settings: loss_scale must be finite and > 0, got 0.0");
        assertSettingsEditRejected(s -> s.put("loss_scale", number("-8")),
                "settings: loss_scale must be finite and > 0, got -8.0");
        assertSettingsEditRejected(s -> s.put("loss_scale", number("1e999")),
                "settings: loss_scale must be finite and > 0, got Infinity");
        assertSettingsEditRejected(s -> s.put("loss_scale", "1024"),
                "settings loss_scale must be a number, got ");
    }

    @Test
    void aWeightRoundingOfAnUnknownKindOrWithoutItsSeed() throws IOException {
        assertSettingsEditRejected(s -> s.put("weight_rounding", new LinkedHashMap<>(Map.of("kind", "toward_zero"))),
                "settings weight_rounding: kind must be \"nearest\" or \"stochastic\", got \"toward_zero\"");
        assertSettingsEditRejected(s -> s.put("weight_rounding", new LinkedHashMap<>(Map.of("kind", "stochastic"))),
                "settings weight_rounding has no seed");
        assertSettingsEditRejected(s -> s.put("weight_rounding",
                        new LinkedHashMap<>(Map.of("kind", "nearest", "seed", number("3")))),
                "settings weight_rounding has an unknown key \"seed\"");
    }

    @Test
    void damagedSettingsOrSchedulerMetadata() throws IOException {
        assertRejected(Crafted.edit(saved, h -> Crafted.metadata(h).put("settings",
                        ((String) Crafted.metadata(h).get("settings")).replace("\"skipped_steps\":1", "\"skipped_steps\":0")),
                null), "the settings metadata is damaged: its CRC32C is ");
        assertRejected(Crafted.edit(saved, h -> Crafted.metadata(h).put("schedulers",
                        ((String) Crafted.metadata(h).get("schedulers")).replace("\"t\":6", "\"t\":5")), null),
                "the schedulers metadata is damaged: its CRC32C is ");
        assertRejected(Crafted.edit(saved, h -> Crafted.metadata(h).remove("schedulers_crc32c"), null),
                "__metadata__ has no schedulers_crc32c");
    }

    // ---- which schedulers ----

    @Test
    void fewerOrMoreSchedulersThanSaved() throws IOException {
        CheckpointRunResumeTest.Run run = target();
        assertRejected(run.optimizer(), new Checkpointable[] {run.cosine()}, saved,
                "the checkpoint holds 2 schedulers [HyperparameterScheduler(beta1), ReduceOnPlateau(min)]; "
                        + "given 1: [HyperparameterScheduler(beta1)]");
        assertRejected(run.optimizer(), new Checkpointable[0], saved,
                "the checkpoint holds 2 schedulers [HyperparameterScheduler(beta1), ReduceOnPlateau(min)]; given 0: []");
        HyperparameterScheduler third = new HyperparameterScheduler(run.optimizer(), "lr", new CosineAnnealing(5, 0));
        assertRejected(run.optimizer(), new Checkpointable[] {run.cosine(), run.plateau(), third}, saved,
                "; given 3: [HyperparameterScheduler(beta1), ReduceOnPlateau(min), HyperparameterScheduler(lr)]");
    }

    @Test
    void schedulersInAnotherOrderOrOfAnotherKind() throws IOException {
        CheckpointRunResumeTest.Run run = target();
        assertRejected(run.optimizer(), new Checkpointable[] {run.plateau(), run.cosine()}, saved,
                "scheduler 0 is \"HyperparameterScheduler(beta1)\" in the checkpoint, ReduceOnPlateau(min) given");
        HyperparameterScheduler lr = new HyperparameterScheduler(run.optimizer(), "lr", new CosineAnnealing(10, 0));
        assertRejected(run.optimizer(), new Checkpointable[] {lr, run.plateau()}, saved,
                "scheduler 0 is \"HyperparameterScheduler(beta1)\" in the checkpoint, HyperparameterScheduler(lr) given");
        ReduceOnPlateau maximizing = new ReduceOnPlateau(run.optimizer(), true, 0.5, 1, 1e-4, true, 2, 1e-5, 1e-12);
        assertRejected(run.optimizer(), new Checkpointable[] {run.cosine(), maximizing}, saved,
                "scheduler 1 is \"ReduceOnPlateau(min)\" in the checkpoint, ReduceOnPlateau(max) given");
    }

    @Test
    void aPlateauSchedulerWhosePatienceOrCooldownNoLongerFitsItsCounters() throws IOException {
        CheckpointRunResumeTest.Run run = target();
        // saved with one bad step counted; a scheduler with patience 0 would already have reduced
        ReduceOnPlateau impatient = new ReduceOnPlateau(run.optimizer(), false, 0.5, 0, 1e-4, true, 2, 1e-5, 1e-12);
        assertRejected(run.optimizer(), new Checkpointable[] {run.cosine(), impatient}, saved,
                "scheduler 1 ReduceOnPlateau(min): bad_steps must be in [0, 0], got 1");
    }

    // ---- scheduler positions ----

    @Test
    void aNegativeFractionalOrNonNumericStepCount() throws IOException {
        assertSchedulerEditRejected(0, s -> s.put("t", number("-1")),
                "scheduler 0 HyperparameterScheduler(beta1): t must be >= 0, got -1");
        assertSchedulerEditRejected(0, s -> s.put("t", number("2.5")),
                "scheduler 0 HyperparameterScheduler(beta1): t must be a whole number, got 2.5 (Double)");
        assertSchedulerEditRejected(0, s -> s.put("t", "six"),
                "scheduler 0 HyperparameterScheduler(beta1) t must be a number, got six");
        assertSchedulerEditRejected(0, s -> s.put("t", number("99999999999999999999")),
                "scheduler 0 HyperparameterScheduler(beta1) t must be an integer that fits 64 bits, got 99999999999999999999");
    }

    @Test
    void aNonFiniteMissingOrExtraInitialValue() throws IOException {
        assertSchedulerEditRejected(0, s -> s.put("initial.1", "NaN"),
                "scheduler 0 HyperparameterScheduler(beta1): initial.1 must be finite, got NaN");
        assertSchedulerEditRejected(0, s -> s.put("initial.0", "-Infinity"),
                "scheduler 0 HyperparameterScheduler(beta1): initial.0 must be finite, got -Infinity");
        assertSchedulerEditRejected(0, s -> s.remove("initial.1"),
                "scheduler 0 HyperparameterScheduler(beta1): the saved state has no initial.1; expected [t, initial.0, initial.1]");
        assertSchedulerEditRejected(0, s -> s.put("initial.2", number("0.9")),
                "scheduler 0 HyperparameterScheduler(beta1): the saved state has an unknown entry initial.2");
    }

    @Test
    void aBadSecondSchedulerLeavesTheFirstAndTheOptimizerUnchanged() throws IOException {
        assertSchedulerEditRejected(1, s -> s.put("best", "NaN"),
                "scheduler 1 ReduceOnPlateau(min): best must be a number, got NaN");
        assertSchedulerEditRejected(1, s -> s.put("best", number("1")),
                "scheduler 1 ReduceOnPlateau(min): best must be a floating-point number, got 1 (Long)");
        assertSchedulerEditRejected(1, s -> s.put("bad_steps", number("2")),
                "scheduler 1 ReduceOnPlateau(min): bad_steps must be in [0, 1], got 2");
        assertSchedulerEditRejected(1, s -> s.put("bad_steps", number("-1")),
                "scheduler 1 ReduceOnPlateau(min): bad_steps must be in [0, 1], got -1");
        assertSchedulerEditRejected(1, s -> s.put("cooldown_left", number("3")),
                "scheduler 1 ReduceOnPlateau(min): cooldown_left must be in [0, 2], got 3");
        assertSchedulerEditRejected(1, s -> s.put("cooldown_left", number("1")),
                "scheduler 1 ReduceOnPlateau(min): bad_steps must be 0 while a cooldown runs, got bad_steps 1 with "
                        + "cooldown_left 1");
        assertSchedulerEditRejected(1, s -> s.remove("cooldown_left"),
                "scheduler 1 ReduceOnPlateau(min): the saved state has no cooldown_left");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSchedulerEntryWithoutANameOrWithAnUnknownKey() throws IOException {
        assertRejected(Crafted.editEntry(saved, "schedulers", list -> ((Map<String, Object>) ((List<Object>) list).get(0))
                .remove("name")), "scheduler 0 has no name");
        assertRejected(Crafted.editEntry(saved, "schedulers", list -> ((Map<String, Object>) ((List<Object>) list).get(1))
                .put("patience", number("1"))), "scheduler 1 has an unknown key \"patience\"");
        assertRejected(Crafted.editEntry(saved, "schedulers", list -> ((List<Object>) list).set(0, "cosine")),
                "scheduler 0 must be a JSON object, got \"cosine\"");
    }

    // ---- the arguments ----

    @Test
    void aSchedulerOfAnotherOptimizerANullOneOrOneGivenTwiceIsAnArgumentError() throws IOException {
        CheckpointRunResumeTest.Run run = target();
        CheckpointRunResumeTest.Run other = target();
        Path file = Files.write(dir.resolve("run.safetensors"), saved);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(run.optimizer());
        List<Map<String, Number>> positions = positions(run.schedulers());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(run.optimizer(), file, run.cosine(), other.plateau()));
        assertEquals("schedulers[1] ReduceOnPlateau(min) drives another optimizer, not this Adam", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(run.optimizer(), file, run.cosine(), null));
        assertEquals("schedulers[1] is null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(run.optimizer(), file, run.cosine(), run.cosine()));
        assertEquals("schedulers[1] HyperparameterScheduler(beta1) is schedulers[0] again", e.getMessage());
        before.assertSame(Fixtures.Snapshot.of(run.optimizer()), true, "after a refused load");
        assertEquals(positions, positions(run.schedulers()));

        Path notWritten = dir.resolve("not-written.safetensors");
        e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.save(run.optimizer(), notWritten, other.cosine()));
        assertEquals("schedulers[0] HyperparameterScheduler(beta1) drives another optimizer, not this Adam", e.getMessage());
        assertFalse(Files.exists(notWritten));
    }

    /** A scheduler of the user's own whose state holds {@code value} under "x". */
    private static Checkpointable custom(Optimizer o, Number value) {
        return new Checkpointable() {
            @Override
            public Optimizer optimizer() {
                return o;
            }

            @Override
            public String checkpointName() {
                return "Custom";
            }

            @Override
            public Map<String, Number> checkpointState() {
                Map<String, Number> state = new LinkedHashMap<>();
                state.put("x", value);
                return state;
            }

            @Override
            public Runnable prepareRestore(Map<String, Number> state) {
                return () -> { };
            }
        };
    }

    @Test
    void aStateValueThatIsNeitherLongNorDoubleIsNotSaved() {
        Optimizer o = target().optimizer();
        Path file = dir.resolve("custom.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.save(o, file, custom(o, 3)));
        assertEquals("schedulers[0] Custom: state entry x is a java.lang.Integer; a checkpoint holds Long and Double "
                + "values", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.save(o, file, custom(o, null)));
        assertFalse(Files.exists(file));
    }

    @Test
    void aSchedulerOfTheUsersOwnRoundTripsItsValuesExactly() throws IOException {
        Optimizer o = target().optimizer();
        Path file = dir.resolve("custom.safetensors");
        Checkpoints.save(o, file, custom(o, -0.0));
        Map<String, Number>[] restored = new Map[1];
        Checkpointable receiver = new Checkpointable() {
            @Override
            public Optimizer optimizer() {
                return o;
            }

            @Override
            public String checkpointName() {
                return "Custom";
            }

            @Override
            public Map<String, Number> checkpointState() {
                return Map.of();
            }

            @Override
            public Runnable prepareRestore(Map<String, Number> state) {
                return () -> restored[0] = state;
            }
        };
        Checkpoints.load(o, file, receiver);
        assertEquals(Map.of("x", -0.0), restored[0]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) restored[0].get("x")));
    }
}
