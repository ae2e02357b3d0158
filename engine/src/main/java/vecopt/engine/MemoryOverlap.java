package vecopt.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds parameters that share memory: a value and a gradient over the same elements, or two
 * parameters over overlapping ranges of one array (a {@link FlatParameters} view added again as a
 * parameter of its own). A step would then read what it has just written, or update an element twice.
 */
final class MemoryOverlap {

    private MemoryOverlap() {
    }

    /** One parameter's value or gradient: elements {@code [from, to)} of {@code array}. */
    private record Range(Object array, int from, int to, String what) {
    }

    /**
     * Throws if any two of the values and gradients of {@code parameters} overlap.
     *
     * @throws IllegalArgumentException naming both and their element ranges
     */
    static void check(List<Parameter> parameters) {
        Map<Object, List<Range>> byArray = new IdentityHashMap<>();
        for (Parameter p : parameters) {
            if (p.isMixed()) {
                Parameter.LowPrecision lp = p.lowPrecision();
                add(byArray, lp.weightBits(), lp.weightOffset(), p.size(), "the weights of " + p.name());
            } else {
                add(byArray, p.value().array(), p.value().offset(), p.size(), "the value of " + p.name());
            }
            if (p.hasLowPrecisionGrad()) {
                Parameter.LowPrecision lp = p.lowPrecision();
                add(byArray, lp.gradBits(), lp.gradOffset(), p.size(), "the gradient of " + p.name());
            } else {
                add(byArray, p.grad().array(), p.grad().offset(), p.size(), "the gradient of " + p.name());
            }
        }
        for (List<Range> ranges : byArray.values()) {
            ranges.sort(Comparator.comparingInt(Range::from));
            Range reaching = null; // the range seen so far that reaches furthest
            for (Range r : ranges) {
                if (reaching != null && r.from() < reaching.to()) {
                    throw new IllegalArgumentException(r.what() + " (elements [" + r.from() + ", " + r.to()
                            + ")) and " + reaching.what() + " (elements [" + reaching.from() + ", " + reaching.to()
                            + ")) share memory in one array; every element must belong to one tensor only");
                }
                if (reaching == null || r.to() > reaching.to()) {
                    reaching = r;
                }
            }
        }
    }

    private static void add(Map<Object, List<Range>> byArray, Object array, int offset, int size, String what) {
        if (size > 0) {
            byArray.computeIfAbsent(array, a -> new ArrayList<>()).add(new Range(array, offset, offset + size, what));
        }
    }
}
