package vecopt.bench.speed;

import vecopt.engine.kernels.OptimizerKernels;

/**
 * The per-block sums of squares a trust-ratio rule's first pass writes (two per block: the parameter's,
 * then the update direction's), and the norms from them in block order, as the optimizer computes them.
 */
final class TrustRatioSums {

    static final int BLOCK = OptimizerKernels.SUM_OF_SQUARES_BLOCK;

    private final double[] sums;

    TrustRatioSums(int n) {
        sums = new double[2 * ((n + BLOCK - 1) / BLOCK)];
    }

    double[] sums() {
        return sums;
    }

    /** The index of the sums of the block starting at element {@code from}. */
    static int offset(int from) {
        return 2 * (from / BLOCK);
    }

    double parameterNorm() {
        return norm(0);
    }

    double updateNorm() {
        return norm(1);
    }

    private double norm(int first) {
        double s = 0;
        for (int i = first; i < sums.length; i += 2) {
            s += sums[i];
        }
        return Math.sqrt(s);
    }
}
