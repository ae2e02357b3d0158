package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

/** Shared checks and fixtures of the Adam-family optimizer tests. */
final class AdamFamilyTests {

    private AdamFamilyTests() {
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

    /** {@code defaults} with PyTorch's keyword arguments applied; {@code betas} is a list of two numbers. */
    static Hyperparameters withKwargs(Hyperparameters defaults, Map<String, Object> kwargs) {
        Hyperparameters h = defaults;
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            if (e.getKey().equals("betas")) {
                List<?> betas = (List<?>) e.getValue();
                h = h.with("beta1", ((Number) betas.get(0)).doubleValue())
                        .with("beta2", ((Number) betas.get(1)).doubleValue());
            } else if (e.getValue() instanceof Boolean flag) {
                h = h.with(e.getKey(), flag);
            } else {
                h = h.with(e.getKey(), ((Number) e.getValue()).doubleValue());
            }
        }
        return h;
    }

    /**
     * Runs {@code steps} steps of the optimizer (on the kernels {@code OptimizerKernelsProvider} picks)
     * and of the float64 textbook rule from the same float32 start and gradients (magnitudes 1e-6 to
     * 1e3), and checks the parameters and every named state buffer after each step within float32
     * accuracy: {@code |got - want| <= 1e-4 |want| + 1e-6 max|want|}, the floor scaled to the array.
     */
    static void assertTracksTextbook(String torchName, Map<String, Object> kwargs, Hyperparameters defaults,
                                     BiFunction<List<Parameter>, Hyperparameters, Optimizer> factory,
                                     int n, int steps, List<String> stateNames) {
        Parameter p = parameter("w", n, torchName.hashCode());
        Optimizer optimizer = factory.apply(List.of(p), withKwargs(defaults, kwargs));
        TextbookOptimizer textbook = TextbookOptimizers.create(torchName, kwargs);
        double[] want = toDoubles(p.value().toArray());
        SplittableRandom random = new SplittableRandom(n * 31L + steps);
        for (int step = 1; step <= steps; step++) {
            randomGradient(p, random);
            textbook.step(want, toDoubles(p.grad().toArray()));
            optimizer.step();
            String where = torchName + " " + kwargs + " step " + step;
            assertClose(want, p.value().toArray(), where + " params");
            for (String name : stateNames) {
                assertClose(textbook.state(name), optimizer.state("w").buffer(name), where + " " + name);
            }
        }
    }

    private static void assertClose(double[] want, float[] got, String where) {
        assertEquals(want.length, got.length, where + " length");
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            double tolerance = 1e-4 * Math.abs(want[i]) + 1e-6 * scale;
            if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
                throw new AssertionError(where + " element " + i + ": want " + want[i] + ", got " + got[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
