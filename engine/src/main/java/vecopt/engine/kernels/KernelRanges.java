package vecopt.engine.kernels;

import java.util.Objects;

/** Bounds checks done once per kernel call, before anything is written. */
final class KernelRanges {

    private KernelRanges() {
    }

    /** Throws if {@code array[off, off + n)} is not inside {@code array}. */
    static void check(String name, float[] array, int off, int n) {
        Objects.requireNonNull(array, name);
        if (off < 0 || n < 0 || n > array.length - off) {
            throw new IndexOutOfBoundsException(name + " range [" + off + ", " + off + " + " + n
                    + ") is outside its array of length " + array.length);
        }
    }

    /** Throws unless the element indices {@code [index, index + n)} are non-negative and fit in a long. */
    static void checkIndex(long index, int n) {
        if (index < 0 || index > Long.MAX_VALUE - n) {
            throw new IllegalArgumentException("index must be >= 0 (and index + n fit in a long), got " + index);
        }
    }
}
