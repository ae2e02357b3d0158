package vecopt.engine;

/**
 * Runs one pass of one parameter over a range as kernel calls of at most {@link #BLOCK} elements,
 * each starting at a multiple of the pass's alignment, so a reduction keeps its blocks and the bits
 * are those of one call. Many calls rather than one: a kernel that the JIT compiles while a large
 * pass runs (a group too small for {@link KernelWarmUp}, or {@code -Dvecopt.warmUp=false}) is used
 * from the next call on, instead of the rest of the range running in the interpreter or C1 code
 * until an on-stack replacement arrives. One instance serves every pass of every step (its fields are
 * set before each pass), so running a pass allocates nothing.
 */
final class BlockedPass implements ChunkedExecutor.RangeTask {

    /** Elements per call: 64Ki, 256 KiB of each array, so Adam's four arrays fit in a 1 MiB L2. */
    static final int BLOCK = 1 << 16;

    private StepPlan.ParameterKernel kernel;
    private float[] value;
    private int valueOffset;
    private float[] grad;
    private int gradOffset;
    private int block;

    /** Sets the pass to run next; {@code alignment} divides every block start. */
    BlockedPass set(StepPlan.ParameterKernel kernel, Parameter p, int alignment) {
        this.kernel = kernel;
        this.value = p.value().array(); // a float32 parameter: mixed-precision ones go through MixedPass
        this.valueOffset = p.value().offset();
        this.grad = p.grad().array();
        this.gradOffset = p.grad().offset();
        this.block = (int) Math.min(Integer.MAX_VALUE, ((long) BLOCK + alignment - 1) / alignment * alignment);
        return this;
    }

    /** Sets a pass whose kernel holds its arrays itself ({@link StepPlan.Pass#writesWeights()}): it is handed nulls. */
    BlockedPass setOwnArrays(StepPlan.ParameterKernel kernel, int alignment) {
        this.kernel = kernel;
        this.value = null;
        this.valueOffset = 0;
        this.grad = null;
        this.gradOffset = 0;
        this.block = (int) Math.min(Integer.MAX_VALUE, ((long) BLOCK + alignment - 1) / alignment * alignment);
        return this;
    }

    /** Forgets the arrays of the last pass, so that the optimizer does not keep them alive. */
    void clear() {
        kernel = null;
        value = null;
        grad = null;
    }

    @Override
    public void run(int from, int length) {
        int end = from + length;
        for (int start = from; start < end; start += block) {
            int n = Math.min(block, end - start);
            kernel.run(value, valueOffset + start, grad, gradOffset + start, start, n);
        }
    }
}
