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

    @Override
    public void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("sum", s, sOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float si = Math.fma(d, d, s[sOff + i]);
            s[sOff + i] = si;
            p[pOff + i] = Math.fma(c.negLr(), d / ((float) Math.sqrt(si) + c.eps()), pi);
        }
    }

    @Override
    public void rmsprop(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                        float[] b, int bOff, int n, RmspropCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("square_avg", v, vOff, n);
        boolean centered = a != null;
        boolean momentum = b != null;
        if (centered) {
            KernelRanges.check("grad_avg", a, aOff, n);
        }
        if (momentum) {
            KernelRanges.check("momentum_buffer", b, bOff, n);
        }
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float e = c.oneMinusAlpha() * d;
            float vi = Math.fma(c.alpha(), v[vOff + i], e * d);
            v[vOff + i] = vi;
            float w = vi;
            if (centered) {
                float ai = Math.fma(c.alpha(), a[aOff + i], e);
                a[aOff + i] = ai;
                w = Math.fma(-ai, ai, vi);
            }
            float u = d / ((float) Math.sqrt(w + c.epsInsideSqrt()) + c.epsOutsideSqrt());
            if (momentum) {
                u = Math.fma(c.momentum(), b[bOff + i], u);
                b[bOff + i] = u;
            }
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }

    @Override
    public void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                         int n, AdadeltaCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("square_avg", v, vOff, n);
        KernelRanges.check("acc_delta", x, xOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float vi = Math.fma(c.rho(), v[vOff + i], (c.oneMinusRho() * d) * d);
            float u = (float) Math.sqrt((x[xOff + i] + c.eps()) / (vi + c.eps())) * d;
            v[vOff + i] = vi;
            x[xOff + i] = Math.fma(c.rho(), x[xOff + i], (c.oneMinusRho() * u) * u);
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----
}
