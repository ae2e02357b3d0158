package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.GradientClipping;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.schedule.ExponentialDecay;
import vecopt.engine.schedule.HyperparameterScheduler;

/**
 * Checkpoints written to and read from streams and channels: the same bytes as a file, exactly one
 * checkpoint consumed, everything checked before anything changes, and no allocation beyond what the
 * optimizer's state can take.
 */
class CheckpointStreamTest {

    private record Run(List<Parameter> model, Optimizer optimizer, HyperparameterScheduler decay) {
        static Run of(long seed) {
            List<Parameter> model = Fixtures.model(seed);
            Optimizer o = Fixtures.optimizer("Adam", Map.of("lr", 0.01, "amsgrad", true), model);
            return new Run(model, o, new HyperparameterScheduler(o, "lr", new ExponentialDecay(0.9)));
        }

        void steps(int from, int to) {
            for (int step = from + 1; step <= to; step++) {
                Fixtures.gradients(model, step);
                optimizer.step();
                decay.step();
            }
        }
    }

    private static byte[] bytes(Run run) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(run.optimizer, out, run.decay);
        return out.toByteArray();
    }

    @Test
    void aStreamAndAChannelGetTheBytesOfTheFile(@TempDir Path dir) throws IOException {
        Run run = Run.of(1);
        run.optimizer.setGradientClipping(GradientClipping.byNorm(3));
        run.steps(0, 3);
        Path file = dir.resolve("adam.safetensors");
        Checkpoints.save(run.optimizer, file, run.decay);
        ByteArrayOutputStream viaChannel = new ByteArrayOutputStream();
        Checkpoints.save(run.optimizer, Channels.newChannel(viaChannel), run.decay);
        assertArrayEquals(Files.readAllBytes(file), bytes(run));
        assertArrayEquals(Files.readAllBytes(file), viaChannel.toByteArray());
    }

    @Test
    void aRunLoadedFromAStreamContinuesBitForBit() throws IOException {
        Run uninterrupted = Run.of(2);
        uninterrupted.steps(0, 4);
        byte[] saved = bytes(uninterrupted);
        uninterrupted.steps(4, 8);

        Run resumed = Run.of(99);
        Run replay = Run.of(2);
        replay.steps(0, 4);
        for (int k = 0; k < resumed.model.size(); k++) { // the model's values: the training loop's part
            resumed.model.get(k).value().copyFrom(replay.model.get(k).value());
        }
        Checkpoints.load(resumed.optimizer, new ByteArrayInputStream(saved), resumed.decay);
        assertArrayEquals(saved, bytes(resumed), "save, load from a stream, save again: the same bytes");
        resumed.steps(4, 8);
        Fixtures.assertParametersBitIdentical(uninterrupted.model, resumed.model, "after 4 more steps");
        Fixtures.Snapshot.of(uninterrupted.optimizer).assertSame(Fixtures.Snapshot.of(resumed.optimizer), false,
                "after 4 more steps");
    }

    @Test
    void loadingReadsExactlyOneCheckpointAndLeavesTheStreamAfterIt() throws IOException {
        Run run = Run.of(3);
        run.steps(0, 2);
        byte[] first = bytes(run);
        run.steps(2, 3);
        byte[] second = bytes(run);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.writeBytes(first);
        both.writeBytes(second);
        both.write(42);
        InputStream in = new ByteArrayInputStream(both.toByteArray());

        Run loaded = Run.of(3);
        Checkpoints.load(loaded.optimizer, in, loaded.decay);
        assertArrayEquals(first, bytes(loaded));
        Checkpoints.load(loaded.optimizer, Channels.newChannel(in), loaded.decay);
        assertArrayEquals(second, bytes(loaded));
        assertEquals(42, in.read());
        assertEquals(-1, in.read());
    }

    @Test
    void aStreamCutAnywhereIsRefusedAndChangesNothing() throws IOException {
        Run run = Run.of(4);
        run.steps(0, 2);
        byte[] saved = bytes(run);
        Run target = Run.of(5);
        target.steps(0, 1);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(target.optimizer);
        Map<String, Number> position = target.decay.checkpointState();
        int headerEnd = 8 + (int) ByteBuffer.wrap(saved, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int cut : new int[] {0, 5, 8, 100, headerEnd, headerEnd + 3, saved.length - 1}) {
            byte[] part = Arrays.copyOf(saved, cut);
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.load(target.optimizer, new ByteArrayInputStream(part), target.decay), "cut " + cut);
            assertTrue(e.getMessage().startsWith("the stream ended"), "cut " + cut + ": " + e.getMessage());
            Fixtures.Snapshot.of(target.optimizer).assertSame(before, true, "after the cut at " + cut);
            assertEquals(position, target.decay.checkpointState());
        }
    }

    @Test
    void aDamagedStreamIsRefusedByItsChecksumAndChangesNothing() throws IOException {
        Run run = Run.of(6);
        run.steps(0, 2);
        byte[] saved = bytes(run);
        saved[saved.length - 2] ^= 0x10;
        Run target = Run.of(7);
        target.steps(0, 1);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(target.optimizer);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(target.optimizer, new ByteArrayInputStream(saved), target.decay));
        assertTrue(e.getMessage().contains("is damaged: its CRC32C is"), e.getMessage());
        Fixtures.Snapshot.of(target.optimizer).assertSame(before, true, "after the damaged load");
    }

    /** A stream whose header claims more data than the optimizer could hold; it throws if read further. */
    @Test
    void aHeaderClaimingMoreThanTheStateCanTakeIsRefusedBeforeTheDataIsRead() throws IOException {
        Run run = Run.of(8);
        String header = "{\"__metadata__\":{\"format\":\"vecopt-optimizer-state\"},"
                + "\"fc1.weight/exp_avg\":{\"dtype\":\"F32\",\"shape\":[1000000000],\"data_offsets\":[0,4000000000]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer start = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        start.putLong(json.length).put(json);
        InputStream in = new InputStream() {
            private int at;

            @Override
            public int read() {
                if (at >= start.capacity()) {
                    throw new AssertionError("read past the header");
                }
                return start.get(at++) & 0xff;
            }
        };
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(run.optimizer, in, run.decay));
        assertTrue(e.getMessage().startsWith("the header's tensors take 4000000000 bytes; this optimizer's and its "
                + "schedulers' state takes at most "), e.getMessage());
    }

    @Test
    void anAbsurdHeaderLengthIsRefusedBeforeTheHeaderIsRead() {
        Run run = Run.of(9);
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(90_000_000).array();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.load(run.optimizer, new ByteArrayInputStream(length)));
        assertTrue(e.getMessage().startsWith("the header length 90000000 exceeds the limit of "), e.getMessage());
    }

    @Test
    void nullStreamsAndChannelsAreRefusedByName() {
        Run run = Run.of(10);
        assertEquals("out must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.save(run.optimizer, (java.io.OutputStream) null)).getMessage());
        assertEquals("out must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.save(run.optimizer, (java.nio.channels.WritableByteChannel) null)).getMessage());
        assertEquals("in must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(run.optimizer, (InputStream) null)).getMessage());
        assertEquals("in must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(run.optimizer, (java.nio.channels.ReadableByteChannel) null)).getMessage());
        assertEquals("optimizer must not be null", assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.load(null, new ByteArrayInputStream(new byte[0]))).getMessage());
    }
}
