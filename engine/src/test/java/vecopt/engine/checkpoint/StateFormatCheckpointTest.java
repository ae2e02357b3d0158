package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.LAMB;
import vecopt.engine.Lion;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.StateFormat;
import vecopt.tensor.FloatTensor;

/**
 * The state format travels with the checkpoint: saved in its settings, given to an optimizer whose
 * format was never set, refused by one set to another; SGD's momentum and Lion's {@code exp_avg}
 * stored compressed resume bit for bit like Adam's moments.
 */
class StateFormatCheckpointTest {

    private static final StateFormat[] FORMATS = {StateFormat.bfloat16(), StateFormat.bfloat16Stochastic(42),
            StateFormat.blockwise8bit(), StateFormat.blockwise8bit(128)};

    /** The rules that store compressed state, each with hyperparameters that use every buffer. */
    private static final Map<String, Function<List<Parameter>, Optimizer>> RULES = Map.of(
            "Adam", ps -> new Adam(ps, Adam.defaults().with(Adam.LR, 1e-2)),
            "SGD", ps -> new Sgd(ps, Sgd.defaults().with(Sgd.LR, 1e-2).with(Sgd.MOMENTUM, 0.9).with(Sgd.DAMPENING, 0.1)),
            "SGD nesterov", ps -> new Sgd(ps, Sgd.defaults().with(Sgd.LR, 1e-2).with(Sgd.MOMENTUM, 0.9)
                    .with(Sgd.NESTEROV, true).with(Sgd.WEIGHT_DECAY, 1e-3)),
            "Lion", ps -> new Lion(ps, Lion.defaults().with(Lion.LR, 1e-3).with(Lion.WEIGHT_DECAY, 0.1)));

    private static List<Parameter> parameters() {
        // one large enough for 8-bit state, one that stays float32 under it
        return List.of(Parameter.of("big", FloatTensor.randomNormal(5, 50, 100)),
                Parameter.of("small", FloatTensor.randomNormal(6, 40)));
    }

    private static List<Parameter> copies(List<Parameter> ps) {
        return ps.stream().map(p -> Parameter.of(p.name(), p.value().copy())).toList();
    }

    private static void steps(Optimizer o, List<Parameter> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            SplittableRandom random = new SplittableRandom(300 + t);
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, (float) random.nextGaussian());
                }
            }
            o.step();
        }
    }

    private static String settings(byte[] file) throws CheckpointException {
        return (String) Crafted.metadata(Crafted.header(file)).get("settings");
    }

    @Test
    void loadingIntoAnOptimizerWhoseFormatWasNotSetGivesItTheCheckpointsFormatAndResumesBitForBit(@TempDir Path dir)
            throws Exception {
        for (Map.Entry<String, Function<List<Parameter>, Optimizer>> rule : RULES.entrySet()) {
            for (StateFormat format : FORMATS) {
                String what = rule.getKey() + " " + format;
                List<Parameter> a = parameters();
                Optimizer running = rule.getValue().apply(a);
                running.setStateFormat(format);
                steps(running, a, 0, 3);
                Path file = dir.resolve("state.safetensors");
                Checkpoints.save(running, file);
                List<Parameter> b = copies(a);
                steps(running, a, 3, 6);

                Optimizer resumed = rule.getValue().apply(b); // no setStateFormat
                Checkpoints.load(resumed, file);
                assertEquals(format, resumed.stateFormat(), what);
                String buffer = rule.getKey().startsWith("SGD") ? "momentum_buffer" : "exp_avg";
                Class<?> stored = format.kind() == StateFormat.Kind.BFLOAT16 ? CompressedBuffer.BFloat16Buffer.class
                        : CompressedBuffer.BlockwiseBuffer.class;
                assertInstanceOf(stored, resumed.state("big").compressedBuffer(buffer), what);
                assertNull(resumed.state("big").buffer(buffer), what);
                steps(resumed, b, 3, 6);
                for (int k = 0; k < a.size(); k++) {
                    assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), what + " " + a.get(k).name());
                }
                // and the resumed state saves to the same bytes as the running one
                Path again = dir.resolve("again.safetensors");
                Path original = dir.resolve("original.safetensors");
                Checkpoints.save(resumed, again);
                Checkpoints.save(running, original);
                assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(again), what);
            }
        }
    }

    @Test
    void stateDictsOfSgdAndLionCarryTheFormatAndTheCompressedBuffers() {
        for (String name : List.of("SGD", "Lion")) {
            for (StateFormat format : FORMATS) {
                String what = name + " " + format;
                List<Parameter> a = parameters();
                Optimizer running = RULES.get(name).apply(a);
                running.setStateFormat(format);
                steps(running, a, 0, 2);
                StateDict dict = Checkpoints.stateDict(running);
                assertEquals(format, dict.settings().stateFormat(), what);
                String buffer = name.equals("SGD") ? "momentum_buffer" : "exp_avg";
                assertEquals(java.util.Set.of(buffer), dict.groups().get(0).parameters().get(0).state().compressedBufferNames());
                List<Parameter> b = copies(a);
                steps(running, a, 2, 4);

                Optimizer resumed = RULES.get(name).apply(b);
                Checkpoints.loadStateDict(resumed, dict);
                Checkpoints.loadStateDict(resumed, dict); // a state dict loads any number of times
                assertEquals(format, resumed.stateFormat(), what);
                steps(resumed, b, 2, 4);
                for (int k = 0; k < a.size(); k++) {
                    assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), what + " " + a.get(k).name());
                }
            }
        }
    }

    @Test
    void theStreamPathCarriesTheFormatToo() throws Exception {
        for (StateFormat format : FORMATS) {
            List<Parameter> a = parameters();
            Optimizer running = RULES.get("Lion").apply(a);
            running.setStateFormat(format);
            steps(running, a, 0, 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoints.save(running, out);
            List<Parameter> b = copies(a);
            steps(running, a, 2, 4);
            Optimizer resumed = RULES.get("Lion").apply(b);
            Checkpoints.load(resumed, new ByteArrayInputStream(out.toByteArray()));
            assertEquals(format, resumed.stateFormat());
            steps(resumed, b, 2, 4);
            assertArrayEquals(a.get(0).value().toArray(), b.get(0).value().toArray(), format.toString());
        }
    }

    @Test
    void theSettingsNameTheFormatUnlessItIsFloat32() throws Exception {
        Object[][] cases = {
            {StateFormat.float32(), null},
            {StateFormat.bfloat16(), "{\"kind\":\"bfloat16\",\"rounding\":\"nearest\"}"},
            {StateFormat.bfloat16Stochastic(-5), "{\"kind\":\"bfloat16\",\"rounding\":\"stochastic\",\"seed\":-5}"},
            {StateFormat.blockwise8bit(), "{\"kind\":\"blockwise_8bit\",\"block_size\":256}"},
            {StateFormat.blockwise8bit(1024), "{\"kind\":\"blockwise_8bit\",\"block_size\":1024}"},
        };
        for (Object[] c : cases) {
            Optimizer o = RULES.get("SGD").apply(parameters());
            o.setStateFormat((StateFormat) c[0]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoints.save(o, out);
            String settings = settings(out.toByteArray());
            if (c[1] == null) {
                assertFalse(settings.contains("state_format"), settings); // float32 files keep their bytes
            } else {
                assertTrue(settings.endsWith(",\"state_format\":" + c[1] + "}"), settings);
            }
        }
    }

    @Test
    void aCheckpointThatNamesNoFormatLoadsAsFloat32(@TempDir Path dir) throws Exception {
        List<Parameter> ps = parameters();
        Optimizer o = RULES.get("SGD").apply(ps);
        Path bf16 = dir.resolve("bf16.safetensors");
        Optimizer compressed = RULES.get("SGD").apply(parameters());
        compressed.setStateFormat(StateFormat.bfloat16());
        steps(compressed, parameters(), 0, 1);
        Checkpoints.save(compressed, bf16);
        Checkpoints.load(o, bf16); // the optimizer follows the checkpoint ...
        assertEquals(StateFormat.bfloat16(), o.stateFormat());

        Optimizer plain = RULES.get("SGD").apply(parameters());
        steps(plain, parameters(), 0, 1);
        Path fp32 = dir.resolve("fp32.safetensors");
        Checkpoints.save(plain, fp32);
        Checkpoints.load(o, fp32); // ... to float32 as well, as version 2 files without the setting
        assertEquals(StateFormat.float32(), o.stateFormat());
        assertTrue(o.state("big").compressedBuffers().isEmpty());
        steps(o, ps, 1, 2);
        assertTrue(o.state("big").buffer("momentum_buffer") != null);
    }

    @Test
    void aCompressedCheckpointWrittenBeforeTheFormatWasSavedLoadsIntoAnOptimizerSetToItsFormat(@TempDir Path dir)
            throws Exception {
        List<Parameter> a = parameters();
        Optimizer running = RULES.get("Adam").apply(a);
        running.setStateFormat(StateFormat.blockwise8bit());
        steps(running, a, 0, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(running, out);
        @SuppressWarnings("unchecked")
        byte[] old = Crafted.editEntry(out.toByteArray(), "settings", s -> ((Map<String, Object>) s).remove("state_format"));
        assertFalse(settings(old).contains("state_format"));
        List<Parameter> b = copies(a);
        steps(running, a, 2, 4);

        Optimizer unset = RULES.get("Adam").apply(parameters());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(unset, new ByteArrayInputStream(old)));
        assertTrue(e.getMessage().endsWith("parameter big: state exp_avg is stored as 8-bit block-wise (blocks of 256) in"
                + " the checkpoint, but this optimizer stores it as float32; call setStateFormat before loading"),
                e.getMessage());

        Optimizer set = RULES.get("Adam").apply(b);
        set.setStateFormat(StateFormat.blockwise8bit());
        Checkpoints.load(set, new ByteArrayInputStream(old));
        steps(set, b, 2, 4);
        assertArrayEquals(a.get(0).value().toArray(), b.get(0).value().toArray());
    }

    @Test
    void settingsWhoseFormatDisagreesWithTheStoredBuffersAreRefused() throws Exception {
        Optimizer o = RULES.get("Lion").apply(parameters());
        o.setStateFormat(StateFormat.blockwise8bit());
        steps(o, parameters(), 0, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out);
        @SuppressWarnings("unchecked")
        byte[] edited = Crafted.editEntry(out.toByteArray(), "settings",
                s -> ((Map<String, Object>) s).put("state_format", Map.of("kind", "bfloat16", "rounding", "nearest")));
        Optimizer target = RULES.get("Lion").apply(parameters());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(target, new ByteArrayInputStream(edited)));
        assertTrue(e.getMessage().endsWith("parameter big: state exp_avg is stored as 8-bit block-wise (blocks of 256) in"
                + " the checkpoint, but its settings say state_format bfloat16, so bfloat16"), e.getMessage());
        assertEquals(StateFormat.float32(), target.stateFormat());
        assertNull(target.state("big"));
    }

    @Test
    void malformedStateFormatsAreRefusedNamingTheField() throws Exception {
        Optimizer o = RULES.get("SGD").apply(parameters());
        o.setStateFormat(StateFormat.bfloat16());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out);
        byte[] file = out.toByteArray();
        Object[][] cases = {
            {Map.of("kind", "fp8"), "settings state_format: kind must be \"float32\", \"bfloat16\" or \"blockwise_8bit\", got \"fp8\""},
            {Map.of("kind", "bfloat16", "rounding", "up"), "settings state_format: rounding must be \"nearest\" or \"stochastic\", got \"up\""},
            {Map.of("kind", "bfloat16", "rounding", "stochastic"), "settings state_format has no seed"},
            {Map.of("kind", "blockwise_8bit", "block_size", Crafted.number("100")),
                    "settings state_format: block_size must be a positive multiple of 64, got 100"},
            {Map.of("kind", "float32", "block_size", Crafted.number("256")), "settings state_format has an unknown key \"block_size\""},
            {"bfloat16", "settings state_format must be"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            byte[] edited = Crafted.editEntry(file, "settings", s -> ((Map<String, Object>) s).put("state_format", c[0]));
            Optimizer target = RULES.get("SGD").apply(parameters());
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.load(target, new ByteArrayInputStream(edited)));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertEquals(StateFormat.float32(), target.stateFormat());
        }
    }

    @Test
    void aRuleWithoutCompressibleStateRefusesACompressedFormat() throws Exception {
        Optimizer o = new LAMB(parameters(), LAMB.defaults());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out);
        @SuppressWarnings("unchecked")
        byte[] edited = Crafted.editEntry(out.toByteArray(), "settings",
                s -> ((Map<String, Object>) s).put("state_format", Map.of("kind", "blockwise_8bit", "block_size",
                        Crafted.number("256"))));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(new LAMB(parameters(), LAMB.defaults()), new ByteArrayInputStream(edited)));
        assertTrue(e.getMessage().endsWith("settings state_format is 8-bit block-wise (blocks of 256) but LAMB stores"
                + " its state as float32 only: " + LAMB.RULE.compressedStateRefusal()), e.getMessage());
    }

    @Test
    void aLoadedFormatCanBeConfirmedButNotChangedWhileStateExists(@TempDir Path dir) throws Exception {
        Optimizer saved = RULES.get("Lion").apply(parameters());
        saved.setStateFormat(StateFormat.bfloat16());
        steps(saved, parameters(), 0, 1);
        Path file = dir.resolve("lion.safetensors");
        Checkpoints.save(saved, file);
        Optimizer o = RULES.get("Lion").apply(parameters());
        Checkpoints.load(o, file);
        o.setStateFormat(StateFormat.bfloat16());
        assertThrows(IllegalStateException.class, () -> o.setStateFormat(StateFormat.blockwise8bit()));
        Checkpoints.load(o, file); // chosen now, and the same
    }
}
