package vecopt.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * Several schedulers of one hyperparameter compose as PyTorch's chainable schedulers do, against
 * {@code torch_chaining.tsv} (from {@code generate_chaining.py} beside it, Debian's torch 1.13).
 */
class ChainingTest {

    private static Map<String, double[]> torch;

    @BeforeAll
    static void readTorchValues() throws IOException {
        torch = new HashMap<>();
        try (var in = new BufferedReader(new InputStreamReader(
                ChainingTest.class.getResourceAsStream("/schedules/torch_chaining.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    String[] parts = line.split("\t");
                    torch.put(parts[0], Arrays.stream(parts[1].split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
    }

    private static Optimizer sgd(double lr) {
        return new Sgd(List.of(new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", lr));
    }

    /** Attaches one scheduler per schedule, in order, and steps them one after the other (or chained). */
    private static void assertMatchesTorch(String series, double lr, boolean chained, Schedule... schedules) {
        double[] want = torch.get(series);
        Optimizer o = sgd(lr);
        HyperparameterScheduler[] schedulers = new HyperparameterScheduler[schedules.length];
        for (int i = 0; i < schedules.length; i++) {
            schedulers[i] = new HyperparameterScheduler(o, "lr", schedules[i]);
        }
        ChainedScheduler chain = new ChainedScheduler(schedulers);
        for (int t = 0; t < want.length; t++) {
            if (t > 0) {
                if (chained) {
                    chain.step();
                } else {
                    for (HyperparameterScheduler s : schedulers) {
                        s.step();
                    }
                }
            }
            assertEquals(want[t], o.paramGroups().get(0).lr(), 1e-13 * Math.abs(want[t]) + 1e-17, series + " at step " + t);
        }
    }

    @Test
    void stepDecayAndExponentialDecayMultiplyLikeTorchNotOverride() {
        Optimizer o = sgd(1.0);
        HyperparameterScheduler step = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        HyperparameterScheduler exponential = new HyperparameterScheduler(o, "lr", new ExponentialDecay(0.9));
        for (int t = 0; t < 2; t++) {
            step.step();
            exponential.step();
        }
        double[] want = torch.get("separate_step_1_0.5_exponential_0.9");
        assertEquals(0.2025, want[2], "torch 1.13's value");
        assertEquals(want[2], o.paramGroups().get(0).lr(), 1e-15, "0.5 * 0.9 twice, not the last scheduler's 0.81");
    }

    @Test
    void separateSchedulersFollowTorchForFiveSteps() {
        assertMatchesTorch("separate_step_1_0.5_exponential_0.9", 1.0, false, new StepDecay(1, 0.5),
                new ExponentialDecay(0.9));
    }

    @Test
    void aChainedSchedulerStepsItsMembersInOrderLikeTorchs() {
        assertMatchesTorch("chained_step_1_0.5_exponential_0.9", 1.0, true, new StepDecay(1, 0.5),
                new ExponentialDecay(0.9));
    }

    @Test
    void linearWarmupChainedWithExponentialDecay() {
        assertMatchesTorch("chained_linear_0.25_4_exponential_0.9", 0.1, true, new LinearFactor(0.25, 1.0, 4),
                new ExponentialDecay(0.9));
    }

    @Test
    void cosineChainedWithAMultiplicativeFactorPastItsRestart() {
        assertMatchesTorch("chained_cosine_10_0.001_multiplicative_0.95", 0.1, true, new CosineAnnealing(10, 0.001),
                new MultiplicativeFactor(t -> 0.95));
    }

    @Test
    void multiStepDecayWithPolynomialDecayDownToZero() {
        assertMatchesTorch("separate_multistep_2_4_0.5_polynomial_6_2", 0.1, false,
                new MultiStepDecay(new long[] {2, 4}, 0.5), new PolynomialDecay(6, 2));
    }

    @Test
    void aLambdaFactorSetsItsClosedFormOverWhatTheSchedulerBeforeItDid() {
        assertMatchesTorch("chained_step_2_0.5_lambda_1_over_1_plus_t", 0.1, true, new StepDecay(2, 0.5),
                new LambdaFactor(t -> 1.0 / (1.0 + t)));
    }

    @Test
    void lambdaFactorMatchesLambdaLR() {
        assertMatchesTorch("lambda_half_every_3", 0.1, false, new LambdaFactor(t -> Math.pow(0.5, t / 3)));
    }

    @Test
    void multiplicativeFactorMatchesMultiplicativeLR() {
        assertMatchesTorch("multiplicative_1_over_1_plus_0.1t", 0.1, false,
                new MultiplicativeFactor(t -> 1.0 / (1.0 + 0.1 * t)));
    }

    @Test
    void multiplicativeFactorsClosedFormIsTheProductOfItsFactors() {
        Schedule s = new MultiplicativeFactor(t -> 1.0 / (1.0 + 0.1 * t));
        double product = 0.1;
        for (int t = 1; t <= 10; t++) {
            product /= 1.0 + 0.1 * t;
        }
        assertEquals(product, s.valueAt(10, 0.1), 1e-17);
        assertEquals(torch.get("multiplicative_1_over_1_plus_0.1t")[10], s.valueAt(10, 0.1), 1e-16);
    }

    @Test
    void aValueChangedByReduceOnPlateauIsCarriedOnByAChainableScheduler() {
        Optimizer o = sgd(0.1);
        HyperparameterScheduler exponential = new HyperparameterScheduler(o, "lr", new ExponentialDecay(0.5));
        ReduceOnPlateau plateau = new ReduceOnPlateau(o, false, 0.1, 0, 0, false, 0, 0, 0);
        plateau.step(1.0);
        plateau.step(1.0); // no improvement, patience 0: lr * 0.1
        exponential.step();
        assertEquals(0.1 * 0.1 * 0.5, o.paramGroups().get(0).lr(), 1e-17);
    }

    @Test
    void aChainStepIsAllOrNothing() {
        Optimizer o = sgd(1.0);
        HyperparameterScheduler halve = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        HyperparameterScheduler refuseAtTwo = new HyperparameterScheduler(o, "lr",
                new LambdaFactor(t -> t >= 2 ? -1 : 1));
        ChainedScheduler chain = new ChainedScheduler(halve, refuseAtTwo);
        chain.step();
        assertEquals(1.0, o.paramGroups().get(0).lr()); // the lambda's closed form overrides the halving
        Map<String, Number> position = chain.checkpointState();
        var e = assertThrows(IllegalArgumentException.class, chain::step);
        assertEquals("HyperparameterScheduler(lr) step 2, group 0: lr must be >= 0, got -1", e.getMessage());
        assertEquals(1.0, o.paramGroups().get(0).lr(), "the first member's halving is undone");
        assertEquals(position, chain.checkpointState());
        assertEquals(1, halve.steps());
    }

    @Test
    void aChainHoldsEveryMembersPositionUnderItsIndex() {
        Optimizer o = sgd(1.0);
        ChainedScheduler chain = new ChainedScheduler(new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5)),
                new HyperparameterScheduler(o, "lr", new ExponentialDecay(0.9)));
        chain.step();
        assertEquals("ChainedScheduler[HyperparameterScheduler(lr), HyperparameterScheduler(lr)]", chain.checkpointName());
        assertEquals(List.of("0.t", "0.initial.0", "1.t", "1.initial.0"), List.copyOf(chain.checkpointState().keySet()));

        Optimizer resumedOptimizer = sgd(1.0);
        resumedOptimizer.paramGroups().get(0).set("lr", o.paramGroups().get(0).lr()); // the checkpoint's part
        ChainedScheduler resumed = new ChainedScheduler(
                new HyperparameterScheduler(resumedOptimizer, "lr", new StepDecay(1, 0.5)),
                new HyperparameterScheduler(resumedOptimizer, "lr", new ExponentialDecay(0.9)));
        resumedOptimizer.paramGroups().get(0).set("lr", o.paramGroups().get(0).lr());
        resumed.prepareRestore(chain.checkpointState()).run();
        chain.step();
        resumed.step();
        assertEquals(chain.checkpointState(), resumed.checkpointState());
        assertEquals(o.paramGroups().get(0).lr(), resumedOptimizer.paramGroups().get(0).lr());
    }

    @Test
    void aChainRefusesAPositionOfAnotherShapeAndKeepsItsOwn() {
        Optimizer o = sgd(1.0);
        ChainedScheduler chain = new ChainedScheduler(new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5)));
        Map<String, Number> good = chain.checkpointState();
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> chain.prepareRestore(Map.of("0.t", 1L, "0.initial.0", 1.0, "1.t", 1L)));
        assertEquals("the saved state has an entry 1.t of no scheduler of this chain; entries are <index>.<entry> with"
                + " index in [0, 1)", unknown.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> chain.prepareRestore(Map.of("0.t", -1L, "0.initial.0", 1.0)));
        assertEquals("scheduler 0 HyperparameterScheduler(lr): t must be >= 0, got -1", bad.getMessage());
        assertEquals(good, chain.checkpointState());
    }

    @Test
    void aChainRefusesBadMembersNamingThem() {
        Optimizer o = sgd(1.0);
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        HyperparameterScheduler other = new HyperparameterScheduler(sgd(1.0), "lr", new StepDecay(1, 0.5));
        Function<HyperparameterScheduler[], String> refusal = members -> assertThrows(IllegalArgumentException.class,
                () -> new ChainedScheduler(members)).getMessage();
        assertEquals("schedulers must not be empty; give at least one", refusal.apply(new HyperparameterScheduler[0]));
        assertEquals("schedulers must not be null", refusal.apply(null));
        assertEquals("schedulers[1] must not be null", refusal.apply(new HyperparameterScheduler[] {s, null}));
        assertEquals("schedulers[1] HyperparameterScheduler(lr) is schedulers[0] again",
                refusal.apply(new HyperparameterScheduler[] {s, s}));
        assertEquals("schedulers[1] HyperparameterScheduler(lr) drives another optimizer than schedulers[0]; a chain "
                + "drives one optimizer", refusal.apply(new HyperparameterScheduler[] {s, other}));
    }

    @Test
    void lambdaAndMultiplicativeFactorsRefuseNonFiniteFactorsNamingTheStep() {
        var lambda = assertThrows(IllegalArgumentException.class,
                () -> new LambdaFactor(t -> t == 3 ? Double.NaN : 1).valueAt(3, 1.0));
        assertEquals("factor(3) must be finite, got NaN", lambda.getMessage());
        var multiplicative = assertThrows(IllegalArgumentException.class,
                () -> new MultiplicativeFactor(t -> 1.0 / (t - 2)).nextValue(2, 1.0, 1.0));
        assertEquals("factor(2) must be finite, got Infinity", multiplicative.getMessage());
        var noFunction = assertThrows(IllegalArgumentException.class, () -> new MultiplicativeFactor(null));
        assertEquals("factor must not be null", noFunction.getMessage());
        var stepZero = assertThrows(IllegalArgumentException.class, () -> new ExponentialDecay(0.9).nextValue(0, 1, 1));
        assertEquals("t must be >= 1, got 0", stepZero.getMessage());
    }

    @Test
    void aFailedStepOfAMultiplicativeSchedulerLeavesTheValue() {
        Optimizer o = sgd(0.1);
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr",
                new MultiplicativeFactor(t -> t == 2 ? Double.POSITIVE_INFINITY : 0.5));
        s.step();
        var e = assertThrows(IllegalArgumentException.class, s::step);
        assertEquals("factor(2) must be finite, got Infinity", e.getMessage());
        assertEquals(0.05, o.paramGroups().get(0).lr());
        assertEquals(1, s.steps());
    }
}
