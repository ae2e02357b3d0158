package vecopt.engine;

import vecopt.engine.kernels.OptimizerKernels;

/**
 * PyTorch LBFGS's flat vector, the concatenation of every parameter in the group's order, without
 * the copy: one range per parameter ({@code arrays[k][offsets[k], offsets[k] + lengths[k])}), where
 * the parameter's value, its gradient or one of its state buffers lives. Element-wise operations
 * run range by range; a dot product adds the kernels' per-range sums in parameter order, in double,
 * so it gives the same bits every time. All arithmetic is float32, as on PyTorch's float32 tensors.
 */
final class FlatVector {

    private final float[][] arrays;
    private final int[] offsets;
    private final int[] lengths;

    FlatVector(float[][] arrays, int[] offsets, int[] lengths) {
        this.arrays = arrays;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    /** A new vector of zeros with the ranges' lengths of {@code like}. */
    static FlatVector zerosLike(FlatVector like) {
        float[][] arrays = new float[like.lengths.length][];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = new float[like.lengths[k]];
        }
        return new FlatVector(arrays, new int[arrays.length], like.lengths);
    }

    /** The dot product {@code this . other}, as {@link OptimizerKernels#dot} sums it, ranges added in order. */
    double dot(FlatVector other, OptimizerKernels kernels) {
        double sum = 0;
        for (int k = 0; k < arrays.length; k++) {
            sum += kernels.dot(arrays[k], offsets[k], other.arrays[k], other.offsets[k], lengths[k]);
        }
        return sum;
    }

    /** {@code this = fma(a, x, this)}. */
    void addScaled(float a, FlatVector x, OptimizerKernels kernels) {
        for (int k = 0; k < arrays.length; k++) {
            kernels.axpy(a, x.arrays[k], x.offsets[k], arrays[k], offsets[k], lengths[k]);
        }
    }

    /** {@code this = fma(a, x, this)}, then {@code z . this}, in one pass ({@link OptimizerKernels#axpyDot}). */
    double addScaledThenDot(float a, FlatVector x, FlatVector z, OptimizerKernels kernels) {
        double sum = 0;
        for (int k = 0; k < arrays.length; k++) {
            sum += kernels.axpyDot(a, x.arrays[k], x.offsets[k], arrays[k], offsets[k], z.arrays[k], z.offsets[k],
                    lengths[k]);
        }
        return sum;
    }

    /** {@code this = fma(a, x, base)}: a point on the line through {@code base} along {@code x}. */
    void setToScaledSum(float a, FlatVector x, FlatVector base, OptimizerKernels kernels) {
        copyFrom(base);
        addScaled(a, x, kernels);
    }

    /** {@code this = source}. */
    void copyFrom(FlatVector source) {
        for (int k = 0; k < arrays.length; k++) {
            System.arraycopy(source.arrays[k], source.offsets[k], arrays[k], offsets[k], lengths[k]);
        }
    }

    /** {@code this = -source} ({@link OptimizerKernels#negate}). */
    void setToNegated(FlatVector source, OptimizerKernels kernels) {
        for (int k = 0; k < arrays.length; k++) {
            kernels.negate(source.arrays[k], source.offsets[k], arrays[k], offsets[k], lengths[k]);
        }
    }

    /** {@code this = a * source} ({@link OptimizerKernels#scale}). */
    void setToScaled(FlatVector source, float a, OptimizerKernels kernels) {
        for (int k = 0; k < arrays.length; k++) {
            kernels.scale(a, source.arrays[k], source.offsets[k], arrays[k], offsets[k], lengths[k]);
        }
    }

    /** {@code this = a - b} ({@link OptimizerKernels#subtract}). */
    void setToDifference(FlatVector a, FlatVector b, OptimizerKernels kernels) {
        for (int k = 0; k < arrays.length; k++) {
            kernels.subtract(a.arrays[k], a.offsets[k], b.arrays[k], b.offsets[k], arrays[k], offsets[k], lengths[k]);
        }
    }

    /** {@code max |this_i|}, PyTorch's {@code abs().max()}: see {@link #maxAbsScaled}. */
    float maxAbs(OptimizerKernels kernels) {
        return maxAbsScaled(1f, kernels);
    }

    /**
     * {@code max |this_i * a|}, each product rounded to float first (PyTorch's {@code mul(a).abs().max()}),
     * 0 for no elements, a NaN if a product is NaN ({@link OptimizerKernels#maxAbsScaled}).
     */
    float maxAbsScaled(float a, OptimizerKernels kernels) {
        int max = 0;
        for (int k = 0; k < arrays.length; k++) {
            max = Math.max(max, Float.floatToRawIntBits(kernels.maxAbsScaled(a, arrays[k], offsets[k], lengths[k])));
        }
        return Float.intBitsToFloat(max);
    }

    /** {@code sum |this_i|} in double, in order (PyTorch's float32 {@code abs().sum()} on two elements). */
    double absSum() {
        double sum = 0;
        for (int k = 0; k < arrays.length; k++) {
            float[] x = arrays[k];
            for (int i = offsets[k], end = offsets[k] + lengths[k]; i < end; i++) {
                sum += Math.abs(x[i]);
            }
        }
        return sum;
    }
}
