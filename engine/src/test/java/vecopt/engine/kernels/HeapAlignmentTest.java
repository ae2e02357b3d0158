package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * {@link HeapAlignment}: which heap arrays it claims to know the placement of, the peel it computes
 * from that, and, checked against the real addresses, that the claim holds on this JVM.
 */
class HeapAlignmentTest {

    private static boolean g1() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(b -> b.getName().startsWith("G1"));
    }

    private static void assumeG1() {
        assumeTrue(g1(), "the placement of heap arrays is only known under G1, and this JVM runs another collector");
    }

    @Test
    void onlyHumongousArraysArePlaced() {
        assumeG1();
        assertTrue(HeapAlignment.HUMONGOUS_LENGTH < Integer.MAX_VALUE, "G1 runs, so humongous arrays are known");
        assertTrue(HeapAlignment.placed(new float[HeapAlignment.HUMONGOUS_LENGTH]));
        assertFalse(HeapAlignment.placed(new float[HeapAlignment.HUMONGOUS_LENGTH - 1]));
        assertFalse(HeapAlignment.placed(new float[4096]));
    }

    @Test
    void thePeelEndsOnACacheLineForEveryOffset() {
        assumeG1();
        int n = HeapAlignment.HUMONGOUS_LENGTH + 100;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int offset = 0; offset < 40; offset++) {
            int peel = HeapAlignment.peel(50, a, offset, b, offset + 16);
            assertTrue(peel >= 0 && peel < 16, "offset " + offset + ": peel " + peel);
            assertEquals(0, (HeapAlignment.BASE + 4 * (offset + peel)) % 64, "offset " + offset + " peels " + peel);
            assertEquals(Math.min(3, peel), HeapAlignment.peel(3, a, offset, b, offset), "never more than n");
        }
    }

    @Test
    void noPeelUnlessEveryArrayIsPlacedAndSharesTheMisalignment() {
        assumeG1();
        int n = HeapAlignment.HUMONGOUS_LENGTH + 100;
        float[] a = new float[n];
        float[] b = new float[n];
        float[] c = new float[n];
        int misaligned = HeapAlignment.misalignment(0) == 0 ? 1 : 0;
        assertTrue(HeapAlignment.peel(n - 64, a, misaligned, b, misaligned, c, misaligned) > 0);
        assertEquals(0, HeapAlignment.peel(n - 64, a, misaligned, b, misaligned + 1, c, misaligned), "offsets differ");
        assertEquals(0, HeapAlignment.peel(n - 64, a, misaligned, b, misaligned, new float[4096], misaligned),
                "one array is not humongous");
    }

    /**
     * The address of element {@code offset} of {@code a}: {@code memcpy(dst, src, 0)} returns
     * {@code dst}, and a critical downcall may pass the heap array itself.
     */
    private static long address(MethodHandle memcpy, float[] a, int offset) throws Throwable {
        MemorySegment element = MemorySegment.ofArray(a).asSlice(4L * offset);
        return ((MemorySegment) memcpy.invokeExact(element, element, 0L)).address();
    }

    @Test
    void placedArraysLieWhereThePeelAssumes() throws Throwable {
        assumeG1();
        Linker linker = Linker.nativeLinker();
        MethodHandle memcpy = linker.downcallHandle(linker.defaultLookup().find("memcpy").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
        float[][] arrays = new float[3][HeapAlignment.HUMONGOUS_LENGTH + 1000];
        for (float[] a : arrays) {
            for (int offset : new int[] {0, 1, 5, 12, 16, 999}) {
                assertEquals(HeapAlignment.misalignment(offset), address(memcpy, a, offset) & 63,
                        "element " + offset + " of a humongous array");
            }
        }
        System.gc(); // a full collection may move humongous arrays: still to region starts
        for (float[] a : arrays) {
            assertEquals(HeapAlignment.misalignment(3), address(memcpy, a, 3) & 63, "after a collection");
        }
    }
}
