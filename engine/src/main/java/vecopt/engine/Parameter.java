package vecopt.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * A named trainable tensor and the tensor its gradient is written to. Both are usually views over
 * arrays the model owns; the optimizer reads {@code grad} and updates {@code value} in place.
 *
 * <p>A mixed-precision parameter ({@link #mixed(String, SegmentTensor, SegmentTensor)}) has bfloat16
 * or float16 (IEEE binary16) weights instead of a float32 value: the optimizer keeps a float32 master
 * copy of them as state ({@code master}), steps it with its rule's float32 kernels and writes it back
 * rounded to the weights' type, as offload trainers do. Its gradient has the weights' type too
 * ({@link #lowPrecision()}'s {@code grad}) or is float32 ({@link #grad()}). float16 weights hold
 * at most 65504: a master value from 65520 up rounds to infinity, as IEEE rounding to nearest says.
 *
 * @param name the name, unique in an optimizer, as in PyTorch's {@code named_parameters()}
 * @param value the values, updated in place; null for a mixed-precision parameter
 * @param grad the gradient, read by each step, of the same size as the values; null for a
 *     mixed-precision parameter with a low-precision gradient
 * @param lowPrecision the bfloat16 or float16 weights (and gradient) of a mixed-precision parameter; null otherwise
 */
public record Parameter(String name, FloatTensor value, FloatTensor grad, LowPrecision lowPrecision) {

    /**
     * The low-precision storage of a mixed-precision parameter: the model's weights, and its gradient
     * when that is of the weights' type too. Each is a view of a heap {@code short[]}
     * ({@code MemorySegment.ofArray}), which the step widens and rounds in place block by block, or a
     * native segment ({@code Arena}-allocated, or a file mapped with {@code FileChannel.map}), which it
     * copies block by block through a per-thread {@code short[]}, with the same bits. A native segment
     * is used as long as the optimizer steps it: its arena must stay open until then (a closed one
     * surfaces as the JDK's {@link IllegalStateException}) and be shared ({@code Arena.ofShared},
     * {@code ofAuto}, {@code global}) when the optimizer's executor has worker threads, since a confined
     * one serves its owner thread only; a mapped file holds the stepped weights once
     * {@code MemorySegment.force()} or unmapping writes them back. Two parameters' native segments
     * must not share addresses.
     *
     * @param weights the weights, {@link DType#BFLOAT16} or {@link DType#FLOAT16}, written by each step
     *     (rounded from the master)
     * @param grad the gradient, of the weights' dtype and shape; null when the gradient is the
     *     parameter's float32 {@link Parameter#grad()}
     */
    public record LowPrecision(SegmentTensor weights, SegmentTensor grad) {

        /** Checks dtypes, shapes and storage. */
        public LowPrecision {
            if (weights == null) {
                throw new IllegalArgumentException("weights must not be null");
            }
            checkLowPrecision("weights", weights);
            if (grad != null) {
                checkLowPrecision("grad", grad);
                if (grad.dtype() != weights.dtype()) {
                    throw new IllegalArgumentException("grad is " + grad.dtype() + " but weights are " + weights.dtype()
                            + "; a low-precision gradient must have the weights' dtype (or give a float32 gradient)");
                }
                if (!java.util.Arrays.equals(weights.shape(), grad.shape())) {
                    throw new IllegalArgumentException("grad has shape " + java.util.Arrays.toString(grad.shape())
                            + ", weights have " + java.util.Arrays.toString(weights.shape()));
                }
            }
        }

        private static void checkLowPrecision(String what, SegmentTensor t) {
            if (t.dtype() != DType.BFLOAT16 && t.dtype() != DType.FLOAT16) {
                throw new IllegalArgumentException(what + " must be BFLOAT16 or FLOAT16, got " + t.dtype());
            }
            if (t.size() > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException(what + " has " + t.size() + " elements; a parameter holds at most "
                        + (Integer.MAX_VALUE - 64));
            }
            MemorySegment s = t.segment();
            if (s.isReadOnly()) {
                throw new IllegalArgumentException(what + " must be writable, got a read-only " + s);
            }
            if (!s.isNative() && !(s.heapBase().orElse(null) instanceof short[])) {
                throw new IllegalArgumentException(what + " must be a native segment or a view of a heap short[]"
                        + " (MemorySegment.ofArray), got " + s);
            }
        }

        /** {@return the weights' dtype, {@link DType#BFLOAT16} or {@link DType#FLOAT16}; a gradient of theirs has it too} */
        public DType dtype() {
            return weights.dtype();
        }

        /** {@return whether the weights are float16 (IEEE binary16) rather than bfloat16} */
        boolean isFloat16() {
            return weights.dtype() == DType.FLOAT16;
        }

        /** {@return "bfloat16" or "float16", for messages} */
        String typeName() {
            return isFloat16() ? "float16" : "bfloat16";
        }

        /**
         * {@return the weights' {@code short[]}, read and written in place; null for a native segment (or a
         * heap one at an odd byte offset), read and written through {@link #read} and {@link #write}}
         */
        short[] weightBits() {
            return inPlace(weights.segment());
        }

        /** {@return the index of the first weight in {@link #weightBits()}} */
        int weightOffset() {
            return elementOffset(weights.segment());
        }

        /** {@return the gradient's {@code short[]}, read in place; null for a float32 gradient or one {@link #weightBits()} has none for} */
        short[] gradBits() {
            return grad == null ? null : inPlace(grad.segment());
        }

        /** {@return the index of the first gradient element in {@link #gradBits()}} */
        int gradOffset() {
            return grad == null ? 0 : elementOffset(grad.segment());
        }

        private static short[] inPlace(MemorySegment s) {
            return s.heapBase().orElse(null) instanceof short[] bits && s.address() % Short.BYTES == 0 ? bits : null;
        }

        private static int elementOffset(MemorySegment s) {
            return (int) (s.address() / Short.BYTES); // a heap segment's address is its byte offset in the array
        }

        /** Copies elements {@code [from, from + n)} of {@code t} (little-endian 16-bit) to {@code bits[0, n)}. */
        static void read(SegmentTensor t, long from, short[] bits, int n) {
            MemorySegment.copy(t.segment(), BITS, from * Short.BYTES, bits, 0, n);
        }

        /** Copies {@code bits[0, n)} to elements {@code [from, from + n)} of {@code t}. */
        static void write(short[] bits, int n, SegmentTensor t, long from) {
            MemorySegment.copy(bits, 0, t.segment(), BITS, from * Short.BYTES, n);
        }

        /** {@return the bits of gradient element {@code i}, read from its segment} */
        static short gradBitsAt(LowPrecision lp, long i) {
            return lp.grad.segment().get(BITS, i * Short.BYTES);
        }

        /** A bfloat16 or float16 element as {@link SegmentTensor} stores it. */
        private static final ValueLayout.OfShort BITS = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    }

    /** Checks that the name is present and the tensors are present, consistent and of the same size. */
    public Parameter {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got " + (name == null ? null : "'" + name + "'"));
        }
        if (lowPrecision == null) {
            if (value == null || grad == null) {
                throw new IllegalArgumentException("parameter " + name + ": value and grad must not be null");
            }
            if (value.size() != grad.size()) {
                throw new IllegalArgumentException("parameter " + name + ": grad has " + grad.size()
                        + " elements, value has " + value.size());
            }
        } else {
            if (value != null) {
                throw new IllegalArgumentException("parameter " + name + ": a mixed-precision parameter has no float32 "
                        + "value (its weights are lowPrecision's), got " + value);
            }
            if ((grad == null) == (lowPrecision.grad() == null)) {
                throw new IllegalArgumentException("parameter " + name + ": give the gradient once, as float32 grad or "
                        + "as low-precision lowPrecision.grad; got " + grad + " and " + lowPrecision.grad());
            }
            if (grad != null && grad.size() != lowPrecision.weights().size()) {
                throw new IllegalArgumentException("parameter " + name + ": grad has " + grad.size()
                        + " elements, weights have " + lowPrecision.weights().size());
            }
        }
    }

    /**
     * A float32 parameter.
     *
     * @param name the name
     * @param value the values
     * @param grad the gradient, of the same size
     */
    public Parameter(String name, FloatTensor value, FloatTensor grad) {
        this(name, value, grad, null);
    }

    /**
     * A parameter over {@code value}, with a new zero gradient of the same shape.
     *
     * @param name the name
     * @param value the values
     * @return the parameter
     */
    public static Parameter of(String name, FloatTensor value) {
        return new Parameter(name, value, FloatTensor.zeros(value.shape()));
    }

    /**
     * A mixed-precision parameter with bfloat16 or float16 weights and a gradient of the same type
     * (views of heap {@code short[]} arrays, {@code SegmentTensor.wrap(MemorySegment.ofArray(bits),
     * DType.BFLOAT16, shape)}, or native segments such as mapped files, which must stay open while the
     * optimizer steps them; see {@link LowPrecision}). Every rule that {@link Rule#stepsMixedPrecision() steps mixed
     * precision} steps it through a float32 master copy; the others refuse it.
     *
     * @param name the name
     * @param weights the bfloat16 or float16 weights
     * @param grad the gradient, of the weights' dtype and shape
     * @return the parameter
     * @throws IllegalArgumentException if an argument is null, neither bfloat16 nor float16, read-only, neither
     *     native nor over a heap {@code short[]}, or the dtypes or shapes differ
     */
    public static Parameter mixed(String name, SegmentTensor weights, SegmentTensor grad) {
        if (grad == null) {
            throw new IllegalArgumentException("parameter " + name + ": grad must not be null");
        }
        return new Parameter(name, null, null, new LowPrecision(weights, grad));
    }

    /**
     * A mixed-precision parameter with bfloat16 or float16 weights and a float32 gradient.
     *
     * @param name the name
     * @param weights the bfloat16 or float16 weights, a view of a heap {@code short[]} or a native segment
     * @param grad the float32 gradient, of as many elements
     * @return the parameter
     * @throws IllegalArgumentException if an argument is null, the weights are neither bfloat16 nor float16,
     *     read-only, neither native nor over a heap {@code short[]}, or the sizes differ
     */
    public static Parameter mixed(String name, SegmentTensor weights, FloatTensor grad) {
        if (grad == null) {
            throw new IllegalArgumentException("parameter " + name + ": grad must not be null");
        }
        return new Parameter(name, null, grad, new LowPrecision(weights, null));
    }

    /**
     * The values.
     *
     * @return the values
     * @throws IllegalStateException for a mixed-precision parameter, which has low-precision weights instead
     */
    @Override
    public FloatTensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " has " + lowPrecision.typeName() + " weights and no"
                    + " float32 value; optimizers step its float32 master copy (state \"master\")");
        }
        return value;
    }

    /**
     * The gradient.
     *
     * @return the gradient
     * @throws IllegalStateException for a mixed-precision parameter with a low-precision gradient
     */
    @Override
    public FloatTensor grad() {
        if (grad == null) {
            throw new IllegalStateException("parameter " + name + " has a " + lowPrecision.typeName()
                    + " gradient and no float32 one");
        }
        return grad;
    }

    /** {@return whether this is a mixed-precision parameter (bfloat16 or float16 weights)} */
    public boolean isMixed() {
        return lowPrecision != null;
    }

    /** {@return whether the gradient is low-precision ({@link LowPrecision#grad()}) rather than float32} */
    boolean hasLowPrecisionGrad() {
        return lowPrecision != null && lowPrecision.grad() != null;
    }

    /** {@return the shape, a copy} */
    public int[] shape() {
        if (value != null) {
            return value.shape();
        }
        long[] s = lowPrecision.weights().shape();
        int[] shape = new int[s.length];
        for (int d = 0; d < s.length; d++) {
            shape[d] = (int) s[d];
        }
        return shape;
    }

    /** {@return the number of elements} */
    public int size() {
        return value != null ? value.size() : (int) lowPrecision.weights().size();
    }
}
