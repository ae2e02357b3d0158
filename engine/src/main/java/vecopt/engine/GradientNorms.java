package vecopt.engine;

import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.OptimizerKernels;

/**
 * The deterministic sum of squares of a gradient on any number of threads: the range is split at
 * multiples of {@link OptimizerKernels#SUM_OF_SQUARES_BLOCK}, each block's sum is kept, and the block
 * sums are added in block order, which is exactly what one kernel call over the whole range does.
 * One instance per optimizer, reused for every parameter of every step (its block sums and the range
 * task are fields), so the norm pass allocates nothing per parameter; not for concurrent use.
 */
final class GradientNorms implements ChunkedExecutor.RangeTask {

    private static final int BLOCK = OptimizerKernels.SUM_OF_SQUARES_BLOCK;

    private double[] sums = new double[0];
    private OptimizerKernels kernels;
    private float[] g;
    private int off;
    private int n;

    /** The sum of squares of {@code p}'s gradient, the same bits for every executor. */
    double sumOfSquares(Parameter p, OptimizerKernels kernels, ChunkedExecutor executor) {
        float[] g = p.grad().array();
        int off = p.grad().offset();
        int n = p.size();
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks <= 1 || executor.threads() == 1 || n < executor.minParallelLength()) {
            return kernels.sumOfSquares(g, off, n);
        }
        if (sums.length < blocks) {
            sums = new double[blocks];
        }
        this.kernels = kernels;
        this.g = g;
        this.off = off;
        this.n = n;
        try {
            executor.run(n, BLOCK, this);
        } finally {
            this.kernels = null;
            this.g = null;
        }
        double sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += sums[b];
        }
        return sum;
    }

    /** One chunk of the split (it starts on a block): the sums of its blocks, each in its own slot, in one call. */
    @Override
    public void run(int from, int length) {
        kernels.blockSumsOfSquares(g, off + from, length, sums, from / BLOCK);
    }

    /** One block of a low-precision gradient widened to float32; allocated on first use. */
    private float[] widened;

    /** One block of a low-precision gradient in a native segment, copied to the heap; allocated on first use. */
    private short[] bits;

    /**
     * The sum of squares of {@code p}'s bfloat16 or float16 gradient, the bits {@link #sumOfSquares}
     * gives for the same values in float32: each block of {@link OptimizerKernels#SUM_OF_SQUARES_BLOCK}
     * elements is widened (exactly) and summed by the kernel, and the block sums added in block order,
     * on the calling thread. An infinity or NaN of either type widens to one, so the non-finite policy
     * meets it as a float32 one.
     */
    double sumOfSquaresLowPrecision(Parameter p, OptimizerKernels kernels) {
        Parameter.LowPrecision lp = p.lowPrecision();
        short[] g = lp.gradBits();
        int off = lp.gradOffset();
        boolean float16 = lp.isFloat16();
        CompressedStateKernels conversions = CompressedStateKernels.get();
        int n = p.size();
        if (widened == null) {
            widened = new float[BLOCK];
        }
        if (g == null && bits == null) {
            bits = new short[BLOCK];
        }
        double sum = 0;
        for (int start = 0; start < n; start += BLOCK) {
            int len = Math.min(BLOCK, n - start);
            short[] block = g;
            int from = off + start;
            if (g == null) { // a native segment: copied in first
                Parameter.LowPrecision.read(lp.grad(), start, bits, len);
                block = bits;
                from = 0;
            }
            conversions.widen(float16, block, from, widened, 0, len);
            sum += kernels.sumOfSquares(widened, 0, len);
        }
        return sum;
    }

    /** The index of the first NaN or infinite element of {@code p}'s gradient, or -1. */
    static int firstNonFinite(Parameter p) {
        if (p.hasLowPrecisionGrad()) {
            short[] g = p.lowPrecision().gradBits();
            int off = p.lowPrecision().gradOffset();
            boolean float16 = p.lowPrecision().isFloat16();
            Parameter.LowPrecision lp = p.lowPrecision();
            for (int i = 0; i < p.size(); i++) {
                short b = g != null ? g[off + i] : Parameter.LowPrecision.gradBitsAt(lp, i);
                float x = float16 ? vecopt.tensor.Float16.toFloat(b) : vecopt.tensor.BFloat16.toFloat(b);
                if (!Float.isFinite(x)) {
                    return i;
                }
            }
            return -1;
        }
        float[] g = p.grad().array();
        int off = p.grad().offset();
        for (int i = 0; i < p.size(); i++) {
            if (!Float.isFinite(g[off + i])) {
                return i;
            }
        }
        return -1;
    }
}
