package vecopt.engine.kernels;

/**
 * The reference kernels: plain Java loops, one element at a time, in the exact operation order
 * {@link OptimizerKernels} documents. The Panama kernels call these for their tails.
 */
public final class ScalarOptimizerKernels implements OptimizerKernels {

    /** The one instance; the class holds no state. */
    public static final ScalarOptimizerKernels INSTANCE = new ScalarOptimizerKernels();

    private ScalarOptimizerKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBitSize() {
        return Float.SIZE;
    }

    @Override
    public void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            p[pOff + i] = Math.fma(c.negLr(), d, pi);
        }
    }

    @Override
    public void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("momentum_buffer", b, bOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float bi = Math.fma(c.momentum(), b[bOff + i], c.bufferGradScale() * d);
            float u = Math.fma(c.lookahead(), bi, c.nesterovGradScale() * d);
            b[bOff + i] = bi;
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }

    // ---- Adagrad, RMSprop, Adadelta ----









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----
}
