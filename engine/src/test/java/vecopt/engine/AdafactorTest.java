package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vecopt.engine.AdamFamilyChecks.assertRejected;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

class AdafactorTest {

    @Test
    void defaultsArePyTorchsAndNoFirstMoment() {
        assertEquals(Map.of("lr", 1e-2, "beta2_decay", -0.8, "eps1", (double) Math.ulp(1f), "eps2", 1e-3, "d", 1.0,
                "weight_decay", 0.0, "beta1", 0.0, "maximize", 0.0), Adafactor.defaults().asMap());
        assertEquals(1.1920928955078125e-07, Adafactor.defaults().get(Adafactor.EPS1), "torch.finfo(torch.float32).eps");
    }

    @Test
    void fromTorchTakesEpsAsAPairWhoseNoneIsTheDefault() {
        Parameter w = Parameter.of("w", FloatTensor.zeros(2, 3));
        Optimizer o = Optimizers.fromTorch("Adafactor", List.of(w), Map.of("eps", Arrays.asList(null, 1e-4),
                "beta2_decay", -0.5, "foreach", false));
        Hyperparameters h = o.paramGroups().get(0).hyperparameters();
        assertEquals(Math.ulp(1f), h.get("eps1"));
        assertEquals(1e-4, h.get("eps2"));
        assertEquals(-0.5, h.get("beta2_decay"));
        Optimizer both = Optimizers.fromTorch("Adafactor", List.of(Parameter.of("v", FloatTensor.zeros(2))),
                Map.of("eps", List.of(1e-30, 1e-2)));
        assertEquals(1e-30, both.paramGroups().get(0).hyperparameters().get("eps1"));
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Adafactor",
                List.of(Parameter.of("v", FloatTensor.zeros(2))), Map.of("eps", List.of(1e-3))));
        assertEquals("eps must be a pair of numbers, got [0.001]", e.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Adafactor",
                List.of(Parameter.of("v", FloatTensor.zeros(2))), Map.of("eps", Arrays.asList(1e-30, null))));
        assertEquals("eps must be a pair of numbers, got [1.0E-30, null]", none.getMessage(), "eps2 has no None");
    }

    @Test
    void rejectsWhatPyTorchRejects() {
        assertRejected(Adafactor.defaults(), "beta2_decay", 0.1, "beta2_decay must be <= 0, got 0.1");
        assertRejected(Adafactor.defaults(), "d", 0.5, "d must be >= 1, got 0.5");
        assertRejected(Adafactor.defaults(), "eps1", -1e-3, "eps1 must be >= 0, got -0.001");
        assertRejected(Adafactor.defaults(), "eps2", -1, "eps2 must be >= 0, got -1");
        assertRejected(Adafactor.defaults(), "lr", -0.01, "lr must be >= 0, got -0.01");
        assertRejected(Adafactor.defaults(), "weight_decay", -1, "weight_decay must be >= 0, got -1");
        assertRejected(Adafactor.defaults(), "beta1", 1, "beta1 must be in [0, 1), got 1");
    }

    /**
     * A matrix keeps a row factor [m, 1] and a column factor [1, n]; a stack of matrices one of each per
     * matrix; a vector or a scalar a full variance; exp_avg only with beta1.
     */
    @Test
    void keepsFactorsForMatricesAndAVarianceForVectors() {
        Parameter matrix = Parameter.of("m", FloatTensor.randomNormal(1, 5, 7));
        Parameter stack = Parameter.of("s", FloatTensor.randomNormal(2, 3, 4, 6));
        Parameter vector = Parameter.of("v", FloatTensor.randomNormal(3, 9));
        Parameter scalar = Parameter.of("c", FloatTensor.randomNormal(4));
        Adafactor o = new Adafactor(List.of(matrix, stack, vector, scalar), Adafactor.defaults());
        o.step();
        assertEquals(List.of("row_var", "col_var"), List.copyOf(o.state("m").buffers().keySet()));
        assertEquals(5, o.state("m").buffer("row_var").length);
        assertEquals(7, o.state("m").buffer("col_var").length);
        assertEquals(3 * 4, o.state("s").buffer("row_var").length);
        assertEquals(3 * 6, o.state("s").buffer("col_var").length);
        assertEquals(List.of("variance"), List.copyOf(o.state("v").buffers().keySet()));
        assertEquals(List.of("variance"), List.copyOf(o.state("c").buffers().keySet()));
        assertArrayEquals(new int[] {3, 4, 1}, Adafactor.RULE.buffer("row_var").shapeFor(new int[] {3, 4, 6}));
        assertArrayEquals(new int[] {3, 1, 6}, Adafactor.RULE.buffer("col_var").shapeFor(new int[] {3, 4, 6}));
        assertNull(Adafactor.RULE.buffer("variance").shapeFor(new int[] {5, 7}));
        assertNull(Adafactor.RULE.buffer("row_var").shapeFor(new int[] {9}));
        Adafactor momentum = new Adafactor(List.of(Parameter.of("m", FloatTensor.randomNormal(1, 5, 7))),
                Adafactor.defaults().with(Adafactor.BETA1, 0.9));
        momentum.step();
        assertEquals(List.of("row_var", "col_var", "exp_avg"), List.copyOf(momentum.state("m").buffers().keySet()));
    }

    /**
     * The state of a 4096 x 4096 matrix is 4096 + 4096 floats, 32 KiB; Adam keeps two moments of the
     * matrix's own size, 128 MiB: 4096 times as much.
     */
    @Test
    void theStateOfA4096By4096MatrixIs32KibWhereAdamsIs128Mib() {
        int[] shape = {4096, 4096};
        Adafactor o = new Adafactor(List.of(Parameter.of("w", FloatTensor.zeros(shape))), Adafactor.defaults());
        o.allocateState();
        long bytes = o.state("w").buffers().values().stream().mapToLong(b -> (long) Float.BYTES * b.length).sum();
        assertEquals(32 * 1024, bytes);
        long adam = Adam.RULE.buffers(Adam.defaults(), shape).stream()
                .mapToLong(b -> (long) Float.BYTES * b.length(shape)).sum();
        assertEquals(128L << 20, adam);
        assertEquals(4096, adam / bytes);
    }

    /**
     * g = 2 everywhere on a 2 x 2 matrix of 2s: both means are 4, so R = C = (4, 4) on the first step
     * (weight 1), V = 4 * 4 / 4 = 4 and U = 1 everywhere (RMS 1, not clipped); alpha = RMS(p) * min(lr, 1)
     * = 2 * 0.01, so p = 2 - 0.02.
     */
    @Test
    void oneStepOfAMatrixByHand() {
        Parameter w = new Parameter("w", FloatTensor.filled(2f, 2, 2), FloatTensor.filled(2f, 2, 2));
        Adafactor o = new Adafactor(List.of(w), Adafactor.defaults());
        o.step();
        assertArrayEquals(new float[] {4f, 4f}, o.state("w").buffer("row_var"));
        assertArrayEquals(new float[] {4f, 4f}, o.state("w").buffer("col_var"));
        assertArrayEquals(new float[] {1.98f, 1.98f, 1.98f, 1.98f}, w.value().toArray());
    }

    /**
     * p = (3, 4), g = (3, -3): V = g^2 = 9, U = (1, -1), RMS(U) = 1; RMS(p) = sqrt(12.5), so each
     * element moves by 0.01 sqrt(12.5) against its gradient.
     */
    @Test
    void oneStepOfAVectorByHand() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {3f, 4f}), FloatTensor.of(new float[] {3f, -3f}));
        Adafactor o = new Adafactor(List.of(w), Adafactor.defaults());
        o.step();
        float delta = (float) (0.01 * Math.sqrt(12.5));
        assertArrayEquals(new float[] {9f, 9f}, o.state("w").buffer("variance"));
        assertArrayEquals(new float[] {3f - delta, 4f + delta}, w.value().toArray(), 1e-7f);
    }

    /**
     * A gradient ten times larger on the second step: V = 9 + 2^-0.8 (900 - 9) lags behind 900, so
     * RMS(U) = 30 / sqrt(V) is above 1; with d = 1 the update is scaled back to RMS 1, with d = 2 it is not.
     */
    @Test
    void anUpdateWhoseRmsExceedsDIsScaledBackToD() {
        for (double d : new double[] {1, 2}) {
            Parameter w = new Parameter("w", FloatTensor.of(new float[] {3f, 4f}), FloatTensor.of(new float[] {3f, -3f}));
            Adafactor o = new Adafactor(List.of(w), Adafactor.defaults().with(Adafactor.D, d));
            o.step();
            double[] p1 = {w.value().getFlat(0), w.value().getFlat(1)};
            w.grad().setFlat(0, 30f);
            w.grad().setFlat(1, -30f);
            o.step();
            double v = 9 + Math.pow(2, -0.8) * (900 - 9);
            double u = 30 / Math.sqrt(v);
            double clipped = u / Math.max(1, u / d);
            double alpha = 0.01 * Math.sqrt((p1[0] * p1[0] + p1[1] * p1[1]) / 2);
            assertEquals(d == 1 ? 1 : u, clipped, 1e-12);
            assertArrayEquals(new float[] {(float) (p1[0] - alpha * clipped), (float) (p1[1] + alpha * clipped)},
                    w.value().toArray(), 1e-6f, "d = " + d);
        }
    }

    /** eps1 floors the estimate under the root: g = (3, 0) with eps1 1.5 gives U = (3 / 3, 0 / 1.5). */
    @Test
    void eps1FloorsTheEstimate() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {3f, 4f}), FloatTensor.of(new float[] {3f, 0f}));
        Adafactor o = new Adafactor(List.of(w), Adafactor.defaults().with(Adafactor.EPS1, 1.5));
        o.step();
        float delta = (float) (0.01 * Math.sqrt(12.5));
        assertArrayEquals(new float[] {3f - delta, 4f}, w.value().toArray(), 1e-7f);
    }

    /** The first moment averages the scaled step: m = (1 - beta1) * step * U on the first step. */
    @Test
    void theFirstMomentAveragesTheScaledStep() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {3f, 4f}), FloatTensor.of(new float[] {3f, -3f}));
        Adafactor o = new Adafactor(List.of(w), Adafactor.defaults().with(Adafactor.BETA1, 0.75));
        o.step();
        float delta = (float) (0.25 * 0.01 * Math.sqrt(12.5));
        assertArrayEquals(new float[] {delta, -delta}, o.state("w").buffer("exp_avg"), 1e-8f);
        assertArrayEquals(new float[] {3f - delta, 4f + delta}, w.value().toArray(), 1e-7f);
    }

    static Stream<Arguments> textbookCases() {
        Hyperparameters d = Adafactor.defaults();
        Hyperparameters decayed = d.with(Adafactor.LR, 0.05).with(Adafactor.WEIGHT_DECAY, 0.1)
                .with(Adafactor.MAXIMIZE, true);
        Hyperparameters momentum = d.with(Adafactor.BETA1, 0.9).with(Adafactor.BETA2_DECAY, -0.5)
                .with(Adafactor.D, 2).with(Adafactor.EPS2, 1e-2);
        Hyperparameters tightEps = d.with(Adafactor.EPS1, 1e-3).with(Adafactor.EPS2, 0);
        return Stream.of(
                Arguments.of(new int[] {37, 70}, d),
                Arguments.of(new int[] {64, 33}, decayed),
                Arguments.of(new int[] {3, 5, 7}, momentum),
                Arguments.of(new int[] {2, 3, 4, 5}, d),
                Arguments.of(new int[] {1, 1}, tightEps),
                Arguments.of(new int[] {130}, d),
                Arguments.of(new int[] {257}, momentum),
                Arguments.of(new int[] {}, decayed),
                Arguments.of(new int[] {4099}, tightEps));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(int[] shape, Hyperparameters h) {
        String[] state = shape.length >= 2 ? new String[] {"row_var", "col_var"} : new String[] {"variance"};
        if (h.get(Adafactor.BETA1) > 0) {
            state = Stream.concat(Arrays.stream(state), Stream.of("exp_avg")).toArray(String[]::new);
        }
        TrajectoryAgainstTextbook.assertFollowsTextbook("Adafactor", h, Adafactor::new, shape, 25, 31, state);
    }

    @Test
    void aMatrixIsCutIntoAtMostSixteenBlocksOfAtLeast64KiElements() {
        Adafactor.Blocks big = Adafactor.Blocks.of(new int[] {4096, 4096});
        assertEquals(256, big.blockRows());
        assertEquals(16, big.segments());
        Adafactor.Blocks mid = Adafactor.Blocks.of(new int[] {600, 300});
        assertEquals(219, mid.blockRows(), "ceil(65536 / 300) rows");
        assertEquals(3, mid.segments());
        Adafactor.Blocks small = Adafactor.Blocks.of(new int[] {64, 64});
        assertEquals(1, small.segments());
        Adafactor.Blocks stack = Adafactor.Blocks.of(new int[] {20, 64, 128});
        assertEquals(8 * 64, stack.blockRows(), "whole matrices, 8 of 8192 elements per block");
        assertEquals(20, stack.segments(), "one segment per matrix");
    }

    static Stream<Arguments> splitShapes() {
        return Stream.of(
                Arguments.of(new int[] {600, 300}, Adafactor.defaults()),
                Arguments.of(new int[] {20, 64, 128}, Adafactor.defaults().with(Adafactor.BETA1, 0.9)),
                Arguments.of(new int[] {300_001}, Adafactor.defaults().with(Adafactor.WEIGHT_DECAY, 0.1)),
                Arguments.of(new int[] {1201, 257}, Adafactor.defaults().with(Adafactor.MAXIMIZE, true)));
    }

    /**
     * The blocks of rows (and of a vector's 4096 elements) are what threads get; their sums are added
     * in block order, so two threads give the bits of one, on either kernel path.
     */
    @ParameterizedTest
    @MethodSource("splitShapes")
    void twoThreadsGiveTheBitsOfOneOnBothKernelPaths(int[] shape, Hyperparameters h) {
        RuleCases.Snapshot want = null;
        for (OptimizerKernels kernels : List.of(OptimizerKernelsProvider.scalar(), OptimizerKernelsProvider.get())) {
            for (int threads = 1; threads <= 2; threads++) {
                Parameter w = Parameter.of("w", FloatTensor.randomNormal(7, shape));
                Optimizer o = new Adafactor(List.of(w), h).withKernels(kernels);
                SplittableRandom random = new SplittableRandom(8);
                try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threads, 1)) {
                    o.setExecutor(executor);
                    for (int step = 0; step < 3; step++) {
                        RuleCases.randomGradients(List.of(w), random);
                        o.step();
                    }
                }
                RuleCases.Snapshot got = RuleCases.Snapshot.of(o);
                if (want == null) {
                    want = got;
                } else {
                    want.assertSameAs(got, kernels.name() + " on " + threads + " threads, shape " + Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void emptyMatricesAndVectorsStepWithoutWritingAnything() {
        for (int[] shape : new int[][] {{0}, {0, 4}, {4, 0}, {2, 0, 3}}) {
            Parameter w = Parameter.of("w", FloatTensor.zeros(shape));
            Adafactor o = new Adafactor(List.of(w), Adafactor.defaults());
            o.step();
            assertEquals(1, o.state("w").step(), Arrays.toString(shape));
        }
    }

    @Test
    void refusesAnOverflowingEps1SquaredAndChangesNothing() {
        Parameter w = new Parameter("w", FloatTensor.of(new float[] {1f}), FloatTensor.of(new float[] {2f}));
        Adafactor o = new Adafactor(List.of(w), Adafactor.defaults().with(Adafactor.EPS1, 1e20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::step);
        assertTrue(e.getMessage().contains("eps1 * eps1"), e.getMessage());
        assertArrayEquals(new float[] {1f}, w.value().toArray());
        assertNull(o.state("w"));
    }
}
