package vecopt.examples;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import vecopt.engine.Optimizers;

/**
 * {@link Signum}'s Vector API kernel: {@link SignumKernel}'s operations, in the same order, on vectors
 * of the width the engine's kernels use ({@link Optimizers#vectorBitSize()}, {@code -Dvecopt.vectorBitSize}),
 * then {@link SignumKernel} itself for the tail, so the two give the same bits.
 *
 * <p>Only this class uses {@code jdk.incubator.vector}, and {@link Signum} loads it only when the
 * optimizer runs the Vector API kernels: without {@code --add-modules jdk.incubator.vector} the rule runs
 * its scalar kernel. The species is a {@code static final} constant, which C2 needs to compile the vector
 * operations to SIMD instructions.
 */
public final class SignumVectorKernel {

    private static final VectorSpecies<Float> SPECIES =
            FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Optimizers.vectorBitSize()));

    private SignumVectorKernel() {
    }

    /**
     * The width of the vectors, in bits.
     *
     * @return 128, 256 or 512
     */
    public static int bitSize() {
        return SPECIES.vectorBitSize();
    }

    /**
     * One step over {@code n} elements, as {@link SignumKernel#step}.
     *
     * @param p the parameter's values, updated
     * @param pOff the index of the first parameter element
     * @param g the gradient, read
     * @param gOff the index of the first gradient element
     * @param m the momentum buffer, updated
     * @param mOff the index of the first momentum element
     * @param n the number of elements
     * @param c the step's coefficients
     */
    public static void step(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n,
                            Signum.Coefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector clip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector momentum = FloatVector.broadcast(SPECIES, c.momentum());
        FloatVector oneMinusMomentum = FloatVector.broadcast(SPECIES, c.oneMinusMomentum());
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            gv = gv.blend(clip, gv.compare(VectorOperators.GT, clip)).blend(negClip, gv.compare(VectorOperators.LT, negClip));
            FloatVector d = weightDecay.fma(pv, gradScale.mul(gv));
            FloatVector mv = oneMinusMomentum.fma(d, momentum.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            mv.intoArray(m, mOff + i);
            negLr.fma(sign(mv), pv).intoArray(p, pOff + i);
        }
        SignumKernel.step(p, pOff + i, g, gOff + i, m, mOff + i, n - i, c);   // the tail is the scalar kernel
    }

    /** {@link Math#signum} lane by lane: 1 or -1, and zeros and NaN as they are. */
    private static FloatVector sign(FloatVector x) {
        FloatVector zero = FloatVector.zero(SPECIES);
        return x.blend(FloatVector.broadcast(SPECIES, 1f), x.compare(VectorOperators.GT, zero))
                .blend(FloatVector.broadcast(SPECIES, -1f), x.compare(VectorOperators.LT, zero));
    }
}
