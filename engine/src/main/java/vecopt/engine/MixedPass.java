package vecopt.engine;

import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.StateRounding;
import vecopt.tensor.SegmentTensor;

/**
 * Runs one pass of a mixed-precision parameter's plan over a range, with the rule's own float32
 * kernel: the value it is handed is the parameter's float32 master copy ({@link Optimizer#MASTER}, at
 * the element's index), the gradient the float32 one, or a block of the low-precision one widened into
 * this thread's scratch just before the call. After the plan's last pass the same block of the master,
 * still in cache, is rounded to the weights (bfloat16 or float16, to nearest or stochastically with the
 * random bits of the element's index). Calls cover at most {@link #BLOCK} elements rounded up to the
 * pass's alignment and start at multiples of it, as {@link BlockedPass}'s do, so a reduction keeps its
 * blocks and the master gets the bits of a float32 parameter stepped from the same gradient.
 *
 * <p>Weights or a gradient in a native segment (or a mapped file) are copied block by block through
 * this thread's {@code short[]} scratch: the gradient's block in before it is widened, the rounded
 * weights out after; the kernels see the same bits as for a heap {@code short[]}.
 *
 * <p>One instance per optimizer serves every pass (its fields are set before each); each thread's
 * scratch is allocated once and grown only for a pass whose alignment exceeds it, so a step allocates nothing.
 */
final class MixedPass implements ChunkedExecutor.RangeTask {

    /**
     * Elements per call: 64Ki, as {@link BlockedPass#BLOCK}, so a call's arrays stay in a 1 MiB L2 for the
     * rounding that follows. Measured (Adam, bf16 weights and gradients, 16Mi elements, Zen 5, 1 thread):
     * 4Ki blocks took 1.60x the time of the fused bf16 Adam kernel, 16Ki 1.39x, 64Ki 1.24x; the memory
     * streams restart at every block, and longer blocks restart them less often.
     */
    static final int BLOCK = 1 << 16;

    /** Each thread's block of widened gradient; threads run one chunk at a time, so one per thread serves all optimizers. */
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    /** Each thread's block of 16-bit elements copied from or to a native segment; allocated as {@link #SCRATCH} is. */
    private static final ThreadLocal<short[]> BITS = new ThreadLocal<>();

    /** Set with the first pass, not at construction: an optimizer's constructor reports bad kernel switches first. */
    private CompressedStateKernels conversions;

    private StepPlan.ParameterKernel kernel;
    private float[] master;
    private float[] grad;
    private int gradOffset;
    private boolean lowGradient;
    private short[] lowGrad;
    private int lowGradOffset;
    private SegmentTensor lowGradSegment;
    private short[] weights;
    private int weightOffset;
    private SegmentTensor weightSegment;
    private boolean float16;
    private StateRounding rounding;
    private int block;

    /**
     * Sets the pass to run next: {@code kernel} (null to only round) over {@code p}'s master copy,
     * in calls starting at multiples of {@code alignment}; then, unless {@code rounding} is null, the
     * master rounded to the weights.
     */
    MixedPass set(StepPlan.ParameterKernel kernel, Parameter p, float[] master, int alignment, StateRounding rounding) {
        Parameter.LowPrecision lp = p.lowPrecision();
        this.conversions = CompressedStateKernels.get();
        this.kernel = kernel;
        this.master = master;
        boolean lowGradient = p.hasLowPrecisionGrad();
        this.lowGradient = lowGradient;
        this.grad = lowGradient ? null : p.grad().array();
        this.gradOffset = lowGradient ? 0 : p.grad().offset();
        this.lowGrad = lowGradient ? lp.gradBits() : null;
        this.lowGradOffset = lp.gradOffset();
        this.lowGradSegment = lowGradient && lowGrad == null ? lp.grad() : null;
        this.weights = lp.weightBits();
        this.weightOffset = lp.weightOffset();
        this.weightSegment = weights == null ? lp.weights() : null;
        this.float16 = lp.isFloat16();
        this.rounding = rounding;
        this.block = (int) Math.min(Integer.MAX_VALUE, ((long) BLOCK + alignment - 1) / alignment * alignment);
        return this;
    }

    /** Forgets the arrays of the last pass, so that the optimizer does not keep them alive. */
    void clear() {
        kernel = null;
        master = null;
        grad = null;
        lowGrad = null;
        lowGradSegment = null;
        weights = null;
        weightSegment = null;
        rounding = null;
    }

    @Override
    public void run(int from, int length) {
        float[] scratch = null;
        if (kernel != null && lowGradient) {
            scratch = SCRATCH.get();
            if (scratch == null || scratch.length < Math.min(block, length)) {
                scratch = new float[Math.max(BLOCK, Math.min(block, length))];
                SCRATCH.set(scratch);
            }
        }
        short[] bits = null;
        if ((kernel != null && lowGradSegment != null) || (rounding != null && weightSegment != null)) {
            bits = BITS.get();
            if (bits == null || bits.length < Math.min(block, length)) {
                bits = new short[Math.max(BLOCK, Math.min(block, length))];
                BITS.set(bits);
            }
        }
        int end = from + length;
        for (int start = from; start < end; start += block) {
            int n = Math.min(block, end - start);
            if (kernel != null) {
                if (scratch != null) {
                    short[] g = lowGrad;
                    int gOffset = lowGradOffset + start;
                    if (lowGradSegment != null) {
                        Parameter.LowPrecision.read(lowGradSegment, start, bits, n);
                        g = bits;
                        gOffset = 0;
                    }
                    conversions.widen(float16, g, gOffset, scratch, 0, n);
                    kernel.run(master, start, scratch, 0, start, n);
                } else {
                    kernel.run(master, start, grad, gradOffset + start, start, n);
                }
            }
            if (rounding != null) {
                short[] w = weightSegment != null ? bits : weights;
                int wOffset = weightSegment != null ? 0 : weightOffset + start;
                conversions.round(float16, master, start, w, wOffset, start, n, rounding);
                if (weightSegment != null) {
                    Parameter.LowPrecision.write(bits, n, weightSegment, start);
                }
            }
        }
    }
}
