package vecopt.engine.kernels;

import java.lang.management.ManagementFactory;

/**
 * Where the elements of a heap {@code float[]} lie relative to a 64-byte cache line, for the arrays
 * whose placement the JVM makes knowable: G1's humongous arrays (at least half a heap region), each
 * of which starts at a region boundary, so that element {@code i} lies {@code base + 4i} bytes past a
 * line, {@code base} being the array header (16 bytes by default). Java code cannot see where other
 * arrays are, so for them the answer is "unknown" and nothing changes.
 *
 * <p>The vector loops use it to peel: when every array of a kernel call is humongous and all share
 * their misalignment (the common case of same-sized parameters, gradients and state), the first
 * {@link #peel} elements run in the scalar loop and every vector access after them starts on a line
 * instead of straddling two. An element-wise kernel gives the same bits wherever its vector loop
 * starts, so a wrong guess (another collector, a layout this class does not know) costs speed, never
 * results. Measured on heap arrays at +16 bytes against the same ranges on a line (docs/benchmarks.md,
 * "Alignment"): Adam 1.7x and SGD with momentum 1.2x slower at 1Mi elements on AMD Zen 5.
 */
final class HeapAlignment {

    /** The line every vector access should start on: a 512-bit vector, and a whole cache line. */
    static final int LINE = 64;

    private static final int FLOATS_PER_LINE = LINE / Float.BYTES;

    /** Bytes from an array's start to its element 0: the header, as this JVM lays arrays out. */
    static final int BASE;

    /** The least length of a humongous {@code float[]}; {@link Integer#MAX_VALUE} when unknown (not G1). */
    static final int HUMONGOUS_LENGTH;

    static {
        int base = 16;
        int humongous = Integer.MAX_VALUE;
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
                long region = Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
                base = flag(hotspot, "UseCompactObjectHeaders") ? 12 : flag(hotspot, "UseCompressedClassPointers") ? 16 : 20;
                long bytes = region / 2; // G1 makes an object humongous from half a region on
                if (region >= 2L * LINE && region % LINE == 0) {
                    humongous = (int) Math.min(Integer.MAX_VALUE, (bytes - base + Float.BYTES - 1) / Float.BYTES);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            humongous = Integer.MAX_VALUE; // not HotSpot, or no management module: placement unknown
        }
        BASE = base;
        HUMONGOUS_LENGTH = humongous;
    }

    private HeapAlignment() {
    }

    private static boolean flag(com.sun.management.HotSpotDiagnosticMXBean hotspot, String name) {
        try {
            return Boolean.parseBoolean(hotspot.getVMOption(name).getValue());
        } catch (IllegalArgumentException e) {
            return false; // a flag this JVM does not have
        }
    }

    /** Whether {@code a} is humongous, so that its element {@code i} lies {@code BASE + 4i} bytes past a line. */
    static boolean placed(float[] a) {
        return a.length >= HUMONGOUS_LENGTH;
    }

    /** Bytes past a line at which element {@code offset} of a {@linkplain #placed placed} array lies. */
    static int misalignment(int offset) {
        return (BASE + offset * Float.BYTES) & (LINE - 1);
    }

    /**
     * Elements to run before the vector loop so that element {@code aOff + peel} of {@code a} and the
     * same element of {@code b} start a line: 0 unless both arrays are placed and share their
     * misalignment; at most {@code n}.
     */
    static int peel(int n, float[] a, int aOff, float[] b, int bOff) {
        if (!placed(a) || !placed(b) || ((aOff - bOff) & (FLOATS_PER_LINE - 1)) != 0) {
            return 0;
        }
        return head(n, aOff);
    }

    /** As {@link #peel(int, float[], int, float[], int)} over three arrays. */
    static int peel(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        return placed(c) && ((aOff - cOff) & (FLOATS_PER_LINE - 1)) == 0 ? peel(n, a, aOff, b, bOff) : 0;
    }

    /** As {@link #peel(int, float[], int, float[], int)} over four arrays. */
    static int peel(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] d, int dOff) {
        return placed(d) && ((aOff - dOff) & (FLOATS_PER_LINE - 1)) == 0 ? peel(n, a, aOff, b, bOff, c, cOff) : 0;
    }

    /** As {@link #peel(int, float[], int, float[], int)} over five arrays. */
    static int peel(int n, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, float[] d, int dOff,
                    float[] e, int eOff) {
        return placed(e) && ((aOff - eOff) & (FLOATS_PER_LINE - 1)) == 0 ? peel(n, a, aOff, b, bOff, c, cOff, d, dOff) : 0;
    }

    private static int head(int n, int offset) {
        int at = misalignment(offset);
        return at == 0 ? 0 : Math.min(n, (LINE - at) / Float.BYTES);
    }
}
