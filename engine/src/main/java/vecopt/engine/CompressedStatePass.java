package vecopt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import vecopt.engine.kernels.CompressedStateKernels;
import vecopt.engine.kernels.StateRounding;

/**
 * Any rule's step over compressed state ({@link StateFormat}) with the rule's own float32 kernel, for
 * rules without fused kernels over compressed buffers: for each block the pass is handed, every
 * compressed buffer is decoded into this thread's float32 scratch, the rule's kernel runs on the block
 * with state offset 0 (value and gradient at their own offsets), and the scratch is encoded again:
 * bfloat16 rounded to nearest or stochastically with the bits of the seed, the parameter, the step,
 * the buffer and the element's index; 8-bit with each block's new absolute maximum as its scale.
 *
 * <p>The rule's kernels capture the state arrays its plan reads, so the plan is made again for each
 * call, against a view of the state whose element-wise buffers are the thread's scratch
 * ({@link ParameterState#viewDecoded}); its coefficients are those planned for the step. A rule's
 * element-wise buffer kept in float32 (AdamWScheduleFree's iterate {@code z}) is copied into its
 * block and back, as every buffer is then indexed from the block's start. This holds
 * for a plan of one element-wise pass that uses its state offset only to index state (checked when
 * the step is planned: several passes are refused); rules mark their buffers compressible only then
 * ({@link Rule.Builder#compressible}).
 *
 * <p>It is a kernel, driven by the optimizer's passes: {@link BlockedPass} for a float32 parameter,
 * {@link MixedPass} for a mixed-precision one (the value it hands on is the master copy). Blocks start
 * at multiples of the 8-bit block size, so scales are never split; the bits do not depend on threads
 * or on how a step is split. A call costs a decode and an encode of each buffer around the rule's
 * kernel, all in cache, and the re-planning: a few small objects per call of up to 64Ki elements. A
 * call is decoded whole: sub-blocks of 4Ki and 16Ki elements measured no faster (docs/storage.md).
 */
final class CompressedStatePass implements StepPlan.ParameterKernel {

    /** Each thread's decoded blocks and state view; threads run one block at a time, so one per thread serves all. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Optimizer optimizer;
    private final Parameter parameter;
    private final ParameterState state;
    private final Hyperparameters hyperparameters;
    private final long step;
    private final StepContext context;
    /** The rule's element-wise buffers this parameter keeps: compressed ones first, then float32 ones. */
    private final String[] names;
    /** The compressed buffers, {@code names[i]} for {@code i < buffers.length}. */
    private final CompressedBuffer[] buffers;
    private final StateRounding[] roundings;
    /** The float32 element-wise buffers, {@code names[buffers.length + i]}, copied through blocks unchanged. */
    private final float[][] plain;
    private final CompressedStateKernels codec = CompressedStateKernels.get();

    private CompressedStatePass(Optimizer optimizer, Parameter p, ParameterState state, Hyperparameters h, long step,
                                StepContext context, StateFormat format) {
        this.optimizer = optimizer;
        this.parameter = p;
        this.state = state;
        this.hyperparameters = h;
        this.step = step;
        this.context = context;
        List<String> compressed = new ArrayList<>();
        List<String> float32 = new ArrayList<>();
        for (Rule.Buffer b : optimizer.rule().buffers()) {
            if (state.compressedBuffer(b.name()) != null) {
                compressed.add(b.name());
            } else if (b.elementWise() && state.buffer(b.name()) != null) {
                float32.add(b.name());
            }
        }
        this.buffers = new CompressedBuffer[compressed.size()];
        this.roundings = new StateRounding[compressed.size()];
        this.plain = new float[float32.size()][];
        StateRounding rounding = format.stochastic()
                ? StateRounding.stochastic(format.seed(), GradientNoise.stream(p.name()), step)
                : StateRounding.NEAREST_EVEN;
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = state.compressedBuffer(compressed.get(i));
            roundings[i] = rounding.forBuffer(GradientNoise.stream(compressed.get(i)));
        }
        for (int i = 0; i < plain.length; i++) {
            plain[i] = state.buffer(float32.get(i));
        }
        compressed.addAll(float32);
        this.names = compressed.toArray(String[]::new);
    }

    /** The multiple every call starts at: the 8-bit block size, so no scale is split, else a cache line. */
    private static int alignment(StateFormat format) {
        return format.kind() == StateFormat.Kind.BLOCKWISE_8BIT ? format.blockSize() : 64;
    }

    /**
     * The step of {@code p} through its rule's float32 plan on decoded blocks of its compressed state:
     * one pass, aligned to the 8-bit block size, and the scalars the rule's plan stores.
     *
     * @throws IllegalStateException if the rule's plan is not one element-wise pass
     */
    static StepPlan plan(Optimizer optimizer, Parameter p, ParameterState state, Hyperparameters h, long step,
                         StepContext context, StateFormat format) {
        CompressedStatePass pass = new CompressedStatePass(optimizer, p, state, h, step, context, format);
        Scratch scratch = SCRATCH.get();
        StepPlan own;
        try {
            own = pass.planOn(scratch.ensure(pass.names.length, 0));
        } finally {
            scratch.view.clearView();
        }
        List<StepPlan.Pass> passes = own.passes();
        StepPlan.Pass only = passes.getFirst();
        if (passes.size() != 1 || !only.splittable() || only.writesWeights() || 64 % only.alignment() != 0) {
            throw new IllegalStateException(optimizer.rule() + " marks "
                    + String.join(", ", optimizer.rule().compressibleBuffers().keySet()) + " compressible, but its step of " + p.name() + " is not one element-wise pass (" + passes.size()
                    + " passes), so its state cannot be decoded block by block; store it as float32");
        }
        return new StepPlan(List.of(new StepPlan.Pass(pass, alignment(format), true, false)), own.scalars());
    }

    /** The rule's plan of this step against {@code scratch}'s view of the state, its blocks in place of the compressed buffers. */
    private StepPlan planOn(Scratch scratch) {
        scratch.view.viewDecoded(state, names, scratch.blocks);
        return optimizer.plan(parameter, scratch.view, hyperparameters, step, context);
    }

    @Override
    public void run(float[] value, int valueOffset, float[] grad, int gradOffset, int stateOffset, int n) {
        Scratch scratch = SCRATCH.get().ensure(names.length, n);
        decode(scratch.blocks, stateOffset, n);
        try {
            planOn(scratch).passes().getFirst().kernel().run(value, valueOffset, grad, gradOffset, 0, n);
        } finally {
            scratch.view.clearView();
        }
        encode(scratch.blocks, stateOffset, n);
    }

    /** State elements {@code [at, at + n)} of every buffer into the blocks, from their start. */
    private void decode(float[][] blocks, int at, int n) {
        for (int i = 0; i < buffers.length; i++) {
            switch (buffers[i]) {
                case CompressedBuffer.BFloat16Buffer b -> codec.widenBf16(b.bits(), at, blocks[i], 0, n);
                case CompressedBuffer.BlockwiseBuffer q ->
                        codec.decode8bit(q.codes(), q.absmax(), q.blockSize(), q.signed(), at, blocks[i], n);
            }
        }
        for (int i = 0; i < plain.length; i++) {
            System.arraycopy(plain[i], at, blocks[buffers.length + i], 0, n);
        }
    }

    /** The blocks' first {@code n} elements back into state elements {@code [at, at + n)}, encoded. */
    private void encode(float[][] blocks, int at, int n) {
        for (int i = 0; i < buffers.length; i++) {
            switch (buffers[i]) {
                case CompressedBuffer.BFloat16Buffer b ->
                        codec.roundBf16(blocks[i], 0, b.bits(), at, at, n, roundings[i]);
                case CompressedBuffer.BlockwiseBuffer q ->
                        codec.encode8bit(blocks[i], n, q.codes(), q.absmax(), q.blockSize(), q.signed(), at);
            }
        }
        for (int i = 0; i < plain.length; i++) {
            System.arraycopy(blocks[buffers.length + i], 0, plain[i], at, n);
        }
    }

    /** A thread's float32 blocks, one per element-wise buffer, and the view of the state its plans read. */
    private static final class Scratch {
        float[][] blocks = new float[0][];
        final ParameterState view = new ParameterState();

        /** This scratch with at least {@code count} blocks of at least {@code n} elements (64Ki at first). */
        Scratch ensure(int count, int n) {
            if (blocks.length < count) {
                blocks = Arrays.copyOf(blocks, count);
            }
            for (int i = 0; i < count; i++) {
                if (blocks[i] == null || blocks[i].length < n) {
                    blocks[i] = new float[Math.max(BlockedPass.BLOCK, n)];
                }
            }
            return this;
        }
    }
}
