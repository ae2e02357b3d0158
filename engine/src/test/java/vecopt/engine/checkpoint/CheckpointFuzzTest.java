package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.ReduceOnPlateau;
import vecopt.tensor.FloatTensor;

/**
 * The loader rejects every damaged or crafted file with a {@link CheckpointException} (never another
 * exception, an OutOfMemoryError or a hang) and leaves the optimizer, and the schedulers given, unchanged:
 * every truncation of a small checkpoint, every single-bit flip, random multi-byte damage, and
 * hand-made hostile headers; also for a checkpoint holding settings and scheduler positions.
 */
class CheckpointFuzzTest {

    @TempDir
    static Path dir;

    /** NAdam (two buffers and a scalar per parameter) on two small parameters, after 2 steps. */
    private static byte[] good;

    /** The same with clipping, noise, SKIP, one skipped step, a cosine schedule and a plateau scheduler. */
    private static byte[] scheduled;

    @BeforeAll
    static void saveSmallCheckpoint() throws IOException {
        List<Parameter> model = model(1);
        Optimizer nadam = nadam(model);
        for (int step = 1; step <= 2; step++) {
            Fixtures.gradients(model, step);
            nadam.step();
        }
        Path file = dir.resolve("good.safetensors");
        Checkpoints.save(nadam, file);
        good = Files.readAllBytes(file);

        ScheduledRun run = ScheduledRun.of(model(1), 2);
        Checkpoints.save(run.optimizer, file, run.schedulers());
        scheduled = Files.readAllBytes(file);
    }

    /** NAdam with every setting a checkpoint holds, driven by two schedulers. */
    private record ScheduledRun(Optimizer optimizer, HyperparameterScheduler cosine, ReduceOnPlateau plateau) {

        /** After {@code steps} steps, the first with a NaN gradient (skipped). */
        static ScheduledRun of(List<Parameter> model, int steps) {
            Optimizer o = nadam(model);
            o.setGradientClipping(GradientClipping.byNorm(0.5));
            o.setGradientNoise(GradientNoise.of(0.01, 3));
            o.setNonFinitePolicy(NonFinitePolicy.SKIP);
            ScheduledRun run = new ScheduledRun(o, new HyperparameterScheduler(o, "lr", new CosineAnnealing(10, 0)),
                    ReduceOnPlateau.of(o));
            for (int step = 1; step <= steps; step++) {
                Fixtures.gradients(model, step);
                if (step == 1) {
                    model.get(0).grad().setFlat(0, Float.NaN);
                }
                o.step();
                run.cosine.step();
                run.plateau.step(1.0 + step);
            }
            return run;
        }

        Checkpointable[] schedulers() {
            return new Checkpointable[] {cosine, plateau};
        }

        List<Map<String, Number>> positions() {
            return List.of(cosine.checkpointState(), plateau.checkpointState());
        }
    }

    private static List<Parameter> model(long seed) {
        return List.of(Parameter.of("w", FloatTensor.randomNormal(seed, 3)),
                Parameter.of("b", FloatTensor.randomNormal(seed + 1, 1)));
    }

    private static Optimizer nadam(List<Parameter> model) {
        return vecopt.engine.Optimizers.fromTorch("NAdam", model, Map.of());
    }

    /** The optimizer loads are tried on: another state (3 steps), so an accepted file would show. */
    private static Optimizer target() {
        List<Parameter> model = model(2);
        Optimizer o = nadam(model);
        for (int step = 1; step <= 3; step++) {
            Fixtures.gradients(model, step);
            o.step();
        }
        return o;
    }

    /**
     * Loads {@code bytes} into {@code o} from memory (the same reader as from a file, without thousands
     * of disk writes): must throw CheckpointException and leave o unchanged.
     */
    private static void assertRejected(Optimizer o, Fixtures.Snapshot before, byte[] bytes, String context) {
        assertLoadRejected(o, before, bytes, null, context);
    }

    /** The same, for a run with schedulers, whose positions must not change either. */
    private static void assertRejected(ScheduledRun run, Fixtures.Snapshot before, List<Map<String, Number>> positions,
                                       byte[] bytes, String context) {
        assertLoadRejected(run.optimizer, before, bytes, run, context);
        assertEquals(positions, run.positions(), context + ": scheduler positions");
    }

    private static void assertLoadRejected(Optimizer o, Fixtures.Snapshot before, byte[] bytes, ScheduledRun run,
                                           String context) {
        try {
            CheckpointReader.load(o, new BytesChannel(bytes), run == null ? List.of() : List.of(run.schedulers()));
        } catch (CheckpointException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), context);
            before.assertSame(Fixtures.Snapshot.of(o), true, context);
            return;
        } catch (Throwable t) {
            throw new AssertionError(context + ": threw " + t, t);
        }
        throw new AssertionError(context + ": was accepted");
    }

    /** Loads {@code bytes} into {@code o} from a file: must throw CheckpointException and leave o unchanged. */
    private static CheckpointException assertRejected(Optimizer o, Fixtures.Snapshot before, byte[] bytes,
                                                      Path path, String context) throws IOException {
        Files.write(path, bytes);
        try {
            Checkpoints.load(o, path);
        } catch (CheckpointException e) {
            assertTrue(e.getMessage() != null && e.getMessage().length() > ("cannot load " + path + ": ").length(),
                    context);
            before.assertSame(Fixtures.Snapshot.of(o), true, context);
            return e;
        } catch (Throwable t) {
            throw new AssertionError(context + ": threw " + t, t);
        }
        throw new AssertionError(context + ": was accepted");
    }

    @Test
    void theUndamagedFileLoads() throws IOException {
        Optimizer o = target();
        Checkpoints.load(o, Files.write(dir.resolve("copy.safetensors"), good));
        assertEquals(2, o.state("w").step());
    }

    @Test
    void everyTruncationIsRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Optimizer o = target();
            Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
            for (int length = 0; length < good.length; length++) {
                assertRejected(o, before, Arrays.copyOf(good, length), "truncated to " + length + " bytes");
            }
        });
    }

    @Test
    void everySingleBitFlipIsRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Optimizer o = target();
            Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
            byte[] bytes = good.clone();
            for (int bit = 0; bit < 8 * good.length; bit++) {
                bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
                assertRejected(o, before, bytes, "bit " + (bit & 7) + " of byte " + (bit >> 3) + " flipped");
                bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
            }
        });
    }

    @Test
    void randomMultiByteDamageIsRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Optimizer o = target();
            Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
            SplittableRandom random = new SplittableRandom(42);
            for (int trial = 0; trial < 2000; trial++) {
                byte[] bytes = good.clone();
                int changes = 1 + random.nextInt(8);
                for (int c = 0; c < changes; c++) {
                    int at = random.nextInt(bytes.length);
                    bytes[at] = (byte) (bytes[at] ^ (1 + random.nextInt(255)));
                }
                assertRejected(o, before, bytes, "trial " + trial);
            }
        });
    }

    /** Kwargs of {@code rule}'s resume case that creates the most buffers. */
    private static Map<String, ?> richestCase(Rule rule) {
        return CheckpointResumeTest.rules().filter(a -> a.get()[0].equals(rule.torchName()))
                .map(a -> (Map<String, ?>) a.get()[1])
                .max(Comparator.comparingInt(kwargs -> rule.buffers(vecopt.engine.Optimizers.fromTorch(
                        rule.torchName(), Fixtures.forRule(rule.torchName(), model(9)), kwargs).paramGroups().get(0)
                        .hyperparameters()).size()))
                .orElseThrow(() -> new AssertionError(rule + " has no case in CheckpointResumeTest"));
    }

    static Stream<Rule> rules() {
        return Rules.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void everyRulesCheckpointRefusesEveryTruncationAndBitFlip(Rule rule) throws IOException {
        Map<String, ?> kwargs = richestCase(rule);
        List<Parameter> model = Fixtures.forRule(rule.torchName(), model(1));
        Optimizer saved = vecopt.engine.Optimizers.fromTorch(rule.torchName(), model, kwargs);
        List<Parameter> targetModel = Fixtures.forRule(rule.torchName(), model(2));
        Optimizer o = vecopt.engine.Optimizers.fromTorch(rule.torchName(), targetModel, kwargs);
        for (int step = 1; step <= 3; step++) {
            if (step <= 2) {
                Fixtures.step(saved, model, step);
            }
            Fixtures.step(o, targetModel, step + 7);
        }
        Path file = dir.resolve(rule.torchName() + ".safetensors");
        Checkpoints.save(saved, file);
        byte[] bytes = Files.readAllBytes(file);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int length = 0; length < bytes.length; length++) {
                assertRejected(o, before, Arrays.copyOf(bytes, length), rule + " truncated to " + length + " bytes");
            }
            byte[] damaged = bytes.clone();
            for (int bit = 0; bit < 8 * bytes.length; bit++) {
                damaged[bit >> 3] ^= (byte) (1 << (bit & 7));
                assertRejected(o, before, damaged, rule + ": bit " + (bit & 7) + " of byte " + (bit >> 3) + " flipped");
                damaged[bit >> 3] ^= (byte) (1 << (bit & 7));
            }
        });
    }

    @Test
    void theUndamagedScheduledRunLoads() throws IOException {
        ScheduledRun run = ScheduledRun.of(model(2), 3);
        Checkpoints.load(run.optimizer, Files.write(dir.resolve("copy.safetensors"), scheduled), run.schedulers());
        assertEquals(1, run.optimizer.skippedSteps());
        assertEquals(2L, run.cosine.checkpointState().get("t"));
    }

    @Test
    void everyTruncationBitFlipAndRandomDamageOfAScheduledRunIsRejected() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            ScheduledRun run = ScheduledRun.of(model(2), 3);
            Fixtures.Snapshot before = Fixtures.Snapshot.of(run.optimizer);
            List<Map<String, Number>> positions = run.positions();
            for (int length = 0; length < scheduled.length; length++) {
                assertRejected(run, before, positions, Arrays.copyOf(scheduled, length),
                        "truncated to " + length + " bytes");
            }
            byte[] bytes = scheduled.clone();
            for (int bit = 0; bit < 8 * scheduled.length; bit++) {
                bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
                assertRejected(run, before, positions, bytes, "bit " + (bit & 7) + " of byte " + (bit >> 3) + " flipped");
                bytes[bit >> 3] ^= (byte) (1 << (bit & 7));
            }
            SplittableRandom random = new SplittableRandom(43);
            for (int trial = 0; trial < 2000; trial++) {
                byte[] damaged = scheduled.clone();
                int changes = 1 + random.nextInt(8);
                for (int c = 0; c < changes; c++) {
                    int at = random.nextInt(damaged.length);
                    damaged[at] = (byte) (damaged[at] ^ (1 + random.nextInt(255)));
                }
                assertRejected(run, before, positions, damaged, "trial " + trial);
            }
        });
    }

    @Test
    void aCopyWithTrailingBytesIsRejected() throws IOException {
        for (int extra = 1; extra <= 9; extra++) {
            byte[] longer = Arrays.copyOf(good, good.length + extra);
            Optimizer o = target();
            CheckpointException e = assertRejected(o, Fixtures.Snapshot.of(o), longer,
                    dir.resolve("longer.safetensors"), extra + " trailing bytes");
            assertTrue(e.getMessage().contains(extra + " trailing bytes after the last tensor"), e.getMessage());
        }
    }

    /** Hand-made hostile or broken files, each with a fragment of the message it must produce. */
    static Stream<Arguments> craftedFiles() throws CheckpointException {
        byte[] data = Crafted.data(good);
        String header = Crafted.headerText(good).stripTrailing();
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        return Stream.of(
                Arguments.of("empty file", new byte[0], "the file has 0 bytes"),
                Arguments.of("7 bytes", new byte[7], "the file has 7 bytes"),
                Arguments.of("header length 2^64 - 1", Crafted.file(-1L, headerBytes, data),
                        "the header length 18446744073709551615 exceeds the limit of 100000000 bytes"),
                Arguments.of("header length 2^63", Crafted.file(Long.MIN_VALUE, headerBytes, data),
                        "the header length 9223372036854775808 exceeds the limit"),
                Arguments.of("header length 100 MB + 1", Crafted.file(100_000_001L, headerBytes, data),
                        "the header length 100000001 exceeds the limit"),
                Arguments.of("header length 90 MB in a small file", Crafted.file(90_000_000L, headerBytes, data),
                        "the header length is 90000000 bytes but only"),
                Arguments.of("a 1 MB header for a 2-parameter optimizer", Crafted.file("{}" + " ".repeat(1 << 20), data),
                        "the header has 1048578 bytes; the header of this optimizer's state needs fewer than"),
                Arguments.of("header length past the end", Crafted.file(headerBytes.length + data.length + 1L,
                        headerBytes, data), "bytes but only"),
                Arguments.of("header length 0", Crafted.file(0, new byte[0], data), "does not start with '{'"),
                Arguments.of("header not UTF-8", Crafted.file(3, new byte[] {'{', (byte) 0xff, '}'}, data),
                        "the header is not valid UTF-8"),
                Arguments.of("header not an object", Crafted.file("[]", data), "does not start with '{'"),
                Arguments.of("nested 10000 deep", Crafted.file(deep, data), "nested deeper than 32 levels"),
                Arguments.of("unterminated string", Crafted.file("{\"__metadata__", data), "unterminated string"),
                Arguments.of("garbage after the object", Crafted.file(header + "x", data),
                        "unexpected 'x' after the JSON value"),
                Arguments.of("a NUL in the padding", Crafted.file(header + " \0", data), "after the JSON value"),
                Arguments.of("unpaired surrogate", Crafted.file("{\"\\ud800\":1}", data), "unpaired surrogate"),
                Arguments.of("duplicate tensor key", Crafted.file(header.substring(0, header.length() - 1) + ","
                        + "\"w/exp_avg\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", data),
                        "duplicate key \"w/exp_avg\""),
                Arguments.of("overlapping offsets", edit(h -> offsets(h, "w/exp_avg_sq", 4, 16)),
                        "tensor w/exp_avg_sq starts at byte 4 of the data, expected 12 (it overlaps the tensor before it)"),
                Arguments.of("a gap between tensors", edit(h -> offsets(h, "w/exp_avg_sq", 16, 28)),
                        "tensor w/exp_avg_sq starts at byte 16 of the data, expected 12 (a gap of 4 bytes)"),
                Arguments.of("offsets past the end", edit(h -> offsets(h, "b/exp_avg_sq", 28, 36)),
                        "tensor b/exp_avg_sq ends at byte 36 but the data has only 32 bytes"),
                Arguments.of("offsets reversed", edit(h -> offsets(h, "w/exp_avg", 12, 0)),
                        "tensor w/exp_avg has invalid data_offsets [12, 0]"),
                Arguments.of("negative offset", edit(h -> offsets(h, "w/exp_avg", -12, 0)),
                        "tensor w/exp_avg has invalid data_offsets [-12, 0]"),
                Arguments.of("offset beyond 64 bits", edit(h -> Crafted.tensor(h, "w/exp_avg").put("data_offsets",
                        List.of(Crafted.number("0"), Crafted.number("100000000000000000000000000000")))),
                        "tensor w/exp_avg data_offsets must be an integer that fits 64 bits"),
                Arguments.of("fractional offset", edit(h -> Crafted.tensor(h, "w/exp_avg").put("data_offsets",
                        List.of(Crafted.number("0.0"), Crafted.number("12")))),
                        "tensor w/exp_avg data_offsets must be an integer that fits 64 bits, got 0.0"),
                Arguments.of("three offsets", edit(h -> Crafted.tensor(h, "w/exp_avg").put("data_offsets",
                        List.of(Crafted.number("0"), Crafted.number("12"), Crafted.number("12")))),
                        "tensor w/exp_avg data_offsets must be [begin, end]"),
                Arguments.of("dtype F16", edit(h -> Crafted.tensor(h, "w/exp_avg").put("dtype", "F16")),
                        "tensor w/exp_avg has dtype F16; its buffer is stored as F32"),
                Arguments.of("dtype F64", edit(h -> Crafted.tensor(h, "w/exp_avg").put("dtype", "F64")),
                        "has dtype F64"),
                Arguments.of("dtype f32", edit(h -> Crafted.tensor(h, "w/exp_avg").put("dtype", "f32")),
                        "has dtype f32"),
                Arguments.of("dtype a number", edit(h -> Crafted.tensor(h, "w/exp_avg").put("dtype",
                        Crafted.number("32"))), "has dtype 32"),
                Arguments.of("huge shape", edit(h -> Crafted.tensor(h, "w/exp_avg").put("shape",
                        List.of(Crafted.number("2147483647"), Crafted.number("2147483647")))),
                        "parameter w: exp_avg has 4611686014132420609 floats, the parameter has 3"),
                Arguments.of("negative shape", edit(h -> Crafted.tensor(h, "w/exp_avg").put("shape",
                        List.of(Crafted.number("-3")))), "tensor w/exp_avg has a negative dimension -3"),
                Arguments.of("a tensor entry with an extra key", edit(h -> Crafted.tensor(h, "w/exp_avg")
                        .put("offsets", List.of())), "tensor w/exp_avg has an unknown key \"offsets\""),
                Arguments.of("a tensor the metadata does not list", edit(h -> h.put("w/momentum_buffer",
                        Crafted.tensor(h, "w/exp_avg"))),
                        "tensor \"w/momentum_buffer\" is not a buffer the groups metadata lists"),
                Arguments.of("a trailing tensor", Crafted.edit(Crafted.file(header, Arrays.copyOf(data,
                                data.length + 4)), h -> h.put("extra", Map.of("dtype", "F32",
                                "shape", List.of(Crafted.number("1")), "data_offsets",
                                List.of(Crafted.number("32"), Crafted.number("36")))), null),
                        "tensor \"extra\" is not a buffer the groups metadata lists"),
                Arguments.of("metadata value not a string", edit(h -> Crafted.metadata(h).put("version",
                        Crafted.number("1"))), "__metadata__ value of \"version\" is not a string"),
                Arguments.of("unknown metadata key", edit(h -> Crafted.metadata(h).put("framework", "pt")),
                        "__metadata__ has an unknown key \"framework\""),
                Arguments.of("upper-case CRC", edit(h -> Crafted.metadata(h).put("crc32c",
                        ((String) Crafted.metadata(h).get("crc32c")).replaceFirst("\"[0-9a-f]{8}\"", "\"ABCDEF12\""))),
                        "tensor w/exp_avg has an invalid CRC32C ABCDEF12 in the crc32c metadata"),
                Arguments.of("crc32c not JSON", edit(h -> Crafted.metadata(h).put("crc32c", "{")),
                        "the crc32c metadata is not valid JSON"),
                Arguments.of("groups not JSON", groupsText("[{]"), "the groups metadata is not valid JSON"),
                Arguments.of("groups not a list", groupsText("{}"), "the groups metadata must be a JSON array"));
    }

    private static byte[] edit(Consumer<Map<String, Object>> headerEdit) {
        try {
            return Crafted.edit(good, headerEdit, null);
        } catch (CheckpointException e) {
            throw new AssertionError(e);
        }
    }

    /** The good file with its groups text replaced (and its CRC updated). */
    private static byte[] groupsText(String text) {
        return edit(h -> {
            Crafted.metadata(h).put("groups", text);
            Crafted.metadata(h).put("groups_crc32c",
                    CheckpointWriter.hex(CheckpointWriter.crc32c(text.getBytes(StandardCharsets.UTF_8))));
        });
    }

    private static void offsets(Map<String, Object> header, String tensor, long begin, long end) {
        Crafted.tensor(header, tensor).put("data_offsets",
                List.of(Crafted.number(Long.toString(begin)), Crafted.number(Long.toString(end))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("craftedFiles")
    void craftedFileIsRejected(String description, byte[] file, String expected) throws IOException {
        Optimizer o = target();
        CheckpointException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertRejected(o, Fixtures.Snapshot.of(o), file, dir.resolve("crafted.safetensors"), description));
        if (!e.getMessage().contains(expected)) {
            fail(description + ": message\n" + e.getMessage() + "\ndoes not contain\n" + expected);
        }
    }
}
