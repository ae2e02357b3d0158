package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/**
 * Before the first step of a large group, a rule's step is compiled on a scratch parameter: once per
 * JVM and kind of hyperparameters, never for small groups or closure rules, and without touching the
 * user's parameters or state.
 */
class KernelWarmUpTest {

    private static final boolean ENABLED = !"false".equals(System.getProperty("vecopt.warmUp", "true").trim());

    @Test
    void hyperparametersThatRunTheSameKernelsShareAKind() {
        Hyperparameters adam = Adam.defaults();
        assertEquals(KernelWarmUp.kind(Adam.RULE, adam), KernelWarmUp.kind(Adam.RULE, adam.with("lr", 0.5)));
        assertNotEquals(KernelWarmUp.kind(Adam.RULE, adam), KernelWarmUp.kind(Adam.RULE, adam.with("amsgrad", true)));
        assertNotEquals(KernelWarmUp.kind(Adam.RULE, adam), KernelWarmUp.kind(Adam.RULE, adam.with("weight_decay", 0.1)));
        Hyperparameters sgd = Sgd.defaults();
        assertNotEquals(KernelWarmUp.kind(Sgd.RULE, sgd.with("momentum", 0.9)), KernelWarmUp.kind(Sgd.RULE, sgd));
        assertNotEquals(KernelWarmUp.kind(Sgd.RULE, sgd), KernelWarmUp.kind(Adam.RULE, adam));
    }

    @Test
    void scratchSizesTakeTheKernelsScalarTailsAtEveryVectorWidth() {
        // every width has a multiple of 4 lanes (128 bits); a size that is no multiple of 4 leaves a tail
        for (int[] shape : new int[][] {KernelWarmUp.SMALL_SHAPE, KernelWarmUp.PROBE_SHAPE}) {
            assertNotEquals(0, shape[0] * shape[1] % 4, java.util.Arrays.toString(shape));
        }
    }

    @Test
    void aSmallGroupIsNotWarmed() {
        assertEquals(0, KernelWarmUp.ensureWarm(Adamax.RULE, Adamax.defaults().with("weight_decay", 0.75),
                KernelWarmUp.MIN_ELEMENTS - 1));
    }

    @Test
    void aRuleThatStepsOnlyWithAClosureIsNotWarmed() {
        assertEquals(0, KernelWarmUp.ensureWarm(LBFGS.RULE, LBFGS.defaults(), KernelWarmUp.MIN_ELEMENTS));
    }

    @Test
    void aLargeGroupIsWarmedOncePerKindAndWithinTheTimeLimit() {
        assumeTrue(ENABLED, "-Dvecopt.warmUp=false");
        Hyperparameters h = Adamax.defaults().with("weight_decay", 0.25).with("maximize", true);
        long first = KernelWarmUp.ensureWarm(Adamax.RULE, h, KernelWarmUp.MIN_ELEMENTS);
        assertTrue(first > 0, "the first large group of this kind was not warmed");
        assertTrue(first < KernelWarmUp.MAX_NANOS + 500_000_000L, "took " + first / 1e6 + " ms");
        assertEquals(0, KernelWarmUp.ensureWarm(Adamax.RULE, h.with("lr", 0.01), KernelWarmUp.MIN_ELEMENTS));
    }

    @Test
    void warmingUpLeavesTheUsersParameterAndStateAlone() {
        int n = (int) KernelWarmUp.MIN_ELEMENTS;
        float[] value = new float[n];
        float[] grad = new float[n];
        for (int i = 0; i < n; i++) {
            value[i] = i % 13;
            grad[i] = (i % 5) - 2;
        }
        float[] valueBefore = value.clone();
        float[] gradBefore = grad.clone();
        Parameter p = new Parameter("w", FloatTensor.of(value), FloatTensor.of(grad));
        Optimizer rmsprop = new RMSprop(List.of(p), RMSprop.defaults().with("centered", true).with("momentum", 0.5));
        assertArrayEquals(valueBefore, value);
        assertArrayEquals(gradBefore, grad);
        assertNull(rmsprop.state("w"));
    }
}
