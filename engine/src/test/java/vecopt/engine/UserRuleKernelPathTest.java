package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

/**
 * {@link Optimizers#vectorBitSize()} and {@link Optimizers#vectorBitSize(Optimizer)}: what a rule written
 * outside the engine asks to run its vector kernel exactly when the built-in rules of its optimizer run
 * theirs, and its scalar kernel when they run the scalar ones (the scalar-fallback run, or a tool that
 * put the optimizer on the scalar kernels, as the PyTorch parity replay does).
 */
class UserRuleKernelPathTest {

    private static final String EXPECTED = System.getProperty("vecopt.test.expectedKernels");
    private static final String EXPECTED_BITS = System.getProperty("vecopt.test.expectedBitSize");

    /** A rule of a user's: plain SGD that records which kernel its plan chose, using only public API. */
    static final class Recording extends Optimizer {
        static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
                List.of(Hyperparameter.atLeast("lr", 0.5, 0)), h -> { });
        static final Rule RULE = Rule.builder("RecordingSgd", DEFAULTS, Recording::new).build();
        final List<String> paths = new ArrayList<>();

        Recording(List<Parameter> parameters, Hyperparameters h) {
            super(RULE, parameters, h);
        }

        @Override
        protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext c) {
            int bits = Optimizers.vectorBitSize(this);
            paths.add(bits == 0 ? "scalar" : "vector " + bits);
            float lr = (float) h.get("lr");
            return StepPlan.of((v, vOff, g, gOff, from, n) -> {
                for (int i = 0; i < n; i++) {
                    v[vOff + i] -= lr * g[gOff + i];
                }
            });
        }
    }

    private static Recording recording() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f, 2f}), FloatTensor.of(new float[] {1f, -1f}));
        return new Recording(List.of(w), Recording.DEFAULTS);
    }

    @Test
    void theJvmsWidthIsZeroOnTheScalarRunAndTheRequestedWidthOnPanama() {
        assumeTrue(EXPECTED != null, "not run from Maven: no expectation set");
        int bits = Optimizers.vectorBitSize();
        if (EXPECTED.equals("scalar")) {
            assertEquals(0, bits);
        } else if (EXPECTED_BITS != null) {
            assertEquals(Integer.parseInt(EXPECTED_BITS), bits);
        } else {
            assertTrue(bits == 128 || bits == 256, "the default width is 256 bits, or 128 on narrower CPUs; got " + bits);
        }
    }

    @Test
    void aUsersRuleTakesThePathOfItsOptimizer() {
        Recording onProvider = recording();
        onProvider.step();
        int bits = Optimizers.vectorBitSize();
        assertEquals(List.of(bits == 0 ? "scalar" : "vector " + bits), onProvider.paths);
        assertEquals(bits, Optimizers.vectorBitSize(onProvider));

        Recording onScalar = recording();
        onScalar.withKernels(OptimizerKernelsProvider.scalar()); // what the parity replay's scalar pass does
        onScalar.step();
        assertEquals(List.of("scalar"), onScalar.paths);
        assertEquals(0, Optimizers.vectorBitSize(onScalar));
        assertEquals(2.5f, onScalar.paramGroups().get(0).parameters().get(0).value().getFlat(1), "2 - 0.5 * -1");
    }

    /**
     * Every built-in rule's optimizer reports the width of the kernels it was given: the forced width
     * when {@code -Dvecopt.vectorBitSize} is set, 0 on the scalar run, and otherwise its rule's own
     * width (never narrower than the JVM's default, which is what a rule of one's own runs).
     */
    @Test
    void aBuiltInRuleReportsTheWidthOfTheKernelsItRuns() {
        assumeTrue(EXPECTED != null, "not run from Maven: no expectation set");
        for (Rule rule : Rules.all()) {
            Optimizer optimizer = rule.create(List.of(Parameter.of("w", FloatTensor.randomNormal(1, 2, 2))),
                    rule.defaults());
            int bits = Optimizers.vectorBitSize(optimizer);
            if (EXPECTED.equals("scalar")) {
                assertEquals(0, bits, rule.torchName());
            } else if (EXPECTED_BITS != null) {
                assertEquals(Integer.parseInt(EXPECTED_BITS), bits, rule.torchName());
            } else {
                assertEquals(OptimizerKernelsProvider.forRule(rule).vectorBitSize(), bits, rule.torchName());
                assertTrue(bits >= Optimizers.vectorBitSize(), rule.torchName() + " runs " + bits + " bits");
            }
        }
    }

    @Test
    void rejectsANullOptimizer() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.vectorBitSize(null));
        assertEquals("optimizer must not be null", e.getMessage());
    }
}
