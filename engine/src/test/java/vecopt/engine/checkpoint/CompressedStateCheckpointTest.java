package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.AdamW;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.StateFormat;
import vecopt.tensor.FloatTensor;

/** Compressed optimizer state is saved as it is stored (BF16, U8 plus F32 scales) and resumes bit for bit. */
class CompressedStateCheckpointTest {

    private static final StateFormat[] FORMATS = {StateFormat.bfloat16(), StateFormat.bfloat16Stochastic(42),
            StateFormat.blockwise8bit(), StateFormat.blockwise8bit(128)};

    private static List<Parameter> parameters() {
        // one large enough for 8-bit state, one that stays float32 under it
        return List.of(Parameter.of("big", FloatTensor.randomNormal(1, 70, 100)),
                Parameter.of("small", FloatTensor.randomNormal(2, 33)));
    }

    private static Optimizer optimizer(List<Parameter> ps, StateFormat format) {
        Optimizer o = new AdamW(ps, AdamW.defaults().with(AdamW.LR, 1e-2));
        o.setStateFormat(format);
        return o;
    }

    private static void steps(Optimizer o, List<Parameter> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            SplittableRandom random = new SplittableRandom(t);
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, (float) random.nextGaussian());
                }
            }
            o.step();
        }
    }

    private static String header(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) length, StandardCharsets.UTF_8);
    }

    @Test
    void resumingFromACheckpointGivesTheSameBitsAsNotStopping(@TempDir Path dir) throws Exception {
        for (StateFormat format : FORMATS) {
            List<Parameter> a = parameters();
            Optimizer running = optimizer(a, format);
            steps(running, a, 0, 3);
            Path file = dir.resolve("state-" + format.kind() + format.blockSize() + format.stochastic() + ".safetensors");
            Checkpoints.save(running, file);
            List<Parameter> b = List.of(Parameter.of("big", a.get(0).value().copy()), Parameter.of("small", a.get(1).value().copy()));
            steps(running, a, 3, 6);

            Optimizer resumed = optimizer(b, format);
            Checkpoints.load(resumed, file);
            assertEquals(3, resumed.state("big").step());
            steps(resumed, b, 3, 6);
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), format + " " + a.get(k).name());
            }
            CompressedBuffer m1 = running.state("big").compressedBuffer("exp_avg");
            CompressedBuffer m2 = resumed.state("big").compressedBuffer("exp_avg");
            assertEquals(m1.getClass(), m2.getClass());
            if (m1 instanceof CompressedBuffer.BlockwiseBuffer q1 && m2 instanceof CompressedBuffer.BlockwiseBuffer q2) {
                assertArrayEquals(q1.codes(), q2.codes());
                assertArrayEquals(q1.absmax(), q2.absmax());
            }
        }
    }

    @Test
    void compressedBuffersAreStoredInTheirOwnDtypes(@TempDir Path dir) throws Exception {
        List<Parameter> ps = parameters();
        Optimizer bf16 = optimizer(ps, StateFormat.bfloat16());
        steps(bf16, ps, 0, 1);
        Path f1 = dir.resolve("bf16.safetensors");
        Checkpoints.save(bf16, f1);
        String h1 = header(f1);
        assertTrue(h1.contains("\"big/exp_avg\":{\"dtype\":\"BF16\",\"shape\":[70,100]"), h1);
        assertTrue(h1.contains("\"small/exp_avg_sq\":{\"dtype\":\"BF16\""), h1);

        List<Parameter> qs = parameters();
        Optimizer q = optimizer(qs, StateFormat.blockwise8bit());
        steps(q, qs, 0, 1);
        Path f2 = dir.resolve("u8.safetensors");
        Checkpoints.save(q, f2);
        String h2 = header(f2);
        assertTrue(h2.contains("\"big/exp_avg\":{\"dtype\":\"U8\",\"shape\":[70,100]"), h2);
        assertTrue(h2.contains("\"big/exp_avg/absmax\":{\"dtype\":\"F32\",\"shape\":[28]"), h2); // 7000 / 256 up
        assertTrue(h2.contains("\"small/exp_avg\":{\"dtype\":\"F32\""), h2); // under 4096 elements: float32
        // 7000 codes + 28 scales per moment for big, 33 floats per moment for small, beside the header
        long data = Files.size(f2) - 8 - h2.getBytes(StandardCharsets.UTF_8).length;
        assertEquals(2 * (7000 + 4 * 28) + 2 * 4 * 33, data);
    }

    @Test
    void anOptimizerSetToAnotherFormatRefusesTheCheckpointAndChangesNothing(@TempDir Path dir) throws Exception {
        List<Parameter> ps = parameters();
        Optimizer q = optimizer(ps, StateFormat.blockwise8bit());
        steps(q, ps, 0, 2);
        Path file = dir.resolve("u8.safetensors");
        Checkpoints.save(q, file);

        Optimizer plain = optimizer(parameters(), StateFormat.float32());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(plain, file));
        assertTrue(e.getMessage().endsWith("the checkpoint's state is stored as 8-bit block-wise (blocks of 256) but this"
                + " optimizer was set to store it as float32 (setStateFormat); load it into an optimizer whose format is"
                + " not set, or set the checkpoint's"), e.getMessage());
        assertEquals(null, plain.state("big"));
        assertEquals(StateFormat.float32(), plain.stateFormat());

        Optimizer other = optimizer(parameters(), StateFormat.blockwise8bit(512));
        assertThrows(CheckpointException.class, () -> Checkpoints.load(other, file));
        assertEquals(StateFormat.blockwise8bit(512), other.stateFormat());

        // the seed of stochastic rounding is part of the format: resuming with another would change the bits
        Optimizer seeded = optimizer(parameters(), StateFormat.bfloat16Stochastic(1));
        Checkpoints.save(seeded, dir.resolve("seed1.safetensors"));
        Optimizer reseeded = optimizer(parameters(), StateFormat.bfloat16Stochastic(2));
        assertThrows(CheckpointException.class, () -> Checkpoints.load(reseeded, dir.resolve("seed1.safetensors")));
        Checkpoints.load(optimizer(parameters(), StateFormat.bfloat16Stochastic(1)), dir.resolve("seed1.safetensors"));
    }
}
