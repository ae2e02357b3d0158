package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.Float16;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Mixed-precision parameters over native memory ({@code Arena}-allocated or mapped files): they step
 * to the same weight bits and master as the same parameters over heap {@code short[]} arrays, which
 * {@link MixedPrecisionTest} checks against float64 references of the rules' equations.
 */
class MixedPrecisionSegmentTest {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Over several blocks of {@link MixedPass#BLOCK}, with a ragged tail. */
    private static final int N = 3 * MixedPass.BLOCK + 37;

    private static short[] lowPrecision(DType type, long seed, int n, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        short[] bits = new short[n];
        for (int i = 0; i < n; i++) {
            float x = (float) (random.nextGaussian() * scale);
            bits[i] = type == DType.FLOAT16 ? Float16.fromFloat(x) : BFloat16.fromFloat(x);
        }
        return bits;
    }

    private static float[] widened(DType type, short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = type == DType.FLOAT16 ? Float16.toFloat(bits[i]) : BFloat16.toFloat(bits[i]);
        }
        return x;
    }

    private static SegmentTensor heap(DType type, short[] bits) {
        return SegmentTensor.wrap(MemorySegment.ofArray(bits), type, bits.length);
    }

    /** {@code bits} written little-endian to {@code segment}, which becomes a tensor of them. */
    private static SegmentTensor over(MemorySegment segment, DType type, short[] bits) {
        MemorySegment.copy(bits, 0, segment, LE_SHORT, 0, bits.length);
        return SegmentTensor.wrap(segment, type, bits.length);
    }

    private static SegmentTensor allocated(Arena arena, DType type, short[] bits) {
        return over(arena.allocate((long) bits.length * Short.BYTES, 64), type, bits);
    }

    private static short[] bitsOf(SegmentTensor t) {
        short[] bits = new short[(int) t.size()];
        MemorySegment.copy(t.segment(), LE_SHORT, 0, bits, 0, bits.length);
        return bits;
    }

    private static Optimizer optimizer(String rule, Parameter p) {
        return rule.equals("Adam")
                ? new Adam(List.of(p), Adam.defaults().with(Adam.LR, 1e-2).with(Adam.WEIGHT_DECAY, 0.01))
                : new Sgd(List.of(p), Sgd.defaults().with(Sgd.LR, 0.05).with(Sgd.MOMENTUM, 0.9));
    }

    /**
     * Steps {@code p} three times with {@code rule}, loss scale 64, clipping by norm and the SKIP policy
     * (so the gradient's sum of squares is taken), on {@code threads} threads; {@code setGradient} writes
     * step {@code t}'s loss-scaled gradient.
     */
    private static Optimizer stepped(String rule, Parameter p, int threads, WeightRounding rounding,
                                     java.util.function.IntConsumer setGradient) {
        Optimizer o = optimizer(rule, p);
        o.setLossScale(64);
        o.setGradientClipping(GradientClipping.byNorm(50.0));
        o.setNonFinitePolicy(NonFinitePolicy.SKIP);
        o.setWeightRounding(rounding);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threads, 64)) {
            o.setExecutor(executor);
            for (int t = 0; t < 3; t++) {
                setGradient.accept(t);
                o.step();
            }
        }
        return o;
    }

    @Test
    void nativeWeightsStepToTheBitsOfHeapWeightsForAdamAndSgdOnOneAndTwoThreads() {
        for (DType type : List.of(DType.BFLOAT16, DType.FLOAT16)) {
            for (String rule : List.of("Adam", "SGD")) {
                for (boolean lowGradient : List.of(true, false)) {
                    for (int threads : List.of(1, 2)) {
                        for (WeightRounding rounding : List.of(WeightRounding.nearestEven(), WeightRounding.stochastic(7))) {
                            String what = type + " " + rule + (lowGradient ? " low-precision" : " float32") + " gradient, "
                                    + threads + " threads, " + rounding;
                            short[] start = lowPrecision(type, 1, N, 1);
                            short[][] grads = {lowPrecision(type, 2, N, 64), lowPrecision(type, 3, N, 64),
                                lowPrecision(type, 4, N, 64)};

                            short[] heapWeights = start.clone();
                            short[] heapGrad = new short[N];
                            float[] floatGrad = new float[N];
                            Parameter heapParameter = lowGradient
                                    ? Parameter.mixed("w", heap(type, heapWeights), heap(type, heapGrad))
                                    : Parameter.mixed("w", heap(type, heapWeights), FloatTensor.of(floatGrad));
                            Optimizer onHeap = stepped(rule, heapParameter, threads, rounding, t -> {
                                System.arraycopy(grads[t], 0, heapGrad, 0, N);
                                System.arraycopy(widened(type, grads[t]), 0, floatGrad, 0, N);
                            });

                            // a confined arena serves the calling thread only; workers need a shared one
                            try (Arena arena = threads == 1 ? Arena.ofConfined() : Arena.ofShared()) {
                                SegmentTensor weights = allocated(arena, type, start);
                                SegmentTensor grad = allocated(arena, type, new short[N]);
                                float[] floatGrad2 = new float[N];
                                Parameter nativeParameter = lowGradient ? Parameter.mixed("w", weights, grad)
                                        : Parameter.mixed("w", weights, FloatTensor.of(floatGrad2));
                                Optimizer onNative = stepped(rule, nativeParameter, threads, rounding, t -> {
                                    MemorySegment.copy(grads[t], 0, grad.segment(), LE_SHORT, 0, N);
                                    System.arraycopy(widened(type, grads[t]), 0, floatGrad2, 0, N);
                                });
                                assertArrayEquals(heapWeights, bitsOf(weights), what + " weights");
                                assertArrayEquals(onHeap.state("w").buffer(Optimizer.MASTER),
                                        onNative.state("w").buffer(Optimizer.MASTER), what + " master");
                                assertEquals(onHeap.lastGradientNorm(), onNative.lastGradientNorm(), what + " norm");
                            }
                            int moved = 0;
                            for (int i = 0; i < N; i++) {
                                moved += start[i] != heapWeights[i] ? 1 : 0;
                            }
                            assertTrue(moved > N / 2, what + ": " + moved + " weights moved");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aMappedBf16FileHoldsTheSteppedWeightsAfterForce(@TempDir Path dir) throws IOException {
        int n = 2 * MixedPass.BLOCK + 5;
        int header = 24; // the weights start after a header, as in a safetensors file
        short[] start = lowPrecision(DType.BFLOAT16, 10, n, 1);
        ByteBuffer bytes = ByteBuffer.allocate(header + 2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < header; i++) {
            bytes.put((byte) (0x40 + i));
        }
        for (short b : start) {
            bytes.putShort(b);
        }
        Path file = dir.resolve("weights.bin");
        Files.write(file, bytes.array());

        short[] heapWeights = start.clone();
        float[] g = new float[n];
        Optimizer onHeap = new Sgd(List.of(Parameter.mixed("w", heap(DType.BFLOAT16, heapWeights), FloatTensor.of(g))),
                Sgd.defaults().with(Sgd.LR, 0.05).with(Sgd.MOMENTUM, 0.9));
        float[] g2 = new float[n];
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, header + 2L * n, arena);
            SegmentTensor weights = SegmentTensor.wrap(mapped.asSlice(header), DType.BFLOAT16, n);
            Optimizer onFile = new Sgd(List.of(Parameter.mixed("w", weights, FloatTensor.of(g2))),
                    Sgd.defaults().with(Sgd.LR, 0.05).with(Sgd.MOMENTUM, 0.9));
            for (int t = 0; t < 3; t++) {
                float[] gt = widened(DType.BFLOAT16, lowPrecision(DType.BFLOAT16, 20 + t, n, 1));
                System.arraycopy(gt, 0, g, 0, n);
                System.arraycopy(gt, 0, g2, 0, n);
                onHeap.step();
                onFile.step();
            }
            mapped.force();
            assertArrayEquals(onHeap.state("w").buffer(Optimizer.MASTER), onFile.state("w").buffer(Optimizer.MASTER));
        }
        ByteBuffer read = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < header; i++) {
            assertEquals((byte) (0x40 + i), read.get(), "header byte " + i);
        }
        short[] onDisk = new short[n];
        for (int i = 0; i < n; i++) {
            onDisk[i] = read.getShort();
        }
        assertArrayEquals(heapWeights, onDisk);
        assertNotEquals(start[0], onDisk[0]);
    }

    @Test
    void weightsAndGradientsAtAnOddByteOffsetStepAsAlignedOnes() {
        int n = MixedPass.BLOCK + 11;
        DType type = DType.FLOAT16;
        short[] start = lowPrecision(type, 30, n, 1);
        short[] g = lowPrecision(type, 31, n, 1);
        short[] aligned = start.clone();
        new Adam(List.of(Parameter.mixed("w", heap(type, aligned), heap(type, g))), Adam.defaults().with(Adam.LR, 1e-2))
                .step();
        try (Arena arena = Arena.ofConfined()) {
            // a native slice one byte into its allocation
            SegmentTensor w = over(arena.allocate(2L * n + 1).asSlice(1), type, start);
            SegmentTensor gn = over(arena.allocate(2L * n + 3).asSlice(3), type, g);
            new Adam(List.of(Parameter.mixed("w", w, gn)), Adam.defaults().with(Adam.LR, 1e-2)).step();
            assertArrayEquals(aligned, bitsOf(w), "native");
        }
        // a heap short[] viewed from its second byte
        short[] array = new short[n + 1];
        SegmentTensor w = over(MemorySegment.ofArray(array).asSlice(1, 2L * n), type, start);
        short[] gArray = new short[n + 1];
        SegmentTensor gh = over(MemorySegment.ofArray(gArray).asSlice(1, 2L * n), type, g);
        new Adam(List.of(Parameter.mixed("w", w, gh)), Adam.defaults().with(Adam.LR, 1e-2)).step();
        assertArrayEquals(aligned, bitsOf(w), "heap at an odd byte");
    }

    @Test
    void rejectsReadOnlyWeightsAndHeapSegmentsOverOtherArraysWritingNothing(@TempDir Path dir) throws IOException {
        int n = 16;
        Path file = dir.resolve("weights.bin");
        byte[] content = new byte[2 * n];
        content[3] = 0x3f;
        Files.write(file, content);
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment readOnly = channel.map(FileChannel.MapMode.READ_ONLY, 0, 2L * n, arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Parameter.mixed("w", SegmentTensor.wrap(readOnly, DType.BFLOAT16, n), FloatTensor.zeros(n)));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
        assertArrayEquals(content, Files.readAllBytes(file));

        for (Object array : List.of(new byte[2 * n], new float[n], new int[n])) {
            MemorySegment segment = array instanceof byte[] b ? MemorySegment.ofArray(b)
                    : array instanceof float[] f ? MemorySegment.ofArray(f) : MemorySegment.ofArray((int[]) array);
            SegmentTensor t = SegmentTensor.wrap(segment, DType.BFLOAT16, n);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Parameter.mixed("w", t, FloatTensor.zeros(n)));
            assertTrue(e.getMessage().startsWith("weights must be a native segment or a view of a heap short[]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> Parameter.mixed("w", heap(DType.BFLOAT16, new short[n]), t));
            assertTrue(e.getMessage().startsWith("grad must be a native segment or a view of a heap short[]"),
                    e.getMessage());
        }
    }

    @Test
    void rejectsParametersWhoseNativeWeightsOrGradientsOverlap() {
        int n = 64;
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor all = SegmentTensor.allocate(arena, DType.BFLOAT16, 4 * n);
            Parameter a = Parameter.mixed("a", all.slice(0, n), all.slice(2 * n, n));
            Parameter b = Parameter.mixed("b", all.slice(n - 1, n), FloatTensor.zeros(n)); // one element in common
            List<Parameter> both = List.of(a, b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Adam(both, Adam.defaults()));
            assertTrue(e.getMessage().contains("the weights of b") && e.getMessage().contains("the weights of a")
                    && e.getMessage().contains("share memory"), e.getMessage());

            // a view derived separately (through a direct buffer) over common addresses
            MemorySegment again = MemorySegment.ofBuffer(all.segment().asByteBuffer()).asSlice(2L * (2 * n + 5), 2L * n);
            Parameter c = Parameter.mixed("c", SegmentTensor.wrap(again, DType.BFLOAT16, n), FloatTensor.zeros(n));
            e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(a, c), Sgd.defaults()));
            assertTrue(e.getMessage().contains("the weights of c") && e.getMessage().contains("the gradient of a"),
                    e.getMessage());

            Parameter self = Parameter.mixed("s", all.slice(3 * n, n / 2), all.slice(3 * n + 1, n / 2));
            e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(self), Sgd.defaults()));
            assertTrue(e.getMessage().contains("the weights of s") && e.getMessage().contains("the gradient of s"),
                    e.getMessage());

            // adjacent ranges do not overlap
            Parameter d = Parameter.mixed("d", all.slice(n, n), all.slice(3 * n, n));
            new Adam(List.of(a, d), Adam.defaults());
        }
    }

    @Test
    void aNonFiniteNativeFp16GradientMeetsTheNonFinitePolicyAndWritesNothing() {
        int n = 300;
        DType type = DType.FLOAT16;
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor w = allocated(arena, type, lowPrecision(type, 40, n, 1));
            SegmentTensor g = allocated(arena, type, lowPrecision(type, 41, n, 1024));
            RMSprop rmsprop = new RMSprop(List.of(Parameter.mixed("w", w, g)),
                    RMSprop.defaults().with(RMSprop.LR, 1e-3).with(RMSprop.MOMENTUM, 0.9));
            rmsprop.setLossScale(1024);
            rmsprop.setNonFinitePolicy(NonFinitePolicy.SKIP);
            rmsprop.step();
            short[] weights = bitsOf(w);
            float[] master = rmsprop.state("w").buffer(Optimizer.MASTER).clone();
            g.segment().set(LE_SHORT, 2L * 123, Float16.fromFloat(70000f)); // beyond float16's range: infinity
            rmsprop.step();
            assertEquals(1, rmsprop.skippedSteps());
            assertEquals(1, rmsprop.state("w").step());
            assertArrayEquals(weights, bitsOf(w));
            assertArrayEquals(master, rmsprop.state("w").buffer(Optimizer.MASTER));

            rmsprop.setNonFinitePolicy(NonFinitePolicy.ERROR);
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, rmsprop::step);
            assertEquals("parameter w has a non-finite gradient at index 123: Infinity", e.getMessage());
            assertArrayEquals(weights, bitsOf(w));
        }
    }

    @Test
    void aClosedArenaSurfacesAsTheJdksIllegalStateException() {
        int n = 32;
        Arena arena = Arena.ofConfined();
        SegmentTensor w = allocated(arena, DType.BFLOAT16, lowPrecision(DType.BFLOAT16, 50, n, 1));
        Sgd sgd = new Sgd(List.of(Parameter.mixed("w", w, FloatTensor.zeros(n))), Sgd.defaults().with(Sgd.LR, 0.1));
        sgd.step();
        arena.close();
        assertThrows(IllegalStateException.class, sgd::step);
    }

    @Test
    void aResumedRunOverNativeWeightsContinuesBitForBit(@TempDir Path dir) throws IOException {
        int n = 500;
        DType type = DType.BFLOAT16;
        short[] start = lowPrecision(type, 60, n, 1);
        Path file = dir.resolve("state.safetensors");
        List<short[]> grads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            grads.add(lowPrecision(type, 61 + t, n, 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor w1 = allocated(arena, type, start);
            SegmentTensor g1 = allocated(arena, type, new short[n]);
            AdamW uninterrupted = new AdamW(List.of(Parameter.mixed("w", w1, g1)), AdamW.defaults().with(AdamW.LR, 1e-2));
            uninterrupted.setWeightRounding(WeightRounding.stochastic(3));
            SegmentTensor w2 = null;
            for (int t = 0; t < 6; t++) {
                if (t == 3) {
                    vecopt.engine.checkpoint.Checkpoints.save(uninterrupted, file);
                    w2 = allocated(arena, type, bitsOf(w1)); // the model's own checkpoint of its weights
                }
                MemorySegment.copy(grads.get(t), 0, g1.segment(), LE_SHORT, 0, n);
                uninterrupted.step();
            }
            SegmentTensor g2 = allocated(arena, type, new short[n]);
            AdamW resumed = new AdamW(List.of(Parameter.mixed("w", w2, g2)), AdamW.defaults().with(AdamW.LR, 1e-2));
            resumed.setWeightRounding(WeightRounding.stochastic(3));
            vecopt.engine.checkpoint.Checkpoints.load(resumed, file);
            for (int t = 3; t < 6; t++) {
                MemorySegment.copy(grads.get(t), 0, g2.segment(), LE_SHORT, 0, n);
                resumed.step();
            }
            assertArrayEquals(bitsOf(w1), bitsOf(w2));
            assertArrayEquals(uninterrupted.state("w").buffer(Optimizer.MASTER), resumed.state("w").buffer(Optimizer.MASTER));
        }
    }
}
