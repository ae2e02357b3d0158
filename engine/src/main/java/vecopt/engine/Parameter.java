package vecopt.engine;

import java.lang.foreign.MemorySegment;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * A named trainable tensor and the tensor its gradient is written to. Both are usually views over
 * arrays the model owns; the optimizer reads {@code grad} and updates {@code value} in place.
 *
 * <p>A mixed-precision parameter ({@link #mixed(String, SegmentTensor, SegmentTensor)}) has bfloat16
 * weights instead of a float32 value: the optimizer keeps a float32 master copy of them as state
 * ({@code master}), updates it and writes it back rounded to bfloat16, as offload trainers do. Its
 * gradient is bfloat16 too ({@link #lowPrecision()}'s {@code grad}) or float32 ({@link #grad()}).
 *
 * @param name the name, unique in an optimizer, as in PyTorch's {@code named_parameters()}
 * @param value the values, updated in place; null for a mixed-precision parameter
 * @param grad the gradient, read by each step, of the same size as the values; null for a
 *     mixed-precision parameter with bfloat16 gradients
 * @param lowPrecision the bfloat16 weights (and gradient) of a mixed-precision parameter; null otherwise
 */
public record Parameter(String name, FloatTensor value, FloatTensor grad, LowPrecision lowPrecision) {

    /**
     * The bfloat16 storage of a mixed-precision parameter: the model's weights, and its gradient when
     * that is bfloat16 too. Both views of heap {@code short[]} arrays ({@code MemorySegment.ofArray}),
     * which the fused kernel reads and writes directly.
     *
     * @param weights the weights, {@link DType#BFLOAT16}, written by each step (rounded from the master)
     * @param grad the gradient, {@link DType#BFLOAT16} and of the weights' shape; null when the
     *     gradient is the parameter's float32 {@link Parameter#grad()}
     */
    public record LowPrecision(SegmentTensor weights, SegmentTensor grad) {

        /** Checks dtypes, shapes and storage. */
        public LowPrecision {
            if (weights == null) {
                throw new IllegalArgumentException("weights must not be null");
            }
            checkBf16("weights", weights);
            if (grad != null) {
                checkBf16("grad", grad);
                if (!java.util.Arrays.equals(weights.shape(), grad.shape())) {
                    throw new IllegalArgumentException("grad has shape " + java.util.Arrays.toString(grad.shape())
                            + ", weights have " + java.util.Arrays.toString(weights.shape()));
                }
            }
        }

        private static void checkBf16(String what, SegmentTensor t) {
            if (t.dtype() != DType.BFLOAT16) {
                throw new IllegalArgumentException(what + " must be BFLOAT16, got " + t.dtype()
                        + (t.dtype() == DType.FLOAT16 ? " (float16 parameters have no kernel yet)" : ""));
            }
            if (t.size() > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException(what + " has " + t.size() + " elements; a parameter holds at most "
                        + (Integer.MAX_VALUE - 64));
            }
            if (!(t.segment().heapBase().orElse(null) instanceof short[])) {
                throw new IllegalArgumentException(what + " must be a view of a heap short[] (MemorySegment.ofArray), got "
                        + t.segment());
            }
        }

        /** {@return the weights' {@code short[]}} */
        short[] weightBits() {
            return (short[]) weights.segment().heapBase().orElseThrow();
        }

        /** {@return the index of the first weight in {@link #weightBits()}} */
        int weightOffset() {
            return elementOffset(weights.segment());
        }

        /** {@return the gradient's {@code short[]}, or null for a float32 gradient} */
        short[] gradBits() {
            return grad == null ? null : (short[]) grad.segment().heapBase().orElseThrow();
        }

        /** {@return the index of the first gradient element in {@link #gradBits()}} */
        int gradOffset() {
            return grad == null ? 0 : elementOffset(grad.segment());
        }

        private static int elementOffset(MemorySegment s) {
            return (int) (s.address() / Short.BYTES); // a heap segment's address is its byte offset in the array
        }
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
                        + "as bfloat16 lowPrecision.grad; got " + grad + " and " + lowPrecision.grad());
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
     * A mixed-precision parameter with bfloat16 weights and gradients (views of heap {@code short[]}
     * arrays: {@code SegmentTensor.wrap(MemorySegment.ofArray(bits), DType.BFLOAT16, shape)}). Adam and
     * AdamW step it with a float32 master copy; rules without a mixed-precision kernel refuse it.
     *
     * @param name the name
     * @param weights the bfloat16 weights
     * @param grad the bfloat16 gradient, of the weights' shape
     * @return the parameter
     * @throws IllegalArgumentException if an argument is null, not bfloat16, not over a heap {@code short[]}, or
     *     the shapes differ
     */
    public static Parameter mixed(String name, SegmentTensor weights, SegmentTensor grad) {
        if (grad == null) {
            throw new IllegalArgumentException("parameter " + name + ": grad must not be null");
        }
        return new Parameter(name, null, null, new LowPrecision(weights, grad));
    }

    /**
     * A mixed-precision parameter with bfloat16 weights and a float32 gradient.
     *
     * @param name the name
     * @param weights the bfloat16 weights, a view of a heap {@code short[]}
     * @param grad the float32 gradient, of as many elements
     * @return the parameter
     * @throws IllegalArgumentException if an argument is null, the weights are not bfloat16 over a heap
     *     {@code short[]}, or the sizes differ
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
     * @throws IllegalStateException for a mixed-precision parameter, which has bfloat16 weights instead
     */
    @Override
    public FloatTensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " has bfloat16 weights and no float32 value;"
                    + " only optimizers with a mixed-precision kernel (Adam, AdamW) step it");
        }
        return value;
    }

    /**
     * The gradient.
     *
     * @return the gradient
     * @throws IllegalStateException for a mixed-precision parameter with a bfloat16 gradient
     */
    @Override
    public FloatTensor grad() {
        if (grad == null) {
            throw new IllegalStateException("parameter " + name + " has a bfloat16 gradient and no float32 one");
        }
        return grad;
    }

    /** {@return whether this is a mixed-precision parameter (bfloat16 weights)} */
    public boolean isMixed() {
        return lowPrecision != null;
    }

    /** {@return whether the gradient is bfloat16 ({@link LowPrecision#grad()}) rather than float32} */
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
