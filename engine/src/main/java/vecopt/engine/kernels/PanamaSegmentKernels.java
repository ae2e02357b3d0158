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
    /** The vector loop starts where a vector does not cross a cache line: the vector's size, at most a line. */
    private static final long ALIGNMENT = Math.min(64, F.vectorByteSize());

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
        long head = alignmentPeel(from, n, p, g, m, v);
        ScalarSegmentKernels.INSTANCE.adam(p, g, m, v, from, head, c);
        long i = from + head;
        long bound = i + ((n - head) - (n - head) % LANES);
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

    /**
     * Elements to run in the scalar loop before the vector loop so that the vector loop's accesses
     * start on a {@link #ALIGNMENT}-byte boundary: possible only when every segment is native and
     * shares its misalignment at {@code from} (the common case of same-sized tensors from one
     * allocator), else 0. Element-wise kernels give the same bits wherever the vector loop starts.
     */
    static long alignmentPeel(long from, long n, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v) {
        long at = misalignment(p, from);
        if (at <= 0 || misalignment(g, from) != at || misalignment(m, from) != at || misalignment(v, from) != at) {
            return 0;
        }
        return Math.min(n, (ALIGNMENT - at) / Float.BYTES);
    }

    /**
     * Bytes past an {@link #ALIGNMENT} boundary at which element {@code from} of {@code s} lies; -1 for a
     * heap segment (its {@code address()} is an offset into its array, not where the array is) or an
     * address that is not a whole number of floats past one.
     */
    private static long misalignment(MemorySegment s, long from) {
        long at = (s.address() + from * Float.BYTES) & (ALIGNMENT - 1);
        return s.isNative() && at % Float.BYTES == 0 ? at : -1;
    }

    private static FloatVector clamp(FloatVector g, FloatVector clip, FloatVector negClip) {
        return g.blend(clip, g.compare(VectorOperators.GT, clip)).blend(negClip, g.compare(VectorOperators.LT, negClip));
    }
}
