package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BiFunction;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

/**
 * Runs an optimizer on the provider's kernels and the float64 textbook implementation of the same
 * rule side by side, from the same float32 parameters and gradients, and compares the parameters
 * and every state buffer after each step within float32 tolerance.
 */
final class TrajectoryAgainstTextbook {

    /** Relative tolerance: float32 rounding of a few operations per step, accumulated over the steps. */
    static final double RELATIVE = 1e-4;
    /** Absolute floor for parameters, which may pass through 0. */
    static final double PARAM_FLOOR = 1e-5;
    /** Absolute floor for state, as a fraction of the buffer's largest magnitude (signed buffers cancel). */
    static final double STATE_FLOOR = 1e-5;

    private TrajectoryAgainstTextbook() {
    }

    /**
     * PyTorch keyword arguments for {@code h}: flags as booleans, choices as their names, None as null,
     * numbers as doubles, beta1 and beta2 as betas.
     */
    static Map<String, Object> torchKwargs(Hyperparameters h) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (Hyperparameter d : h.definitions()) {
            double value = h.get(d);
            switch (d.name()) {
                case "beta1" -> kwargs.put(h.has("beta2") ? "betas" : "beta1",
                        h.has("beta2") ? List.of(value, h.get("beta2")) : (Object) value);
                case "beta2" -> { }
                default -> kwargs.put(d.name(), d.isFlag() ? (Object) (value != 0)
                        : d.isChoice() ? d.choiceAt(value)
                        : d.acceptsNone() && value == d.noneValue() ? null : (Object) value);
            }
        }
        return kwargs;
    }

    /** A gradient magnitude drawn log-uniformly from 1e-6 to 1e3, with a random sign; one in ten is 0. */
    static float gradient(SplittableRandom random) {
        if (random.nextInt(10) == 0) {
            return 0f;
        }
        double magnitude = Math.pow(10, random.nextDouble(-6, 3));
        return (float) (random.nextBoolean() ? magnitude : -magnitude);
    }

    /**
     * Steps {@code steps} times on an {@code n}-element parameter that is a view at an offset into a
     * larger array, and asserts that it and the buffers {@code stateNames} (and no others) follow the
     * textbook rule {@code torchName} configured from the same hyperparameters.
     */
    static void assertFollowsTextbook(String torchName, Hyperparameters h,
                                      BiFunction<List<Parameter>, Hyperparameters, Optimizer> create,
                                      int n, int steps, long seed, String... stateNames) {
        assertFollowsTextbook(torchName, h, create, new int[] {n}, steps, seed, stateNames);
    }

    /** As above, for a parameter of shape {@code shape} (matrices, stacks of matrices, scalars). */
    static void assertFollowsTextbook(String torchName, Hyperparameters h,
                                      BiFunction<List<Parameter>, Hyperparameters, Optimizer> create,
                                      int[] shape, int steps, long seed, String... stateNames) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int offset = 3;
        float[] model = new float[offset + n + 5];
        float[] grads = new float[model.length];
        double[] params = new double[n];
        for (int i = 0; i < n; i++) {
            model[offset + i] = (float) random.nextGaussian();
            params[i] = model[offset + i];
        }
        Parameter p = new Parameter("w", FloatTensor.view(model, offset, n).reshape(shape),
                FloatTensor.view(grads, offset, n).reshape(shape));
        Optimizer optimizer = create.apply(List.of(p), h);
        TextbookOptimizer reference = TextbookOptimizers.create(torchName, torchKwargs(h)).withShape(shape);
        double[] g = new double[n];
        for (int step = 1; step <= steps; step++) {
            for (int i = 0; i < n; i++) {
                float gi = gradient(random);
                grads[offset + i] = gi;
                g[i] = gi;
            }
            optimizer.step();
            reference.step(params, g);
            String where = torchName + " " + java.util.Arrays.toString(shape) + " " + h + " step " + step;
            assertClose(where + " parameter", params, model, offset, PARAM_FLOOR);
            ParameterState state = optimizer.state("w");
            assertEquals(new TreeSet<>(List.of(stateNames)), new TreeSet<>(state.buffers().keySet()),
                    where + ": state buffers");
            assertEquals(step, state.step(), where + ": step count");
            for (String name : stateNames) {
                double[] want = reference.state(name);
                assertClose(where + " state " + name, want, state.buffer(name), 0, STATE_FLOOR * maxAbs(want));
            }
        }
    }

    /** Asserts {@code |got - want| <= RELATIVE * |want| + floor} element-wise. */
    static void assertClose(String what, double[] want, float[] got, int offset, double floor) {
        for (int i = 0; i < want.length; i++) {
            double error = Math.abs(got[offset + i] - want[i]);
            if (!(error <= RELATIVE * Math.abs(want[i]) + floor)) {
                throw new AssertionError(what + ": element " + i + " is " + got[offset + i] + ", float64 reference "
                        + want[i] + " (error " + error + ")");
            }
        }
    }

    static double maxAbs(double[] values) {
        return Arrays.stream(values).map(Math::abs).max().orElse(0);
    }
}
