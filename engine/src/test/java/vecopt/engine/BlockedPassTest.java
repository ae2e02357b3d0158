package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * A splittable pass runs as kernel calls of at most one block each: every call starts at a multiple of
 * the pass's alignment (so per-block reductions keep their blocks), the calls cover the range once, in
 * order, and value and gradient offsets follow the state index.
 */
class BlockedPassTest {

    /** One kernel call as the kernel saw it. */
    private record Call(int valueOffset, int gradOffset, int stateOffset, int n) {
    }

    private static List<Call> run(int alignment, int from, int length, Parameter p) {
        List<Call> calls = new ArrayList<>();
        BlockedPass pass = new BlockedPass();
        pass.set((v, vOff, g, gOff, state, n) -> {
            assertSame(p.value().array(), v);
            assertSame(p.grad().array(), g);
            calls.add(new Call(vOff, gOff, state, n));
        }, p, alignment);
        pass.run(from, length);
        return calls;
    }

    private static Parameter atOffsets(int size, int valueOffset, int gradOffset) {
        float[] value = new float[valueOffset + size];
        float[] grad = new float[gradOffset + size];
        return new Parameter("p", FloatTensor.view(value, valueOffset, size), FloatTensor.view(grad, gradOffset, size));
    }

    @Test
    void aLongRangeRunsAsBlocksThatCoverItOnceInOrder() {
        int n = 3 * BlockedPass.BLOCK + 5;
        Parameter p = atOffsets(n, 0, 0);
        List<Call> calls = run(64, 0, n, p);
        assertEquals(4, calls.size());
        int next = 0;
        for (Call c : calls) {
            assertEquals(next, c.stateOffset());
            assertTrue(c.n() <= BlockedPass.BLOCK, "a call of " + c.n() + " elements");
            assertEquals(0, c.stateOffset() % 64);
            next += c.n();
        }
        assertEquals(n, next);
    }

    @Test
    void everyCallOfAChunkStartsOnThePassAlignmentEvenWhenItIsWiderThanABlock() {
        int alignment = BlockedPass.BLOCK + 1000;
        int from = 2 * alignment;
        int length = 3 * alignment + 17;
        List<Call> calls = run(alignment, from, length, atOffsets(from + length, 0, 0));
        assertEquals(4, calls.size());
        for (Call c : calls) {
            assertEquals(0, c.stateOffset() % alignment, "a call starting at " + c.stateOffset());
            assertTrue(c.n() <= alignment);
        }
        assertEquals(from + length, calls.getLast().stateOffset() + calls.getLast().n());
    }

    @Test
    void valueAndGradientOffsetsFollowTheStateIndex() {
        int n = BlockedPass.BLOCK + 100;
        List<Call> calls = run(64, 0, n, atOffsets(n, 7, 130));
        assertEquals(List.of(new Call(7, 130, 0, BlockedPass.BLOCK),
                new Call(7 + BlockedPass.BLOCK, 130 + BlockedPass.BLOCK, BlockedPass.BLOCK, 100)), calls);
    }

    @Test
    void aShortRangeIsOneCall() {
        assertEquals(List.of(new Call(64, 64, 64, 100)), run(64, 64, 100, atOffsets(164, 0, 0)));
    }
}
