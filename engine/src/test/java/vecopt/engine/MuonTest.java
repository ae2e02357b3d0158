package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import vecopt.engine.kernels.MuonCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

class MuonTest {

    @Test
    void defaultsArePyTorchs() {
        assertEquals(Map.of("lr", 1e-3, "weight_decay", 0.1, "momentum", 0.95, "nesterov", 1.0, "ns_a", 3.4445,
                "ns_b", -4.7750, "ns_c", 2.0315, "eps", 1e-7, "ns_steps", 5.0, "adjust_lr_fn", 0.0),
                Muon.defaults().asMap());
        assertEquals("original", Muon.ADJUST_LR_FN.choiceAt(Muon.defaults().get(Muon.ADJUST_LR_FN)));
    }

    @Test
    void fromTorchTakesTheCoefficientsAsATupleAndTheLrAdjustmentByName() {
        Parameter w = Parameter.of("w", FloatTensor.zeros(4, 3));
        Optimizer o = Optimizers.fromTorch("Muon", List.of(w), Map.of("ns_coefficients", List.of(3.0, -3.2, 1.2),
                "adjust_lr_fn", "match_rms_adamw", "ns_steps", 3, "use_addmm", true));
        Hyperparameters h = o.paramGroups().get(0).hyperparameters();
        assertEquals(List.of(3.0, -3.2, 1.2), List.of(h.get("ns_a"), h.get("ns_b"), h.get("ns_c")));
        assertEquals(1.0, h.get("adjust_lr_fn"));
        assertEquals(3.0, h.get("ns_steps"));
        Optimizer none = Optimizers.fromTorch("Muon", List.of(Parameter.of("v", FloatTensor.zeros(2, 2))),
                java.util.Collections.singletonMap("adjust_lr_fn", null));
        assertEquals(0.0, none.paramGroups().get(0).hyperparameters().get("adjust_lr_fn"), "None is original");
        assertEquals("original", Muon.defaults().with("adjust_lr_fn", "match_rms_adamw")
                .with("adjust_lr_fn", (String) null).choice("adjust_lr_fn"), "None is original in with(name, String) too");
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Muon",
                List.of(Parameter.of("v", FloatTensor.zeros(2, 2))), Map.of("adjust_lr_fn", "sqrt")));
        assertEquals("adjust_lr_fn must be one of 'original', 'match_rms_adamw', got 'sqrt'", e.getMessage());
        var triple = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Muon",
                List.of(Parameter.of("v", FloatTensor.zeros(2, 2))), Map.of("ns_coefficients", List.of(1.0, 2.0))));
        assertEquals("ns_coefficients must be a tuple of 3 numbers, got [1.0, 2.0]", triple.getMessage());
    }

    @Test
    void rejectsWhatPyTorchRejects() {
        assertRejected(Muon.defaults(), "lr", -1e-3, "lr must be >= 0, got -0.001");
        assertRejected(Muon.defaults(), "momentum", -0.5, "momentum must be >= 0, got -0.5");
        assertRejected(Muon.defaults(), "weight_decay", -0.1, "weight_decay must be >= 0, got -0.1");
        assertRejected(Muon.defaults(), "ns_steps", 100, "ns_steps must be a whole number in [0, 99], got 100");
        assertRejected(Muon.defaults(), "ns_steps", 2.5, "ns_steps must be a whole number in [0, 99], got 2.5");
        assertRejected(Muon.defaults(), "adjust_lr_fn", 2,
                "adjust_lr_fn must be one of 'original', 'match_rms_adamw', stored as 0 to 1, got 2");
    }

    /** As PyTorch's constructor: only matrices, and nothing is added when one parameter is not one. */
    @Test
    void refusesParametersThatAreNotMatricesNamingThemAndTheWayOut() {
        Parameter weight = Parameter.of("fc.weight", FloatTensor.zeros(4, 3));
        Parameter bias = Parameter.of("fc.bias", FloatTensor.zeros(4));
        var e = assertThrows(IllegalArgumentException.class, () -> new Muon(List.of(weight, bias), Muon.defaults()));
        assertEquals("Muon steps 2-D parameters only, as torch.optim.Muon: give vectors, scalars and other shapes to a"
                + " second optimizer such as AdamW; parameter fc.bias has shape [4]", e.getMessage());
        Muon muon = new Muon(List.of(weight), Muon.defaults());
        assertThrows(IllegalArgumentException.class, () -> muon.addParamGroup(List.of(
                Parameter.of("conv", FloatTensor.zeros(2, 3, 3)))));
        assertThrows(IllegalArgumentException.class, () -> muon.addParamGroup(List.of(
                Parameter.of("scale", FloatTensor.zeros()))));
        assertEquals(1, muon.paramGroups().size(), "nothing added");
        assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Muon", List.of(bias), Map.of()));
    }

    /**
     * The way PyTorch's documentation prescribes: Muon for the hidden layers' matrices, AdamW for the
     * rest, both stepped after each backward pass. Each parameter then moves exactly as under its own
     * optimizer alone.
     */
    @Test
    void muonStepsTheMatricesAndAdamwTheRestSideBySide() {
        List<Parameter> model = List.of(Parameter.of("fc1.weight", FloatTensor.randomNormal(1, 8, 4)),
                Parameter.of("fc1.bias", FloatTensor.randomNormal(2, 8)),
                Parameter.of("fc2.weight", FloatTensor.randomNormal(3, 3, 8)),
                Parameter.of("fc2.bias", FloatTensor.randomNormal(4, 3)));
        List<Parameter> matrices = model.stream().filter(p -> p.value().rank() == 2).toList();
        List<Parameter> others = model.stream().filter(p -> p.value().rank() != 2).toList();
        Muon muon = new Muon(matrices, Muon.defaults().with(Muon.LR, 0.02));
        AdamW adamw = new AdamW(others, AdamW.defaults().with("lr", 3e-4));

        List<Parameter> alone = model.stream().map(p -> Parameter.of(p.name(), p.value().copy())).toList();
        Muon muonAlone = new Muon(alone.subList(0, 1), Muon.defaults().with(Muon.LR, 0.02));
        muonAlone.addParamGroup(alone.subList(2, 3));
        AdamW adamwAlone = new AdamW(List.of(alone.get(1)), AdamW.defaults().with("lr", 3e-4));
        adamwAlone.addParamGroup(List.of(alone.get(3)));

        SplittableRandom random = new SplittableRandom(5);
        for (int step = 0; step < 4; step++) {
            RuleCases.randomGradients(model, random);
            RuleCases.copyGradients(model, alone);
            muon.step();
            adamw.step();
            muonAlone.step();
            adamwAlone.step();
        }
        for (int i = 0; i < model.size(); i++) {
            assertArrayEquals(alone.get(i).value().toArray(), model.get(i).value().toArray(), model.get(i).name());
        }
        assertEquals(4, muon.state("fc2.weight").step());
        assertEquals(4, adamw.state("fc1.bias").step());
    }

    @Test
    void theLrIsAdjustedToTheShapeAsPyTorchsAdjustLr() {
        Hyperparameters original = Muon.defaults();
        Hyperparameters moonshot = Muon.defaults().with(Muon.ADJUST_LR_FN, 1);
        assertEquals(Math.sqrt(3), MuonCoefficients.ratio(original, 6, 2), 1e-15, "tall: sqrt(rows / cols)");
        assertEquals(1, MuonCoefficients.ratio(original, 2, 6), "wide: 1");
        assertEquals(0.2 * Math.sqrt(6), MuonCoefficients.ratio(moonshot, 6, 2), 1e-15);
        assertEquals(0.2 * Math.sqrt(6), MuonCoefficients.ratio(moonshot, 2, 6), 1e-15);
        MuonCoefficients c = MuonCoefficients.forStep(original.with(Muon.LR, 0.5).with(Muon.WEIGHT_DECAY, 0.2), 1,
                StepContext.NONE, 8, 2);
        assertEquals((float) (-0.5 * 2), c.negAdjustedLr());
        assertEquals(0.9f, c.paramScale(), "the decay uses the unadjusted lr");
    }

    /**
     * The orthogonalized update of a random 64 x 32 gradient (momentum 0, one step from 0, lr 1: the
     * parameter is minus sqrt(2) times the update) has its singular values near 1: Keller Jordan's
     * iteration brings them into about [0.7, 1.2].
     */
    @Test
    void theUpdateIsNearlyOrthogonal() {
        int rows = 64;
        int cols = 32;
        Parameter w = new Parameter("w", FloatTensor.zeros(rows, cols), FloatTensor.randomNormal(9, rows, cols));
        Muon o = new Muon(List.of(w), Muon.defaults().with(Muon.LR, 1).with(Muon.WEIGHT_DECAY, 0)
                .with(Muon.MOMENTUM, 0));
        o.step();
        double[][] gram = new double[cols][cols]; // O^T O, its eigenvalues the squared singular values
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                for (int r = 0; r < rows; r++) {
                    gram[i][j] += (double) w.value().get(r, i) * w.value().get(r, j) / 2;
                }
            }
        }
        double largest = largestEigenvalue(gram);
        double[][] shifted = new double[cols][cols];
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                shifted[i][j] = (i == j ? largest : 0) - gram[i][j];
            }
        }
        double smallest = largest - largestEigenvalue(shifted);
        assertTrue(Math.sqrt(largest) <= 1.25 && Math.sqrt(smallest) >= 0.6, "singular values in ["
                + Math.sqrt(smallest) + ", " + Math.sqrt(largest) + "]");
    }

    /** Power iteration on a symmetric positive semi-definite matrix. */
    private static double largestEigenvalue(double[][] a) {
        int n = a.length;
        double[] v = new double[n];
        Arrays.fill(v, 1 / Math.sqrt(n));
        double lambda = 0;
        for (int it = 0; it < 2000; it++) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i] += a[i][j] * v[j];
                }
            }
            double norm = Math.sqrt(Arrays.stream(w).map(x -> x * x).sum());
            lambda = norm;
            for (int i = 0; i < n; i++) {
                v[i] = w[i] / norm;
            }
        }
        return lambda;
    }

    static Stream<Arguments> textbookCases() {
        Hyperparameters d = Muon.defaults().with(Muon.LR, 0.05);
        Hyperparameters plain = d.with(Muon.NESTEROV, false).with(Muon.MOMENTUM, 0.3).with(Muon.WEIGHT_DECAY, 0);
        Hyperparameters moonshot = d.with(Muon.ADJUST_LR_FN, 1).with(Muon.NS_STEPS, 3).with(Muon.NS_A, 3)
                .with(Muon.NS_B, -3.2).with(Muon.NS_C, 1.2);
        return Stream.of(
                Arguments.of(new int[] {16, 8}, d),
                Arguments.of(new int[] {8, 16}, d),
                Arguments.of(new int[] {12, 12}, plain),
                Arguments.of(new int[] {1, 33}, moonshot),
                Arguments.of(new int[] {33, 1}, d),
                Arguments.of(new int[] {37, 70}, moonshot),
                Arguments.of(new int[] {70, 5}, plain));
    }

    @ParameterizedTest
    @MethodSource("textbookCases")
    void tracksTheFloat64Textbook(int[] shape, Hyperparameters h) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("Muon", h, Muon::new, shape, 20, 41, "momentum_buffer");
    }

    /**
     * The momentum and the update are split across threads, the orthogonalization runs on the stepping
     * thread, and its products sum in one order on either kernel set: the same bits everywhere.
     */
    @Test
    void twoThreadsAndBothKernelSetsGiveTheSameBits() {
        RuleCases.Snapshot want = null;
        for (OptimizerKernels kernels : List.of(OptimizerKernelsProvider.scalar(), OptimizerKernelsProvider.get())) {
            for (int threads = 1; threads <= 2; threads++) {
                List<Parameter> ps = List.of(Parameter.of("tall", FloatTensor.randomNormal(7, 300, 40)),
                        Parameter.of("wide", FloatTensor.randomNormal(8, 24, 301)));
                Optimizer o = new Muon(ps, Muon.defaults().with(Muon.LR, 0.02)).withKernels(kernels);
                SplittableRandom random = new SplittableRandom(8);
                try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threads, 1)) {
                    o.setExecutor(executor);
                    for (int step = 0; step < 3; step++) {
                        RuleCases.randomGradients(ps, random);
                        o.step();
                    }
                }
                RuleCases.Snapshot got = RuleCases.Snapshot.of(o);
                if (want == null) {
                    want = got;
                } else {
                    want.assertSameAs(got, kernels.name() + " on " + threads + " threads");
                }
            }
        }
    }

    /** The working memory is shared by the parameters: each still steps as it would alone. */
    @Test
    void parametersOfDifferentShapesStepAsTheyWouldAlone() {
        List<Parameter> both = List.of(Parameter.of("a", FloatTensor.randomNormal(1, 3, 20)),
                Parameter.of("b", FloatTensor.randomNormal(2, 9, 4)));
        Muon together = new Muon(both, Muon.defaults());
        Parameter a = Parameter.of("a", FloatTensor.randomNormal(1, 3, 20));
        Parameter b = Parameter.of("b", FloatTensor.randomNormal(2, 9, 4));
        Muon aAlone = new Muon(List.of(a), Muon.defaults());
        Muon bAlone = new Muon(List.of(b), Muon.defaults());
        SplittableRandom random = new SplittableRandom(3);
        for (int step = 0; step < 3; step++) {
            RuleCases.randomGradients(both, random);
            RuleCases.copyGradients(both, List.of(a, b));
            together.step();
            aAlone.step();
            bAlone.step();
        }
        assertArrayEquals(a.value().toArray(), both.get(0).value().toArray());
        assertArrayEquals(b.value().toArray(), both.get(1).value().toArray());
    }

    @Test
    void emptyMatricesStep() {
        for (int[] shape : new int[][] {{0, 3}, {3, 0}, {0, 0}}) {
            Parameter w = Parameter.of("w", FloatTensor.zeros(shape));
            Muon o = new Muon(List.of(w), Muon.defaults());
            o.step();
            assertEquals(1, o.state("w").step(), Arrays.toString(shape));
        }
    }
}
