package vecopt.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link ScalarSegmentKernels}' operations on vectors of {@link PanamaOptimizerKernels}' width; the tail is the scalar code. */
final class PanamaSegmentKernels implements SegmentKernels {

    private static final VectorSpecies<Float> F = PanamaOptimizerKernels.species();
    private static final int LANES = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long from, long n,
                     AdamCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(F, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(F, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(F, c.negStepSize());
        long i = from;
        long bound = from + (n - n % LANES);
        for (; i < bound; i += LANES) {
            long at = i * Float.BYTES;
            FloatVector pv = FloatVector.fromMemorySegment(F, p, at, LE);
            FloatVector gv = FloatVector.fromMemorySegment(F, g, at, LE);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromMemorySegment(F, m, at, LE)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromMemorySegment(F, v, at, LE)));
            mv.intoMemorySegment(m, at, LE);
            vv.intoMemorySegment(v, at, LE);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoMemorySegment(p, at, LE);
        }
        ScalarSegmentKernels.INSTANCE.adam(p, g, m, v, i, from + n - i, c);
    }

    private static FloatVector clamp(FloatVector g, FloatVector clip, FloatVector negClip) {
        return g.blend(clip, g.compare(VectorOperators.GT, clip)).blend(negClip, g.compare(VectorOperators.LT, negClip));
    }
}
