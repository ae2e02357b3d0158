package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.StepDecay;
import vecopt.tensor.FloatTensor;

/**
 * Checkpoints written before version 2 (no settings, no schedulers) still load: their groups and
 * state are restored and the optimizer keeps the skipped-step count and clipping, noise and
 * non-finite settings it has, as loading them always did. They hold no scheduler positions, so
 * loading one with schedulers is refused and changes nothing.
 */
class CheckpointVersion1Test {

    @TempDir
    Path dir;

    /**
     * The exact bytes version 1 wrote for SGD (lr 0.1, momentum 0.9) on one 2x2 weight after one step
     * with gradient [0.5, -0.25, 2, 0]: the momentum buffer holds that gradient.
     */
    static byte[] version1File() {
        String header = "{\"__metadata__\":{\"format\":\"vecopt-optimizer-state\",\"version\":\"1\",\"optimizer\":\"SGD\","
                + "\"groups\":\"[{\\\"hyperparameters\\\":{\\\"lr\\\":0.1,\\\"momentum\\\":0.9,\\\"dampening\\\":0.0,"
                + "\\\"weight_decay\\\":0.0,\\\"nesterov\\\":false,\\\"maximize\\\":false},\\\"params\\\":[{\\\"name\\\":"
                + "\\\"fc.weight\\\",\\\"size\\\":4,\\\"step\\\":1,\\\"buffers\\\":[\\\"momentum_buffer\\\"],"
                + "\\\"scalars\\\":{}}]}]\",\"groups_crc32c\":\"98bc160c\","
                + "\"crc32c\":\"{\\\"fc.weight/momentum_buffer\\\":\\\"a91dfb08\\\"}\"},"
                + "\"fc.weight/momentum_buffer\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(text);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        return b.putFloat(0.5f).putFloat(-0.25f).putFloat(2f).putFloat(0f).array();
    }

    /** The same SGD, not stepped, lr 0.01, with settings of its own. */
    private static Sgd fresh() {
        Parameter w = new Parameter("fc.weight", FloatTensor.zeros(2, 2), FloatTensor.zeros(2, 2));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.01).with("momentum", 0.9));
        sgd.setGradientClipping(GradientClipping.byNorm(2));
        sgd.setGradientNoise(GradientNoise.of(0.01, 5));
        sgd.setNonFinitePolicy(NonFinitePolicy.SKIP);
        return sgd;
    }

    @Test
    void aVersion1FileLoadsItsStateAndLeavesTheSettingsAsTheyAre() throws IOException {
        Path file = Files.write(dir.resolve("v1.safetensors"), version1File());
        Sgd sgd = fresh();
        Checkpoints.load(sgd, file);
        assertEquals(0.1, sgd.paramGroups().get(0).lr());
        assertEquals(1, sgd.state("fc.weight").step());
        assertArrayEquals(new float[] {0.5f, -0.25f, 2f, 0f}, sgd.state("fc.weight").buffer("momentum_buffer"));
        assertEquals(GradientClipping.byNorm(2), sgd.gradientClipping());
        assertEquals(GradientNoise.of(0.01, 5), sgd.gradientNoise());
        assertEquals(NonFinitePolicy.SKIP, sgd.nonFinitePolicy());
        assertEquals(0, sgd.skippedSteps());

        Path again = dir.resolve("v2.safetensors");
        Checkpoints.save(sgd, again);
        assertEquals(Checkpoints.VERSION, Crafted.metadata(Crafted.header(Files.readAllBytes(again))).get("version"),
                "saved again in the current version");
    }

    @Test
    void aVersion1FileWithSchedulersIsRefused() throws IOException {
        Path file = Files.write(dir.resolve("v1.safetensors"), version1File());
        Sgd sgd = fresh();
        HyperparameterScheduler decay = new HyperparameterScheduler(sgd, "lr", new StepDecay(2, 0.5));
        decay.step();
        Fixtures.Snapshot before = Fixtures.Snapshot.of(sgd);
        var position = decay.checkpointState();
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(sgd, file, decay));
        assertTrue(e.getMessage().endsWith("checkpoint version 1 holds no scheduler positions; given 1: "
                + "[HyperparameterScheduler(lr)]; load it without schedulers"), e.getMessage());
        before.assertSame(Fixtures.Snapshot.of(sgd), true, "after a refused load");
        assertEquals(position, decay.checkpointState());
    }
}
