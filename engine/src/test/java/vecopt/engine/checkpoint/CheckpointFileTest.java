package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/** The file is a safetensors file of the documented layout, and it is written atomically. */
class CheckpointFileTest {

    @TempDir
    Path dir;

    /** SGD with momentum on one 2x2 weight after one step: the smallest file with state. */
    private static Sgd tinySgd() {
        Parameter w = new Parameter("fc.weight", FloatTensor.of(new float[] {1, 2, 3, 4}).reshape(2, 2),
                FloatTensor.of(new float[] {0.5f, -0.25f, 2f, 0f}).reshape(2, 2));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
        sgd.step();
        return sgd;
    }

    @Test
    void theHeaderIsTheDocumentedOne() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Checkpoints.save(tinySgd(), file);
        byte[] bytes = Files.readAllBytes(file);
        String groups = "[{\"hyperparameters\":{\"lr\":0.1,\"momentum\":0.9,\"dampening\":0.0,\"weight_decay\":0.0,"
                + "\"nesterov\":false,\"maximize\":false},\"params\":[{\"name\":\"fc.weight\",\"size\":4,\"step\":1,"
                + "\"buffers\":[\"momentum_buffer\"],\"scalars\":{}}]}]";
        String settings = "{\"skipped_steps\":0,\"non_finite_policy\":\"ERROR\",\"gradient_clipping\":{\"kind\":\"none\"},"
                + "\"gradient_noise\":{\"eta\":0.0,\"gamma\":0.55,\"seed\":0}}";
        String crc = hex(crc32c(littleEndian(0.5f, -0.25f, 2f, 0f)));
        String expected = "{\"__metadata__\":{\"format\":\"vecopt-optimizer-state\",\"version\":\"2\","
                + "\"optimizer\":\"SGD\",\"groups\":\"" + groups.replace("\"", "\\\"") + "\","
                + "\"groups_crc32c\":\"" + hex(crc32c(groups.getBytes())) + "\","
                + "\"settings\":\"" + settings.replace("\"", "\\\"") + "\","
                + "\"settings_crc32c\":\"" + hex(crc32c(settings.getBytes())) + "\","
                + "\"schedulers\":\"[]\",\"schedulers_crc32c\":\"" + hex(crc32c("[]".getBytes())) + "\","
                + "\"crc32c\":\"{\\\"fc.weight/momentum_buffer\\\":\\\"" + crc + "\\\"}\"},"
                + "\"fc.weight/momentum_buffer\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        String header = Crafted.headerText(bytes);
        assertEquals(expected, header.stripTrailing());
        assertEquals(0, header.length() % 8, "padded to a multiple of 8 bytes");
        assertTrue(header.substring(expected.length()).chars().allMatch(c -> c == ' '), "padded with spaces");
        assertEquals(8 + header.length() + 16, bytes.length);
        assertArrayEquals(littleEndian(0.5f, -0.25f, 2f, 0f), Crafted.data(bytes), "raw little-endian float32");
    }

    @Test
    void everyBufferIsWhereTheHeaderSaysAsLittleEndianFloat32() throws IOException {
        List<Parameter> model = Fixtures.model(4);
        Optimizer adam = Fixtures.optimizer("Adam", Map.of("amsgrad", true), model);
        Fixtures.run(adam, model, 0, 3);
        Path file = dir.resolve("adam.safetensors");
        Checkpoints.save(adam, file);
        byte[] bytes = Files.readAllBytes(file);
        Map<String, Object> header = Crafted.header(bytes);
        byte[] data = Crafted.data(bytes);
        long end = 0;
        int tensors = 0;
        for (Parameter p : model) {
            for (Map.Entry<String, float[]> e : adam.state(p.name()).buffers().entrySet()) {
                Map<String, Object> info = Crafted.tensor(header, p.name() + "/" + e.getKey());
                assertEquals("F32", info.get("dtype"));
                int[] shape = p.value().shape();
                assertEquals(Crafted.toJson(Arrays.stream(shape).mapToObj(d -> Crafted.number(Integer.toString(d))).toList()),
                        Crafted.toJson(info.get("shape")), "the parameter's shape");
                List<?> offsets = (List<?>) info.get("data_offsets");
                int begin = Integer.parseInt(offsets.get(0).toString());
                assertEquals(end, begin, "back to back in header order");
                end = Long.parseLong(offsets.get(1).toString());
                byte[] expected = littleEndian(e.getValue());
                assertArrayEquals(expected, Arrays.copyOfRange(data, begin, (int) end), p.name() + "/" + e.getKey());
                tensors++;
            }
        }
        assertEquals(end, data.length, "no trailing bytes");
        assertEquals(tensors + 1, header.size(), "one entry per buffer, and __metadata__");
    }

    @Test
    void emptyAndScalarParametersRoundTrip() throws IOException {
        List<Parameter> model = List.of(Parameter.of("empty", FloatTensor.zeros(0)),
                Parameter.of("scalar", FloatTensor.filled(2f)), Parameter.of("v", FloatTensor.filled(1f, 3)));
        Optimizer adam = vecopt.engine.Optimizers.fromTorch("Adam", model, Map.of());
        Fixtures.gradients(model, 1);
        adam.step();
        Path file = dir.resolve("odd-shapes.safetensors");
        Checkpoints.save(adam, file);
        Map<String, Object> header = Crafted.header(Files.readAllBytes(file));
        assertEquals("[0]", Crafted.toJson(Crafted.tensor(header, "empty/exp_avg").get("shape")));
        assertEquals("[]", Crafted.toJson(Crafted.tensor(header, "scalar/exp_avg").get("shape")));
        Optimizer fresh = vecopt.engine.Optimizers.fromTorch("Adam", List.of(Parameter.of("empty", FloatTensor.zeros(0)),
                Parameter.of("scalar", FloatTensor.filled(2f)), Parameter.of("v", FloatTensor.filled(1f, 3))), Map.of());
        Checkpoints.load(fresh, file);
        Fixtures.Snapshot.of(adam).assertSame(Fixtures.Snapshot.of(fresh), false, "odd shapes");
    }

    @Test
    void savingLeavesNoTemporaryFileAndReplacesTheOldCheckpoint() throws IOException {
        Path file = dir.resolve("state.safetensors");
        List<Parameter> model = Fixtures.model(9);
        Optimizer adam = Fixtures.optimizer("Adam", Map.of(), model);
        Checkpoints.save(adam, file);
        byte[] first = Files.readAllBytes(file);
        Fixtures.run(adam, model, 0, 1);
        Checkpoints.save(adam, file);
        assertFalse(Arrays.equals(first, Files.readAllBytes(file)), "replaced");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void theFileGetsThePermissionsOfAnyNewFile() throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path file = dir.resolve("state.safetensors");
        Checkpoints.save(tinySgd(), file);
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file),
                "not the 0600 of Files.createTempFile");
    }

    @Test
    void aFailedMoveDeletesTheTemporaryFile() throws IOException {
        Path target = Files.createDirectory(dir.resolve("occupied.safetensors"));
        Files.writeString(target.resolve("inside"), "a non-empty directory cannot be replaced");
        assertThrows(IOException.class, () -> Checkpoints.save(tinySgd(), target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "the temporary file is gone");
        }
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void aMissingDirectoryIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> Checkpoints.save(tinySgd(), dir.resolve("no/such/dir/x")));
    }

    @Test
    void aRelativePathIsSavedInTheWorkingDirectory() throws IOException {
        Path relative = Path.of("target", "checkpoint-relative-path-test.safetensors");
        Files.createDirectories(relative.toAbsolutePath().getParent());
        try {
            Checkpoints.save(tinySgd(), relative);
            Sgd other = tinySgd();
            Checkpoints.load(other, relative);
        } finally {
            Files.deleteIfExists(relative);
        }
    }

    private static byte[] littleEndian(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
