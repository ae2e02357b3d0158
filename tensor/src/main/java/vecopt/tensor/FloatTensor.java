package vecopt.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Contiguous float32 storage with a shape: {@code size} floats starting at {@code offset} in
 * {@code array}, laid out row-major.
 *
 * <p>A tensor either owns its array (the factories) or is a zero-copy view over an array someone
 * else owns ({@link #view}); writes through a view are writes to that array. Optimizer kernels work
 * on {@link #array()} from {@link #offset()} for {@link #size()} elements.
 */
public final class FloatTensor {

    private final float[] array;
    private final int offset;
    private final int[] shape;
    private final int size;

    private FloatTensor(float[] array, int offset, int[] shape, int size) {
        this.array = array;
        this.offset = offset;
        this.shape = shape;
        this.size = size;
    }

    /**
     * A new tensor of zeros.
     *
     * @param shape the shape
     * @return the tensor
     */
    public static FloatTensor zeros(int... shape) {
        int[] s = checkedShape(shape);
        return new FloatTensor(new float[sizeOf(s)], 0, s, sizeOf(s));
    }

    /**
     * A new tensor with every element equal to {@code value}.
     *
     * @param value every element's value
     * @param shape the shape
     * @return the tensor
     */
    public static FloatTensor filled(float value, int... shape) {
        FloatTensor t = zeros(shape);
        Arrays.fill(t.array, value);
        return t;
    }

    /**
     * A new tensor of standard normal samples; the same seed gives the same values.
     *
     * @param seed the seed
     * @param shape the shape
     * @return the tensor
     */
    public static FloatTensor randomNormal(long seed, int... shape) {
        FloatTensor t = zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.size; i++) {
            t.array[i] = (float) random.nextGaussian();
        }
        return t;
    }

    /**
     * A new tensor of samples uniform in [lo, hi); the same seed gives the same values.
     *
     * @param seed the seed
     * @param lo the smallest value, inclusive
     * @param hi the upper bound, exclusive
     * @param shape the shape
     * @return the tensor
     */
    public static FloatTensor randomUniform(long seed, float lo, float hi, int... shape) {
        if (!(lo < hi) || !Float.isFinite(lo) || !Float.isFinite(hi)) {
            throw new IllegalArgumentException("need finite lo < hi, got lo=" + lo + ", hi=" + hi);
        }
        FloatTensor t = zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.size; i++) {
            t.array[i] = (float) random.nextDouble(lo, hi);
        }
        return t;
    }

    /**
     * A one-dimensional view of the whole array, without copying.
     *
     * @param array the storage, shared
     * @return the view
     */
    public static FloatTensor of(float[] array) {
        if (array == null) {
            throw new IllegalArgumentException("array must not be null");
        }
        return new FloatTensor(array, 0, new int[] {array.length}, array.length);
    }

    /**
     * A one-dimensional view of {@code array[offset, offset + length)}, without copying.
     *
     * @param array the storage, shared
     * @param offset the index of the first element
     * @param length the number of elements
     * @return the view
     */
    public static FloatTensor view(float[] array, int offset, int length) {
        if (array == null) {
            throw new IllegalArgumentException("array must not be null");
        }
        if (offset < 0 || offset > array.length) {
            throw new IllegalArgumentException(
                    "offset must be in [0, " + array.length + "] (the array length), got " + offset);
        }
        if (length < 0 || length > array.length - offset) {
            throw new IllegalArgumentException("length must be in [0, " + (array.length - offset)
                    + "] (array length " + array.length + " minus offset " + offset + "), got " + length);
        }
        return new FloatTensor(array, offset, new int[] {length}, length);
    }

    /**
     * A view of the same elements with another shape of the same size.
     *
     * @param newShape the new shape
     * @return the view
     */
    public FloatTensor reshape(int... newShape) {
        int[] s = checkedShape(newShape);
        if (sizeOf(s) != size) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " has " + sizeOf(s)
                    + " elements, but the tensor has " + size);
        }
        return new FloatTensor(array, offset, s, size);
    }

    /** {@return the backing array, shared, not copied} Elements live at {@code [offset(), offset() + size())}. */
    public float[] array() {
        return array;
    }

    /** {@return the index in {@link #array()} of the first element} */
    public int offset() {
        return offset;
    }

    /** {@return the number of elements: the product of the shape} */
    public int size() {
        return size;
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return shape.length;
    }

    /** {@return a copy of the shape} */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Extent of dimension {@code dim}.
     *
     * @param dim the dimension, from 0
     * @return its extent
     */
    public int dim(int dim) {
        if (dim < 0 || dim >= shape.length) {
            throw new IndexOutOfBoundsException("dim must be in [0, " + shape.length + "), got " + dim);
        }
        return shape[dim];
    }

    /**
     * The element at a row-major index.
     *
     * @param index one index per dimension
     * @return the element
     */
    public float get(int... index) {
        return array[offset + flatIndex(index)];
    }

    /**
     * Sets the element at a row-major index.
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void set(float value, int... index) {
        array[offset + flatIndex(index)] = value;
    }

    /**
     * The {@code i}-th element in storage order.
     *
     * @param i the position, from 0 to {@code size() - 1}
     * @return the element
     */
    public float getFlat(int i) {
        return array[offset + checkFlat(i)];
    }

    /**
     * Sets the {@code i}-th element in storage order.
     *
     * @param i the position, from 0 to {@code size() - 1}
     * @param value the new value
     */
    public void setFlat(int i, float value) {
        array[offset + checkFlat(i)] = value;
    }

    /**
     * Fills every element with {@code value}.
     *
     * @param value the value
     */
    public void fill(float value) {
        Arrays.fill(array, offset, offset + size, value);
    }

    /** {@return a new tensor with its own array, the same shape and the same values} */
    public FloatTensor copy() {
        return new FloatTensor(toArray(), 0, shape.clone(), size);
    }

    /**
     * Copies {@code source}'s elements into this tensor; sizes must match, shapes need not.
     *
     * @param source the tensor to copy
     */
    public void copyFrom(FloatTensor source) {
        if (source.size != size) {
            throw new IllegalArgumentException(
                    "source size must be " + size + " (this tensor's), got " + source.size);
        }
        System.arraycopy(source.array, source.offset, array, offset, size);
    }

    /** {@return the elements in a new array} */
    public float[] toArray() {
        return Arrays.copyOfRange(array, offset, offset + size);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape) + (offset == 0 && size == array.length ? "" : " view@" + offset);
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(
                    "index must have " + shape.length + " coordinates, got " + Arrays.toString(index));
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index[" + d + "] must be in [0, " + shape[d] + "), got "
                        + index[d] + " in " + Arrays.toString(index));
            }
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    private int checkFlat(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("flat index must be in [0, " + size + "), got " + i);
        }
        return i;
    }

    private static int[] checkedShape(int[] shape) {
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
        if (!empty) { // every dimension is at least 1, so the running product only grows
            long elements = 1;
            for (int d : shape) {
                elements *= d;
                if (elements > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(shape)
                            + " has more elements than a Java array holds");
                }
            }
        }
        return shape.clone();
    }

    private static int sizeOf(int[] checkedShape) {
        int n = 1;
        for (int extent : checkedShape) {
            n *= extent;
        }
        return n;
    }
}
