package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/** PyTorch's {@code zero_grad()} and {@code step(closure)}. */
class ClosureAndZeroGradTest {

    @Test
    void zeroGradZeroesEveryGradientInPlace() {
        FlatParameters flat = FlatParameters.builder("mlp").add("w", 2, 2).add("b", 2).build();
        float[] other = {3f, -4f};
        Parameter p = new Parameter("p", FloatTensor.of(new float[2]), FloatTensor.of(other));
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(flat.parameter()), Map.of("lr", 0.1));
        sgd.addParamGroup(List.of(p));
        flat.grad("w").fill(1f);
        flat.grad("b").fill(2f);
        sgd.zeroGrad();
        assertArrayEquals(new float[4], flat.grad("w").toArray());
        assertArrayEquals(new float[2], flat.grad("b").toArray());
        assertArrayEquals(new float[2], other, "the model's own gradient array is zeroed, not replaced");
    }

    @Test
    void stepWithAClosureComputesTheGradientFirstAndReturnsTheLoss() {
        float[] w = {2f};
        float[] g = {0f};
        Parameter p = new Parameter("w", FloatTensor.of(w), FloatTensor.of(g));
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(p), Map.of("lr", 0.25));
        // loss = w^2, gradient 2w: from w = 2 the step is 2 - 0.25 * 4 = 1
        double loss = sgd.step(() -> {
            g[0] = 2 * w[0];
            return w[0] * w[0];
        });
        assertEquals(4.0, loss);
        assertArrayEquals(new float[] {1f}, w);
    }

    @Test
    void rejectsANullClosure() {
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(Parameter.of("w", FloatTensor.zeros(1))), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> sgd.step(null));
        assertEquals("closure must not be null; call step() to use the gradients as they are", e.getMessage());
        assertEquals(null, sgd.state("w"));
    }
}
