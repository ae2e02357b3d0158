package vecopt.engine.kernels;

import java.lang.foreign.MemorySegment;

/** {@link SegmentKernels} as plain loops: {@link ScalarOptimizerKernels}' operations on segment elements. */
final class ScalarSegmentKernels implements SegmentKernels {

    static final ScalarSegmentKernels INSTANCE = new ScalarSegmentKernels();

    private ScalarSegmentKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void adam(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long from, long n,
                     AdamCoefficients c) {
        for (long i = from, end = from + n; i < end; i++) {
            float pi = p.getAtIndex(FLOAT, i);
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(g.getAtIndex(FLOAT, i), c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m.getAtIndex(FLOAT, i));
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v.getAtIndex(FLOAT, i));
            m.setAtIndex(FLOAT, i, mi);
            v.setAtIndex(FLOAT, i, vi);
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p.setAtIndex(FLOAT, i, c.paramScale() * pi + c.negStepSize() * mi / denom);
        }
    }
}
