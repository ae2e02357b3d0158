package vecopt.engine;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import vecopt.tensor.SegmentTensor;

/**
 * Finds parameters that share memory: a value and a gradient over the same elements, or two
 * parameters over overlapping ranges of one array (a {@link FlatParameters} view added again as a
 * parameter of its own) or of native memory (two segments over common addresses). A step would then
 * read what it has just written, or update an element twice.
 */
final class MemoryOverlap {

    /** The key of every native segment's range: addresses are comparable across segments. */
    private static final Object NATIVE = new Object();

    private MemoryOverlap() {
    }

    /** One parameter's value or gradient: {@code [from, to)} in {@code unit}s of one array, or native addresses. */
    private record Range(long from, long to, String unit, String what) {
    }

    /**
     * Throws if any two of the values and gradients of {@code parameters} overlap.
     *
     * @throws IllegalArgumentException naming both and their element (or byte, or address) ranges
     */
    static void check(List<Parameter> parameters) {
        Map<Object, List<Range>> byArray = new IdentityHashMap<>();
        for (Parameter p : parameters) {
            if (p.isMixed()) {
                add(byArray, p.lowPrecision().weights(), "the weights of " + p.name());
            } else {
                add(byArray, p.value().array(), p.value().offset(), p.size(), "the value of " + p.name());
            }
            if (p.hasLowPrecisionGrad()) {
                add(byArray, p.lowPrecision().grad(), "the gradient of " + p.name());
            } else {
                add(byArray, p.grad().array(), p.grad().offset(), p.size(), "the gradient of " + p.name());
            }
        }
        for (Map.Entry<Object, List<Range>> e : byArray.entrySet()) {
            List<Range> ranges = e.getValue();
            ranges.sort(Comparator.comparingLong(Range::from));
            Range reaching = null; // the range seen so far that reaches furthest
            for (Range r : ranges) {
                if (reaching != null && r.from() < reaching.to()) {
                    throw new IllegalArgumentException(r.what() + " (" + describe(r) + ") and " + reaching.what()
                            + " (" + describe(reaching) + ") share memory in one "
                            + (e.getKey() == NATIVE ? "native address range" : "array")
                            + "; every element must belong to one tensor only");
                }
                if (reaching == null || r.to() > reaching.to()) {
                    reaching = r;
                }
            }
        }
    }

    private static String describe(Range r) {
        return r.unit().equals("addresses")
                ? "addresses [0x" + Long.toHexString(r.from()) + ", 0x" + Long.toHexString(r.to()) + ")"
                : r.unit() + " [" + r.from() + ", " + r.to() + ")";
    }

    private static void add(Map<Object, List<Range>> byArray, Object array, int offset, int size, String what) {
        if (size > 0) {
            byArray.computeIfAbsent(array, a -> new ArrayList<>()).add(new Range(offset, (long) offset + size, "elements", what));
        }
    }

    /** A low-precision tensor: by address if native, else by byte offset in its {@code short[]}. */
    private static void add(Map<Object, List<Range>> byArray, SegmentTensor t, String what) {
        MemorySegment s = t.segment();
        if (s.byteSize() == 0) {
            return;
        }
        if (s.isNative()) {
            byArray.computeIfAbsent(NATIVE, a -> new ArrayList<>())
                    .add(new Range(s.address(), s.address() + s.byteSize(), "addresses", what));
        } else { // bytes, not elements: a view may start at an odd byte of its short[]
            byArray.computeIfAbsent(s.heapBase().orElseThrow(), a -> new ArrayList<>())
                    .add(new Range(s.address(), s.address() + s.byteSize(), "bytes", what));
        }
    }
}
