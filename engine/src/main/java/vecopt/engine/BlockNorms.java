package vecopt.engine;

import vecopt.engine.kernels.OptimizerKernels;

/**
 * What the first pass of a trust-ratio rule (LAMB, LARS) leaves for its second: per block of
 * {@link OptimizerKernels#SUM_OF_SQUARES_BLOCK} elements, the sum of squares of the parameter and of
 * its update direction. The norms add the block sums in block order, so they are the same bits
 * however the first pass was split across threads.
 */
final class BlockNorms {

    static final int BLOCK = OptimizerKernels.SUM_OF_SQUARES_BLOCK;

    /** Two per block: the parameter's sum of squares, then the update direction's. */
    private final double[] sums;

    /** Room for the sums of a parameter of {@code n} elements. */
    BlockNorms(int n) {
        sums = new double[2 * ((n + BLOCK - 1) / BLOCK)];
    }

    /** Where the kernels write the sums of the blocks. */
    double[] sums() {
        return sums;
    }

    /** The index in {@link #sums()} of the block that starts at element {@code from}, a multiple of {@link #BLOCK}. */
    static int offset(int from) {
        return 2 * (from / BLOCK);
    }

    /** The 2-norm of the parameter, as the first pass saw it. */
    double parameterNorm() {
        return Math.sqrt(sum(0));
    }

    /** The 2-norm of the update direction. */
    double updateNorm() {
        return Math.sqrt(sum(1));
    }

    private double sum(int first) {
        double s = 0;
        for (int i = first; i < sums.length; i += 2) {
            s += sums[i];
        }
        return s;
    }
}
