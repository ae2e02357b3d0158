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









    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----
}
