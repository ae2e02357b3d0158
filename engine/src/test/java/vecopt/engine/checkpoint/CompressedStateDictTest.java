package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adam;
import vecopt.engine.CompressedBuffer;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.StateFormat;
import vecopt.tensor.FloatTensor;

/**
 * Compressed optimizer state survives the in-memory and stream paths as it survives a file: a state
 * dict and a stream carry the bfloat16 and 8-bit buffers, and resuming from either gives the same bits
 * as not stopping.
 */
class CompressedStateDictTest {

    private static final StateFormat[] FORMATS = {StateFormat.bfloat16(), StateFormat.bfloat16Stochastic(7),
            StateFormat.blockwise8bit(), StateFormat.blockwise8bit(128)};

    private static List<Parameter> parameters() {
        // one large enough for 8-bit state, one that stays float32 under it
        return List.of(Parameter.of("big", FloatTensor.randomNormal(3, 64, 80)),
                Parameter.of("small", FloatTensor.randomNormal(4, 21)));
    }

    private static List<Parameter> copies(List<Parameter> ps) {
        return ps.stream().map(p -> Parameter.of(p.name(), p.value().copy())).toList();
    }

    private static Optimizer adam(List<Parameter> ps, StateFormat format) {
        Optimizer o = new Adam(ps, Adam.defaults().with(Adam.LR, 1e-2));
        o.setStateFormat(format);
        return o;
    }

    private static void steps(Optimizer o, List<Parameter> ps, int from, int to) {
        for (int t = from; t < to; t++) {
            SplittableRandom random = new SplittableRandom(100 + t);
            for (Parameter p : ps) {
                for (int i = 0; i < p.size(); i++) {
                    p.grad().setFlat(i, (float) random.nextGaussian());
                }
            }
            o.step();
        }
    }

    private static void assertSameValues(List<Parameter> expected, List<Parameter> actual, String what) {
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k).value().toArray(), actual.get(k).value().toArray(),
                    what + " " + expected.get(k).name());
        }
    }

    @Test
    void aStateDictRoundTripOfCompressedAdamStateResumesBitForBit() {
        for (StateFormat format : FORMATS) {
            List<Parameter> a = parameters();
            Optimizer running = adam(a, format);
            steps(running, a, 0, 3);
            StateDict dict = Checkpoints.stateDict(running);
            List<Parameter> b = copies(a);
            List<Parameter> c = copies(a);
            steps(running, a, 3, 6); // changes the running state in place; the snapshot must not follow

            Optimizer resumed = adam(b, format);
            Checkpoints.loadStateDict(resumed, dict);
            steps(resumed, b, 3, 6);
            assertSameValues(a, b, format.toString());

            Optimizer again = adam(c, format); // the same dict loads a second time, unchanged by the first
            Checkpoints.loadStateDict(again, dict);
            assertEquals(3, again.state("big").step());
            steps(again, c, 3, 6);
            assertSameValues(a, c, format + " loaded again");
        }
    }

    @Test
    void aStateDictCarriesTheCompressedBuffersAsStored() {
        List<Parameter> ps = parameters();
        Optimizer o = adam(ps, StateFormat.blockwise8bit());
        steps(o, ps, 0, 2);
        StateDict dict = Checkpoints.stateDict(o);

        StateDict.State big = dict.groups().get(0).parameters().get(0).state();
        assertEquals(Set.of("exp_avg", "exp_avg_sq"), big.compressedBufferNames());
        assertEquals(Set.of(), big.bufferNames());
        StateDict.State small = dict.groups().get(0).parameters().get(1).state();
        assertEquals(Set.of(), small.compressedBufferNames()); // under 4096 elements: float32
        assertEquals(Set.of("exp_avg", "exp_avg_sq"), small.bufferNames());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dict.buffer("big", "exp_avg"));
        assertTrue(e.getMessage().contains("stores its buffer exp_avg compressed"), e.getMessage());

        // a snapshot: its codes are copies, not the optimizer's arrays
        CompressedBuffer.BlockwiseBuffer live = (CompressedBuffer.BlockwiseBuffer) o.state("big").compressedBuffer("exp_avg");
        byte[] before = live.codes().clone();
        steps(o, ps, 2, 3);
        Optimizer fresh = adam(copies(ps), StateFormat.blockwise8bit());
        Checkpoints.loadStateDict(fresh, dict);
        assertArrayEquals(before, ((CompressedBuffer.BlockwiseBuffer) fresh.state("big").compressedBuffer("exp_avg")).codes());
    }

    @Test
    void aStateDictOfCompressedStateIsRefusedByAnOptimizerSetToAnotherFormat() {
        List<Parameter> ps = parameters();
        Optimizer q = adam(ps, StateFormat.blockwise8bit());
        steps(q, ps, 0, 1);
        StateDict dict = Checkpoints.stateDict(q);
        assertEquals(StateFormat.blockwise8bit(), dict.settings().stateFormat());

        Optimizer plain = adam(parameters(), StateFormat.bfloat16());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadStateDict(plain, dict));
        assertTrue(e.getMessage().contains("this optimizer was set to store it as bfloat16 (setStateFormat)"), e.getMessage());
        assertEquals(null, plain.state("big"));
    }

    @Test
    void aStateDictOfCompressedStateGivesAnOptimizerWhoseFormatWasNotSetItsFormat() {
        for (StateFormat format : FORMATS) {
            List<Parameter> a = parameters();
            Optimizer running = adam(a, format);
            steps(running, a, 0, 2);
            StateDict dict = Checkpoints.stateDict(running);
            List<Parameter> b = copies(a);
            steps(running, a, 2, 4);

            Optimizer fresh = new Adam(b, Adam.defaults().with(Adam.LR, 1e-2));
            Checkpoints.loadStateDict(fresh, dict);
            assertEquals(format, fresh.stateFormat());
            steps(fresh, b, 2, 4);
            for (int k = 0; k < a.size(); k++) {
                assertArrayEquals(a.get(k).value().toArray(), b.get(k).value().toArray(), format + " " + a.get(k).name());
            }
        }
    }

    @Test
    void aStreamRoundTripOfCompressedAdamStateResumesBitForBitAndMatchesTheFile(@TempDir Path dir) throws Exception {
        for (StateFormat format : FORMATS) {
            List<Parameter> a = parameters();
            Optimizer running = adam(a, format);
            steps(running, a, 0, 3);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Checkpoints.save(running, out);
            Path file = dir.resolve("adam.safetensors");
            Checkpoints.save(running, file);
            assertArrayEquals(Files.readAllBytes(file), out.toByteArray(), format.toString());
            List<Parameter> b = copies(a);
            steps(running, a, 3, 6);

            Optimizer resumed = adam(b, format);
            ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
            Checkpoints.load(resumed, in);
            assertEquals(0, in.available(), "the load reads exactly the checkpoint's bytes");
            steps(resumed, b, 3, 6);
            assertSameValues(a, b, format.toString());
        }
    }
}
