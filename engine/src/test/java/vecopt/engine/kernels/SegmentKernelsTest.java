package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import vecopt.tensor.DType;
import vecopt.tensor.SegmentTensor;

/** The segment kernels give the array kernels' bits on heap, native and mapped memory, past 2^31 elements. */
class SegmentKernelsTest {

    static java.util.stream.Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    private static AdamCoefficients coefficients(int step) {
        return AdamKernelParityTest.coefficients(step, 1e-2, 0.9, 0.999, 1e-8, 1e-2, step % 2 == 0, false);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamOnHeapAndNativeSegmentsGivesTheArrayKernelsBits(int n) {
        SplittableRandom random = new SplittableRandom(n);
        int from = random.nextInt(9);
        float[][] arrays = new float[4][from + n + 3];
        for (int a = 0; a < 4; a++) {
            for (int i = 0; i < arrays[a].length; i++) {
                arrays[a][i] = a == 1 ? KernelParity.gradient(random) : a == 3 ? (float) Math.abs(random.nextGaussian())
                        : (float) random.nextGaussian();
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            for (SegmentKernels k : new SegmentKernels[] {SegmentKernels.scalar(), SegmentKernels.get()}) {
                float[][] expected = deepCopy(arrays);
                float[][] heap = deepCopy(arrays);
                MemorySegment[] hs = new MemorySegment[4];
                MemorySegment[] ns = new MemorySegment[4];
                for (int a = 0; a < 4; a++) {
                    hs[a] = MemorySegment.ofArray(heap[a]);
                    ns[a] = arena.allocate(4L * arrays[a].length, 64);
                    MemorySegment.copy(hs[a], 0, ns[a], 0, ns[a].byteSize());
                }
                for (int step = 1; step <= 3; step++) {
                    AdamCoefficients c = coefficients(step);
                    OptimizerKernelsProvider.get().adam(expected[0], from, expected[1], from, expected[2], from,
                            expected[3], from, n, c);
                    k.adam(hs[0], hs[1], hs[2], hs[3], from, n, c);
                    k.adam(ns[0], ns[1], ns[2], ns[3], from, n, c);
                }
                for (int a = 0; a < 4; a++) {
                    for (int i = 0; i < arrays[a].length; i++) {
                        int want = Float.floatToRawIntBits(expected[a][i]);
                        assertEquals(want, Float.floatToRawIntBits(heap[a][i]), k.name() + " heap array " + a + " at " + i);
                        assertEquals(want, Float.floatToRawIntBits(ns[a].getAtIndex(SegmentKernels.FLOAT, i)),
                                k.name() + " native array " + a + " at " + i);
                    }
                }
            }
        }
    }

    /**
     * Native segments that all start 0, 4, ..., 60 bytes past a cache line (the Panama kernel then runs
     * a scalar head up to the boundary), and segments that each start elsewhere (no head): the array
     * kernel's bits either way, for lengths shorter and longer than the head.
     */
    @ParameterizedTest
    @MethodSource("sizes")
    void adamGivesTheArrayKernelsBitsAtEveryMisalignment(int n) {
        if (n > 5000) {
            return; // the awkward sizes are enough here
        }
        SplittableRandom random = new SplittableRandom(7L * n);
        for (int shift = 0; shift < 64; shift += 4) {
            for (boolean shared : new boolean[] {true, false}) {
                float[][] expected = new float[4][n];
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment[] s = new MemorySegment[4];
                    for (int a = 0; a < 4; a++) {
                        long start = shared ? shift : (shift + 20L * a) % 64;
                        s[a] = arena.allocate(4L * n + 64, 64).asSlice(start, 4L * n);
                        for (int i = 0; i < n; i++) {
                            float x = a == 1 ? KernelParity.gradient(random) : a == 3
                                    ? (float) Math.abs(random.nextGaussian()) : (float) random.nextGaussian();
                            expected[a][i] = x;
                            s[a].setAtIndex(SegmentKernels.FLOAT, i, x);
                        }
                    }
                    for (int step = 1; step <= 2; step++) {
                        AdamCoefficients c = coefficients(step);
                        SegmentKernels.get().adam(s[0], s[1], s[2], s[3], 0, n, c);
                        ScalarOptimizerKernels.INSTANCE.adam(expected[0], 0, expected[1], 0, expected[2], 0,
                                expected[3], 0, n, c);
                    }
                    for (int a = 0; a < 4; a++) {
                        for (int i = 0; i < n; i++) {
                            assertEquals(Float.floatToRawIntBits(expected[a][i]),
                                    Float.floatToRawIntBits(s[a].getAtIndex(SegmentKernels.FLOAT, i)),
                                    "shift " + shift + (shared ? " shared" : " mixed") + " array " + a + " at " + i);
                        }
                    }
                }
            }
        }
    }

    /** The head runs up to the vector's alignment only when every segment is native and equally misaligned. */
    @Test
    void thePanamaKernelPeelsOnlyWhenAllNativeSegmentsShareTheirMisalignment() {
        KernelParity.panamaOrSkip();
        long alignment = Math.min(64, PanamaOptimizerKernels.species().vectorByteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment base = arena.allocate(4096, 64);
            MemorySegment a = base.asSlice(16, 1024);
            MemorySegment b = base.asSlice(1024 + 16, 1024);
            MemorySegment aligned = base.asSlice(2048, 1024);
            MemorySegment heap = MemorySegment.ofArray(new float[256]);
            assertEquals((alignment - 16) / 4, PanamaSegmentKernels.alignmentPeel(0, 200, a, b, a, b));
            assertEquals(Math.min(3, (alignment - 16) / 4), PanamaSegmentKernels.alignmentPeel(0, 3, a, b, a, b),
                    "never more than n");
            assertEquals(0, PanamaSegmentKernels.alignmentPeel((alignment - 16) / 4, 100, a, b, a, b),
                    "from already on the boundary");
            assertEquals(0, PanamaSegmentKernels.alignmentPeel(0, 200, aligned, aligned, aligned, aligned));
            assertEquals(0, PanamaSegmentKernels.alignmentPeel(0, 200, a, aligned, a, b), "misalignments differ");
            assertEquals(0, PanamaSegmentKernels.alignmentPeel(0, 200, heap, heap, heap, heap), "heap addresses unknown");
        }
    }

    /**
     * Four tensors of 2^31 + 1000 float32 elements each in one sparse mapped file (34 GB on paper; only
     * the pages a step touches are ever allocated): a step over elements {@code [2^31 - 500, 2^31 + 1000)},
     * across the int boundary up to the last element, gives the array kernel's bits.
     */
    @Test
    void stepsTheEndOfTensorsOfMoreThan2To31ElementsInASparseMappedFile(@TempDir Path dir) throws Exception {
        long n = (1L << 31) + 1000;
        long from = (1L << 31) - 500;
        int len = (int) (n - from);
        Path file = dir.resolve("huge.bin");
        SplittableRandom random = new SplittableRandom(31);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.SPARSE); Arena arena = Arena.ofConfined()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4 * n * Float.BYTES, arena);
            SegmentTensor[] t = new SegmentTensor[4];
            float[][] expected = new float[4][len];
            for (int a = 0; a < 4; a++) {
                t[a] = SegmentTensor.wrap(mapped.asSlice(a * n * Float.BYTES, n * Float.BYTES), DType.FLOAT32, n);
                for (int i = 0; i < len; i++) {
                    float x = a == 0 ? (float) random.nextGaussian() : a == 1 ? KernelParity.gradient(random) : 0f;
                    t[a].setFloat(from + i, x);
                    expected[a][i] = x;
                }
            }
            for (int step = 1; step <= 2; step++) {
                AdamCoefficients c = coefficients(step);
                SegmentKernels.get().adam(t[0].segment(), t[1].segment(), t[2].segment(), t[3].segment(), from, len, c);
                OptimizerKernelsProvider.get().adam(expected[0], 0, expected[1], 0, expected[2], 0, expected[3], 0, len, c);
            }
            for (int a = 0; a < 4; a++) {
                for (int i = 0; i < len; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[a][i]), Float.floatToRawIntBits(t[a].getFloat(from + i)),
                            "tensor " + a + " element " + (from + i));
                }
            }
            assertEquals(0f, t[0].getFloat(from - 1)); // untouched: still the sparse file's zeros
            float last = expected[0][len - 1];
            assertEquals(last, t[0].getFloat(n - 1));
        }
    }

    private static float[][] deepCopy(float[][] a) {
        float[][] b = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i].clone();
        }
        return b;
    }
}
