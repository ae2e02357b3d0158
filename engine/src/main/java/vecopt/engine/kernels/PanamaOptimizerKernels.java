package vecopt.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernels: the scalar kernels' operations, in the same order, on {@link FloatVector}s.
 * Each loop runs its vector body up to {@code loopBound} and hands the tail to
 * {@link ScalarOptimizerKernels}, so the tail is the reference itself.
 *
 * <p>Loaded by name from {@link OptimizerKernelsProvider} only when {@code jdk.incubator.vector} is
 * readable. The width is fixed per JVM ({@code -Dvecopt.vectorBitSize}) because the species must be
 * a {@code static final} constant for C2 to intrinsify the vector operations.
 */
final class PanamaOptimizerKernels implements OptimizerKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED
            .withShape(VectorShape.forBitSize(bitSize(OptimizerKernelsProvider.REQUESTED_BIT_SIZE)));
    private static final int LANES = SPECIES.length();
    private static final ScalarOptimizerKernels TAIL = ScalarOptimizerKernels.INSTANCE;

    static final PanamaOptimizerKernels INSTANCE = new PanamaOptimizerKernels();

    private PanamaOptimizerKernels() {
    }

    /** The requested width, or 256 when none was, never wider than the hardware's own. */
    private static int bitSize(int requested) {
        int preferred = preferredBitSize();
        return Math.min(requested == 0 ? 256 : requested, preferred);
    }

    /** The species every kernel uses, for {@link ReferenceKernels}: one width choice, not two. */
    static VectorSpecies<Float> species() {
        return SPECIES;
    }

    /** Largest width the hardware runs natively, in bits. */
    static int preferredBitSize() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public int vectorBitSize() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            negLr.fma(d, pv).intoArray(p, pOff + i);
        }
        TAIL.sgd(p, pOff + i, g, gOff + i, n - i, c);
    }

    @Override
    public void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("momentum_buffer", b, bOff, n);
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector momentum = FloatVector.broadcast(SPECIES, c.momentum());
        FloatVector bufferGradScale = FloatVector.broadcast(SPECIES, c.bufferGradScale());
        FloatVector lookahead = FloatVector.broadcast(SPECIES, c.lookahead());
        FloatVector nesterovGradScale = FloatVector.broadcast(SPECIES, c.nesterovGradScale());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            bv = momentum.fma(bv, bufferGradScale.mul(d));
            FloatVector u = lookahead.fma(bv, nesterovGradScale.mul(d));
            bv.intoArray(b, bOff + i);
            negLr.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.sgdMomentum(p, pOff + i, g, gOff + i, b, bOff + i, n - i, c);
    }

    // ---- Adagrad, RMSprop, Adadelta ----

    @Override
    public void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("sum", s, sOff, n);
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector sv = FloatVector.fromArray(SPECIES, s, sOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            sv = d.fma(d, sv);
            sv.intoArray(s, sOff + i);
            negLr.fma(d.div(sv.sqrt().add(eps)), pv).intoArray(p, pOff + i);
        }
        TAIL.adagrad(p, pOff + i, g, gOff + i, s, sOff + i, n - i, c);
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
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector alpha = FloatVector.broadcast(SPECIES, c.alpha());
        FloatVector oneMinusAlpha = FloatVector.broadcast(SPECIES, c.oneMinusAlpha());
        FloatVector epsInsideSqrt = FloatVector.broadcast(SPECIES, c.epsInsideSqrt());
        FloatVector epsOutsideSqrt = FloatVector.broadcast(SPECIES, c.epsOutsideSqrt());
        FloatVector momentumDecay = FloatVector.broadcast(SPECIES, c.momentum());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            FloatVector e = oneMinusAlpha.mul(d);
            vv = alpha.fma(vv, e.mul(d));
            vv.intoArray(v, vOff + i);
            FloatVector w = vv;
            if (centered) {
                FloatVector av = alpha.fma(FloatVector.fromArray(SPECIES, a, aOff + i), e);
                av.intoArray(a, aOff + i);
                w = av.neg().fma(av, vv);
            }
            FloatVector u = d.div(w.add(epsInsideSqrt).sqrt().add(epsOutsideSqrt));
            if (momentum) {
                u = momentumDecay.fma(FloatVector.fromArray(SPECIES, b, bOff + i), u);
                u.intoArray(b, bOff + i);
            }
            negLr.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.rmsprop(p, pOff + i, g, gOff + i, v, vOff + i, a, aOff + i, b, bOff + i, n - i, c);
    }

    @Override
    public void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                         int n, AdadeltaCoefficients c) {
        KernelRanges.check("p", p, pOff, n);
        KernelRanges.check("g", g, gOff, n);
        KernelRanges.check("square_avg", v, vOff, n);
        KernelRanges.check("acc_delta", x, xOff, n);
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector rho = FloatVector.broadcast(SPECIES, c.rho());
        FloatVector oneMinusRho = FloatVector.broadcast(SPECIES, c.oneMinusRho());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            vv = rho.fma(vv, oneMinusRho.mul(d).mul(d));
            FloatVector u = xv.add(eps).div(vv.add(eps)).sqrt().mul(d);
            vv.intoArray(v, vOff + i);
            rho.fma(xv, oneMinusRho.mul(u).mul(u)).intoArray(x, xOff + i);
            negLr.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.adadelta(p, pOff + i, g, gOff + i, v, vOff + i, x, xOff + i, n - i, c);
    }









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----

    @Override
    public void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, AdamCoefficients c) {
        ScalarOptimizerKernels.checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        int i = adamBody(p, pOff, g, gOff, m, mOff, v, vOff, null, 0, n, c);
        TAIL.adam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        ScalarOptimizerKernels.checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        KernelRanges.check("max_exp_avg_sq", vMax, vMaxOff, n);
        int i = adamBody(p, pOff, g, gOff, m, mOff, v, vOff, vMax, vMaxOff, n, c);
        TAIL.adamAmsgrad(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, vMax, vMaxOff + i, n - i, c);
    }

    /**
     * The vector body of both Adam kernels, AMSGrad when {@code vMax} is not null (a loop-invariant
     * test that C2 unswitches); returns where the tail starts.
     */
    private static int adamBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        boolean amsgrad = vMax != null;
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            FloatVector mv = beta1.fma(FloatVector.fromArray(SPECIES, m, mOff + i), oneMinusBeta1.mul(d));
            FloatVector vv = beta2.fma(FloatVector.fromArray(SPECIES, v, vOff + i), oneMinusBeta2.mul(d).mul(d));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            if (amsgrad) {
                vv = FloatVector.fromArray(SPECIES, vMax, vMaxOff + i).max(vv);
                vv.intoArray(vMax, vMaxOff + i);
            }
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            negStepSize.fma(mv.div(denom), paramScale.mul(pv)).intoArray(p, pOff + i);
        }
        return i;
    }

    @Override
    public void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                       int n, AdamaxCoefficients c) {
        ScalarOptimizerKernels.checkMoments(p, pOff, g, gOff, m, mOff, "exp_inf", u, uOff, n);
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            FloatVector mv = beta1.fma(FloatVector.fromArray(SPECIES, m, mOff + i), oneMinusBeta1.mul(d));
            FloatVector uv = beta2.mul(FloatVector.fromArray(SPECIES, u, uOff + i)).max(d.abs().add(eps));
            mv.intoArray(m, mOff + i);
            uv.intoArray(u, uOff + i);
            negStepSize.fma(mv.div(uv), pv).intoArray(p, pOff + i);
        }
        TAIL.adamax(p, pOff + i, g, gOff + i, m, mOff + i, u, uOff + i, n - i, c);
    }

    @Override
    public void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, NadamCoefficients c) {
        ScalarOptimizerKernels.checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invBias2 = FloatVector.broadcast(SPECIES, c.invBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector gradStep = FloatVector.broadcast(SPECIES, c.gradStep());
        FloatVector momentumStep = FloatVector.broadcast(SPECIES, c.momentumStep());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            FloatVector mv = beta1.fma(FloatVector.fromArray(SPECIES, m, mOff + i), oneMinusBeta1.mul(d));
            FloatVector vv = beta2.fma(FloatVector.fromArray(SPECIES, v, vOff + i), oneMinusBeta2.mul(d).mul(d));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.mul(invBias2).sqrt().add(eps);
            FloatVector step = gradStep.fma(d, momentumStep.mul(mv));
            paramScale.fma(pv, step.div(denom)).intoArray(p, pOff + i);
        }
        TAIL.nadam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, RadamCoefficients c) {
        ScalarOptimizerKernels.checkMoments(p, pOff, g, gOff, m, mOff, "exp_avg_sq", v, vOff, n);
        FloatVector gradSign = FloatVector.broadcast(SPECIES, c.gradSign());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector rootScale = FloatVector.broadcast(SPECIES, c.rootScale());
        FloatVector denomOffset = FloatVector.broadcast(SPECIES, c.denomOffset());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradSign.mul(gv));
            FloatVector mv = beta1.fma(FloatVector.fromArray(SPECIES, m, mOff + i), oneMinusBeta1.mul(d));
            FloatVector vv = beta2.fma(FloatVector.fromArray(SPECIES, v, vOff + i), oneMinusBeta2.mul(d).mul(d));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = rootScale.fma(vv.sqrt(), denomOffset);
            negStepSize.fma(mv.div(denom), paramScale.mul(pv)).intoArray(p, pOff + i);
        }
        TAIL.radam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }
}
