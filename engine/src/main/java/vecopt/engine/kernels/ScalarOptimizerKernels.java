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

    @Override
    public void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, AdamCoefficients c) {
        checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        adamLoop(p, pOff, g, gOff, m, mOff, v, vOff, null, 0, n, c);
    }

    @Override
    public void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        KernelRanges.check("max_exp_avg_sq", vMax, vMaxOff, n);
        adamLoop(p, pOff, g, gOff, m, mOff, v, vOff, vMax, vMaxOff, n, c);
    }

    /** Both Adam kernels; AMSGrad when {@code vMax} is not null. */
    private static void adamLoop(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                 float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        boolean amsgrad = vMax != null;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float mi = Math.fma(c.beta1(), m[mOff + i], c.oneMinusBeta1() * d);
            float vi = Math.fma(c.beta2(), v[vOff + i], c.oneMinusBeta2() * d * d);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            if (amsgrad) {
                vi = Math.max(vMax[vMaxOff + i], vi);
                vMax[vMaxOff + i] = vi;
            }
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p[pOff + i] = Math.fma(c.negStepSize(), mi / denom, c.paramScale() * pi);
        }
    }

    @Override
    public void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                       int n, AdamaxCoefficients c) {
        checkMoments(p, pOff, g, gOff, m, mOff, "exp_inf", u, uOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float mi = Math.fma(c.beta1(), m[mOff + i], c.oneMinusBeta1() * d);
            float ui = Math.max(c.beta2() * u[uOff + i], Math.abs(d) + c.eps());
            m[mOff + i] = mi;
            u[uOff + i] = ui;
            p[pOff + i] = Math.fma(c.negStepSize(), mi / ui, pi);
        }
    }

    @Override
    public void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, NadamCoefficients c) {
        checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float mi = Math.fma(c.beta1(), m[mOff + i], c.oneMinusBeta1() * d);
            float vi = Math.fma(c.beta2(), v[vOff + i], c.oneMinusBeta2() * d * d);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi * c.invBias2()) + c.eps();
            float step = Math.fma(c.gradStep(), d, c.momentumStep() * mi);
            p[pOff + i] = Math.fma(c.paramScale(), pi, step / denom);
        }
    }

    @Override
    public void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, RadamCoefficients c) {
        checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradSign() * g[gOff + i]);
            float mi = Math.fma(c.beta1(), m[mOff + i], c.oneMinusBeta1() * d);
            float vi = Math.fma(c.beta2(), v[vOff + i], c.oneMinusBeta2() * d * d);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = Math.fma(c.rootScale(), (float) Math.sqrt(vi), c.denomOffset());
            p[pOff + i] = Math.fma(c.negStepSize(), mi / denom, c.paramScale() * pi);
        }
    }

    /** The range checks shared by the Adam family: parameter, gradient, {@code exp_avg} and one more state. */
    static void checkMoments(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff,
                             String secondName, float[] second, int secondOff, int n) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("exp_avg", m, mOff, n);
        KernelRanges.check(secondName, second, secondOff, n);
    }
}
