package vecopt.engine;

import vecopt.engine.kernels.OptimizerKernels;

/**
 * The deterministic sum of squares of a gradient on any number of threads: the range is split at
 * multiples of {@link OptimizerKernels#SUM_OF_SQUARES_BLOCK}, each block's sum is kept, and the block
 * sums are added in block order, which is exactly what one kernel call over the whole range does.
 */
final class GradientNorms {

    private GradientNorms() {
    }

    /** The sum of squares of {@code p}'s gradient, the same bits for every executor. */
    static double sumOfSquares(Parameter p, OptimizerKernels kernels, ChunkedExecutor executor) {
        float[] g = p.grad().array();
        int off = p.grad().offset();
        int n = p.size();
        int block = OptimizerKernels.SUM_OF_SQUARES_BLOCK;
        int blocks = (n + block - 1) / block;
        if (blocks <= 1 || executor.threads() == 1 || n < executor.minParallelLength()) {
            return kernels.sumOfSquares(g, off, n);
        }
        double[] sums = new double[blocks];
        executor.run(n, block, (from, length) -> {
            for (int b = from / block, end = from + length; b * block < end; b++) {
                int start = b * block;
                sums[b] = kernels.sumOfSquares(g, off + start, Math.min(block, n - start));
            }
        });
        double sum = 0;
        for (double s : sums) {
            sum += s;
        }
        return sum;
    }

    /** The index of the first NaN or infinite element of {@code p}'s gradient, or -1. */
    static int firstNonFinite(Parameter p) {
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
