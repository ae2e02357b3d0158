package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import vecopt.tensor.DType;
import vecopt.tensor.FloatTensor;
import vecopt.tensor.SegmentTensor;

/**
 * Which path Adam and AdamW take for a mixed-precision parameter. bfloat16 weights over a heap
 * {@code short[]} with float32 moments and no AMSGrad get the fused kernel, one pass that writes the
 * weights itself ({@link StepPlan.Pass#writesWeights()}), because out of cache it is faster than
 * stepping the master copy block by block and rounding after (docs/storage.md); every other
 * mixed-precision case gets the rule's float32 kernel, run by the optimizer on the master copy. Both
 * give the same bits ({@link MixedPrecisionCoverageTest}); this test says which one runs.
 */
class AdamFusedMixedPathTest {

    private static final int N = 256;

    private static SegmentTensor heap(DType type) {
        return SegmentTensor.wrap(MemorySegment.ofArray(new short[N]), type, N);
    }

    /** The first step's plan of {@code o}'s only parameter, with its state allocated as a step would. */
    private static StepPlan firstPlan(Optimizer o) {
        o.allocateState();
        Parameter p = o.paramGroups().get(0).parameters().get(0);
        return o.plan(p, o.state(p.name()), o.paramGroups().get(0).hyperparameters(), 1, StepContext.NONE);
    }

    private static boolean fused(StepPlan plan) {
        return plan.passes().size() == 1 && plan.passes().get(0).writesWeights();
    }

    @Test
    void adamAndAdamWStepBf16HeapWeightsWithTheFusedKernel() {
        List<BiFunction<Parameter, Boolean, Optimizer>> rules = List.of(
                (p, amsgrad) -> new Adam(List.of(p), Adam.defaults().with(Adam.AMSGRAD, amsgrad)),
                (p, amsgrad) -> new AdamW(List.of(p), AdamW.defaults().with(AdamW.AMSGRAD, amsgrad)));
        for (BiFunction<Parameter, Boolean, Optimizer> rule : rules) {
            assertTrue(fused(firstPlan(rule.apply(Parameter.mixed("w", heap(DType.BFLOAT16), heap(DType.BFLOAT16)),
                    false))), "bf16 weights and gradient");
            assertTrue(fused(firstPlan(rule.apply(Parameter.mixed("w", heap(DType.BFLOAT16), FloatTensor.zeros(N)),
                    false))), "bf16 weights, float32 gradient");
        }
    }

    @Test
    void everyOtherMixedCaseStepsTheMasterCopyWithTheFloat32Kernel() {
        Parameter bf16 = Parameter.mixed("w", heap(DType.BFLOAT16), heap(DType.BFLOAT16));
        assertFalse(fused(firstPlan(new Adam(List.of(bf16), Adam.defaults().with(Adam.AMSGRAD, true)))), "AMSGrad");

        Parameter fp16 = Parameter.mixed("w", heap(DType.FLOAT16), heap(DType.FLOAT16));
        assertFalse(fused(firstPlan(new Adam(List.of(fp16), Adam.defaults()))), "float16 weights");

        Adam bf16State = new Adam(List.of(Parameter.mixed("w", heap(DType.BFLOAT16), heap(DType.BFLOAT16))),
                Adam.defaults());
        bf16State.setStateFormat(StateFormat.bfloat16());
        assertFalse(fused(firstPlan(bf16State)), "bfloat16 moments");

        try (Arena arena = Arena.ofConfined()) {
            SegmentTensor nativeWeights = SegmentTensor.wrap(arena.allocate(2L * N, 64), DType.BFLOAT16, N);
            Adam offHeap = new Adam(List.of(Parameter.mixed("w", nativeWeights, heap(DType.BFLOAT16))), Adam.defaults());
            StepPlan plan = firstPlan(offHeap);
            assertFalse(fused(plan), "weights in native memory");
            assertEquals(1, plan.passes().size(), "Adam's float32 plan is one element-wise pass");
        }
    }

    @Test
    void float32ParametersNeverTakeTheWeightWritingPass() {
        Adam adam = new Adam(List.of(Parameter.of("w", FloatTensor.zeros(N))), Adam.defaults());
        assertFalse(fused(firstPlan(adam)));
    }
}
