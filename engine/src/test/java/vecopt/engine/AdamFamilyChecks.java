package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import vecopt.tensor.FloatTensor;

/** Shared checks and fixtures of the Adam-family optimizer tests. */
final class AdamFamilyChecks {

    private AdamFamilyChecks() {
    }

    /** Setting {@code name} to {@code value} throws IllegalArgumentException with exactly {@code message}. */
    static void assertRejected(Hyperparameters h, String name, double value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.with(name, value));
        assertEquals(message, e.getMessage());
    }

    /**
     * A group of a new optimizer rejects {@code name = bad} with {@code message} and keeps its old value,
     * and a step afterwards still runs with the old value.
     */
    static void assertRejectedSetKeepsOldValue(Function<List<Parameter>, Optimizer> factory, String name,
                                               double bad, String message) {
        Parameter p = parameter("w", 8, 1);
        Optimizer optimizer = factory.apply(List.of(p));
        ParamGroup group = optimizer.paramGroups().get(0);
        Hyperparameters before = group.hyperparameters();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> group.set(name, bad));
        assertEquals(message, e.getMessage());
        assertEquals(before, group.hyperparameters());
        randomGradient(p, new SplittableRandom(2));
        optimizer.step();
        assertEquals(1, optimizer.state("w").step());
    }

    /** A parameter of N(0, 1) values with a zero gradient. */
    static Parameter parameter(String name, int n, long seed) {
        return Parameter.of(name, FloatTensor.randomNormal(seed, n));
    }

    /** Fills the gradient with magnitudes from 1e-6 to 1e3, random signs and some zeros. */
    static void randomGradient(Parameter p, SplittableRandom random) {
        for (int i = 0; i < p.size(); i++) {
            float g = 0f;
            if (random.nextInt(10) != 0) {
                double magnitude = Math.pow(10, random.nextDouble(-6, 3));
                g = (float) (random.nextBoolean() ? magnitude : -magnitude);
            }
            p.grad().setFlat(i, g);
        }
    }

    /**
     * A step split across 4 threads (chunks of at least 64 elements) gives the same bits in the
     * parameter and every state buffer as a step on the calling thread.
     */
    static void assertParallelStepIsBitIdentical(BiFunction<List<Parameter>, Hyperparameters, Optimizer> create,
                                                 Hyperparameters h) {
        int n = 4099;
        Parameter single = parameter("w", n, 12);
        Parameter parallel = parameter("w", n, 12);
        Optimizer one = create.apply(List.of(single), h);
        Optimizer many = create.apply(List.of(parallel), h);
        SplittableRandom random = new SplittableRandom(13);
        try (ChunkedExecutor executor = ChunkedExecutor.withThreads(4, 256)) {
            many.setExecutor(executor);
            for (int step = 0; step < 7; step++) {
                randomGradient(single, random);
                parallel.grad().copyFrom(single.grad());
                one.step();
                many.step();
            }
        }
        assertArrayEquals(single.value().toArray(), parallel.value().toArray());
        ParameterState want = one.state("w");
        ParameterState got = many.state("w");
        assertEquals(want.buffers().keySet(), got.buffers().keySet());
        for (String name : want.buffers().keySet()) {
            assertArrayEquals(want.buffer(name), got.buffer(name), name);
        }
        assertEquals(want.scalars(), got.scalars());
    }
}
