package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * Values that are finite as doubles but not as floats never reach the kernels: a hyperparameter
 * beyond the float32 range is refused when set, and a step whose coefficient overflows float32 is
 * refused before anything is written.
 */
class FloatRangeTest {

    @Test
    void rejectsLearningRateBeyondTheFloatRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("lr", 1e300));
        assertEquals("lr must be a finite float32 (at most 3.4028235E38 in magnitude), got 1.0E300", e.getMessage());
    }

    @Test
    void rejectsWeightDecayBeyondTheFloatRange() {
        var e = assertThrows(IllegalArgumentException.class, () -> Adam.defaults().with("weight_decay", 1e40));
        assertEquals("weight_decay must be a finite float32 (at most 3.4028235E38 in magnitude), got 1.0E40",
                e.getMessage());
    }

    @Test
    void aStepWhoseStepSizeOverflowsWritesNothing() {
        float[] w = {1f, -2f};
        float[] g = {0.5f, 0.25f};
        Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(g));
        // lr / (1 - beta1^1) = 3e38 / 0.1 is beyond the float range at step 1
        Optimizer adam = Optimizers.fromTorch("Adam", List.of(p), Map.of("lr", 3e38));
        var e = assertThrows(IllegalArgumentException.class, adam::step);
        assertEquals("Adam's coefficient -lr / (1 - beta1^t) is " + (-3e38 / (1 - 0.9)) + " at step 1, outside the"
                + " float32 range; lower lr or weight_decay", e.getMessage());
        assertArrayEquals(new float[] {1f, -2f}, w);
        assertNull(adam.state("w"), "no state is created by a refused step");
    }

    @Test
    void aDecoupledDecayFactorBeyondTheFloatRangeWritesNothing() {
        float[] w = {1f};
        Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(new float[] {1f}));
        Optimizer adamw = Optimizers.fromTorch("AdamW", List.of(p), Map.of("lr", 1e20, "weight_decay", 1e20));
        var e = assertThrows(IllegalArgumentException.class, adamw::step);
        assertEquals("Adam's coefficient 1 - lr * weight_decay is -1.0E40 at step 1, outside the float32 range;"
                + " lower lr or weight_decay", e.getMessage());
        assertArrayEquals(new float[] {1f}, w);
    }
}
