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
}
