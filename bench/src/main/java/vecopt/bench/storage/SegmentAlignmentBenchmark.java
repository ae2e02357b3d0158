package vecopt.bench.storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import vecopt.engine.Adam;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.SegmentKernels;

/**
 * What a misaligned start costs a vector kernel: Adam over native segments ({@link SegmentKernels})
 * whose four arrays all start {@code offset} bytes past a 64-byte boundary. 0 is cache-line aligned;
 * 16 is where a {@code float[]}'s body starts in a G1 humongous array (region-aligned object, 16-byte
 * header), and where every 512-bit access of an unpeeled loop splits two cache lines. The arrays sit in
 * one allocation, {@code 5 * 64} bytes apart beyond their length, so that they do not share a page
 * offset (a different effect, measured apart).
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main SegmentAlignmentBenchmark
 * -jvmArgsAppend "--add-modules jdk.incubator.vector -Dvecopt.vectorBitSize=512"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SegmentAlignmentBenchmark {

    private static final SegmentKernels KERNELS = SegmentKernels.get();
    private static final AdamCoefficients C =
            AdamCoefficients.forStep(Adam.defaults(), AdamCoefficients.WeightDecay.BY_FLAG, 10, StepContext.NONE);
    private static final long SPACING = 5 * 64;

    @Param({"65536"})
    public int size;

    /** Bytes past a 64-byte boundary at which every array starts. */
    @Param({"0", "16"})
    public int offset;

    private Arena arena;
    private MemorySegment p;
    private MemorySegment g;
    private MemorySegment m;
    private MemorySegment v;

    @Setup(Level.Trial)
    public void setUp() {
        long bytes = (long) size * Float.BYTES;
        long stride = bytes + 64 + SPACING;
        arena = Arena.ofConfined();
        MemorySegment all = arena.allocate(4 * stride, 64);
        MemorySegment[] arrays = new MemorySegment[4];
        for (int a = 0; a < 4; a++) {
            arrays[a] = all.asSlice(a * stride + offset, bytes);
            for (long i = 0; i < size; i++) {
                float x = (float) Math.sin(0.001 * i + a);
                arrays[a].setAtIndex(SegmentKernels.FLOAT, i, a == 3 ? Math.abs(x) : x);
            }
        }
        p = arrays[0];
        g = arrays[1];
        m = arrays[2];
        v = arrays[3];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment adam() {
        KERNELS.adam(p, g, m, v, 0, size, C);
        return p;
    }
}
