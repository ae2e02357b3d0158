package vecopt.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Storage with a shape over any memory: a {@link MemorySegment} holding {@link #size()} elements of
 * one {@link DType}, little-endian, row-major, with {@code long} sizes and indices. The segment may be
 * native memory the library allocated ({@link #allocate}, 64-byte aligned), a caller's segment such
 * as a mapped file ({@link #wrap}), or a {@code float[]} ({@link #of(FloatTensor)}).
 *
 * <p>Element access reads and writes float32 values: narrower types are widened exactly on read and
 * rounded to nearest, ties to even, on write ({@link #setFloatStochastic} rounds stochastically).
 * Writes through a view are writes to the segment it views. {@link FloatTensor} stays the type of
 * {@code float[]} storage the engine's existing API takes.
 */
public final class SegmentTensor {

    /** Byte alignment of what {@link #allocate} returns: one cache line, one 512-bit vector. */
    public static final long ALIGNMENT = 64;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final DType dtype;
    private final long[] shape;
    private final long size;

    private SegmentTensor(MemorySegment segment, DType dtype, long[] shape, long size) {
        this.segment = segment;
        this.dtype = dtype;
        this.shape = shape;
        this.size = size;
    }

    /**
     * A new tensor of zeros in {@code arena}, its first byte on a {@link #ALIGNMENT}-byte boundary.
     *
     * @param arena the arena that owns the memory
     * @param dtype the element type
     * @param shape the dimensions, each at least 0
     * @return the tensor
     * @throws IllegalArgumentException if {@code arena} or {@code dtype} is null or the shape is invalid
     */
    public static SegmentTensor allocate(Arena arena, DType dtype, long... shape) {
        if (arena == null || dtype == null) {
            throw new IllegalArgumentException("arena and dtype must not be null, got " + arena + ", " + dtype);
        }
        long[] s = checkedShape(shape);
        long size = sizeOf(s);
        long bytes = byteSize(dtype, size);
        MemorySegment segment = arena.allocate(bytes, ALIGNMENT);
        return new SegmentTensor(segment, dtype, s, size);
    }

    /**
     * A tensor over the first {@code size * dtype.byteSize()} bytes of {@code segment}, without
     * copying; {@code segment} may be larger. A mapped file's bytes become the tensor's elements.
     *
     * @param segment the writable memory holding the elements
     * @param dtype the element type
     * @param shape the dimensions, each at least 0
     * @return the tensor
     * @throws IllegalArgumentException if {@code segment} or {@code dtype} is null, the shape is invalid or
     *     needs more bytes than {@code segment} has, or {@code segment} is read-only
     */
    public static SegmentTensor wrap(MemorySegment segment, DType dtype, long... shape) {
        if (segment == null || dtype == null) {
            throw new IllegalArgumentException("segment and dtype must not be null, got " + segment + ", " + dtype);
        }
        long[] s = checkedShape(shape);
        long size = sizeOf(s);
        long bytes = byteSize(dtype, size);
        if (bytes > segment.byteSize()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " of " + dtype + " needs " + bytes
                    + " bytes, but the segment has " + segment.byteSize());
        }
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("segment must be writable, got a read-only " + segment);
        }
        return new SegmentTensor(segment.asSlice(0, bytes), dtype, s, size);
    }

    /**
     * A float32 view of {@code tensor}'s elements in its {@code float[]}, without copying.
     *
     * @param tensor the tensor viewed
     * @return a tensor sharing {@code tensor}'s storage
     */
    public static SegmentTensor of(FloatTensor tensor) {
        MemorySegment all = MemorySegment.ofArray(tensor.array());
        int[] shape = tensor.shape();
        long[] s = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            s[d] = shape[d];
        }
        return new SegmentTensor(all.asSlice((long) tensor.offset() * Float.BYTES, (long) tensor.size() * Float.BYTES),
                DType.FLOAT32, s, tensor.size());
    }

    /** {@return the segment holding exactly this tensor's bytes, shared, not copied} */
    public MemorySegment segment() {
        return segment;
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the number of elements: the product of the shape} */
    public long size() {
        return size;
    }

    /** {@return the bytes of storage: {@code size() * dtype().byteSize()}} */
    public long byteSize() {
        return segment.byteSize();
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return shape.length;
    }

    /** {@return a copy of the shape} */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * A one-dimensional view of elements {@code [from, from + length)}, without copying.
     *
     * @param from the index of the first element
     * @param length the number of elements
     * @return the view
     * @throws IndexOutOfBoundsException if the range is not within this tensor
     */
    public SegmentTensor slice(long from, long length) {
        if (from < 0 || from > size) {
            throw new IndexOutOfBoundsException("from must be in [0, " + size + "], got " + from);
        }
        if (length < 0 || length > size - from) {
            throw new IndexOutOfBoundsException("length must be in [0, " + (size - from) + "], got " + length);
        }
        long b = dtype.byteSize();
        return new SegmentTensor(segment.asSlice(from * b, length * b), dtype, new long[] {length}, length);
    }

    /**
     * The {@code i}-th element in storage order, widened to float32.
     *
     * @param i the element's index
     * @return its value
     */
    public float getFloat(long i) {
        checkIndex(i);
        return switch (dtype) {
            case FLOAT32 -> segment.get(FLOAT, i * 4);
            case BFLOAT16 -> BFloat16.toFloat(segment.get(SHORT, i * 2));
            case FLOAT16 -> Float16.toFloat(segment.get(SHORT, i * 2));
            case UINT8 -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
        };
    }

    /**
     * Sets the {@code i}-th element to {@code value} rounded to nearest, ties to even (for UINT8: {@link #checkedByte}).
     *
     * @param i the element's index
     * @param value the value
     */
    public void setFloat(long i, float value) {
        checkIndex(i);
        switch (dtype) {
            case FLOAT32 -> segment.set(FLOAT, i * 4, value);
            case BFLOAT16 -> segment.set(SHORT, i * 2, BFloat16.fromFloat(value));
            case FLOAT16 -> segment.set(SHORT, i * 2, Float16.fromFloat(value));
            case UINT8 -> segment.set(ValueLayout.JAVA_BYTE, i, checkedByte(value));
        }
    }

    /**
     * Sets the {@code i}-th element to {@code value} rounded stochastically with {@code random}'s
     * bits ({@link BFloat16#fromFloatStochastic}, {@link Float16#fromFloatStochastic}); float32 stores
     * {@code value} as it is.
     *
     * @param i the element's index
     * @param value the value
     * @param random uniformly random bits
     */
    public void setFloatStochastic(long i, float value, int random) {
        checkIndex(i);
        switch (dtype) {
            case FLOAT32 -> segment.set(FLOAT, i * 4, value);
            case BFLOAT16 -> segment.set(SHORT, i * 2, BFloat16.fromFloatStochastic(value, random));
            case FLOAT16 -> segment.set(SHORT, i * 2, Float16.fromFloatStochastic(value, random));
            case UINT8 -> segment.set(ValueLayout.JAVA_BYTE, i, checkedByte(value));
        }
    }

    /**
     * Sets every element to {@code value}, rounded once as {@link #setFloat} rounds.
     *
     * @param value the value
     */
    public void fill(float value) {
        switch (dtype) {
            case FLOAT32 -> {
                if (Float.floatToRawIntBits(value) == 0) {
                    segment.fill((byte) 0);
                } else {
                    for (long i = 0; i < size; i++) {
                        segment.set(FLOAT, i * 4, value);
                    }
                }
            }
            case BFLOAT16, FLOAT16 -> {
                short bits = dtype == DType.BFLOAT16 ? BFloat16.fromFloat(value) : Float16.fromFloat(value);
                if (bits == 0) {
                    segment.fill((byte) 0);
                } else {
                    for (long i = 0; i < size; i++) {
                        segment.set(SHORT, i * 2, bits);
                    }
                }
            }
            case UINT8 -> segment.fill(checkedByte(value));
        }
    }

    /**
     * Copies {@code source}'s elements, converting (rounding to nearest even) between types; sizes must match.
     *
     * @param source the tensor copied from
     * @throws IllegalArgumentException if the sizes differ
     */
    public void copyFrom(SegmentTensor source) {
        if (source.size != size) {
            throw new IllegalArgumentException("source size must be " + size + " (this tensor's), got " + source.size);
        }
        if (source.dtype == dtype) {
            MemorySegment.copy(source.segment, 0, segment, 0, segment.byteSize());
            return;
        }
        for (long i = 0; i < size; i++) {
            setFloat(i, source.getFloat(i));
        }
    }

    /** {@return the elements widened to float32 in a new array} */
    public float[] toFloatArray() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a tensor of " + size + " elements does not fit a float[]");
        }
        float[] out = new float[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return "SegmentTensor" + Arrays.toString(shape) + " " + dtype + (segment.isNative() ? " native" : " heap");
    }

    /** {@code value} as an unsigned byte code: an integer in [0, 255]. */
    private static byte checkedByte(float value) {
        if (!(value >= 0 && value <= 255) || value != Math.rint(value)) {
            throw new IllegalArgumentException("a UINT8 element must be an integer in [0, 255], got " + value);
        }
        return (byte) (int) value;
    }

    private void checkIndex(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index must be in [0, " + size + "), got " + i);
        }
    }

    private static long byteSize(DType dtype, long size) {
        if (size > Long.MAX_VALUE / dtype.byteSize()) {
            throw new IllegalArgumentException(size + " elements of " + dtype + " exceed 2^63 bytes");
        }
        return size * dtype.byteSize();
    }

    private static long[] checkedShape(long[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        boolean empty = false;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException(
                        "shape[" + d + "] must be >= 0, got " + shape[d] + " in " + Arrays.toString(shape));
            }
            empty |= shape[d] == 0;
        }
        if (!empty) {
            long elements = 1;
            for (long d : shape) {
                if (elements > Long.MAX_VALUE / 8 / d) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
                }
                elements *= d;
            }
        }
        return shape.clone();
    }

    private static long sizeOf(long[] checkedShape) {
        long n = 1;
        for (long extent : checkedShape) {
            n *= extent;
        }
        return n;
    }
}
