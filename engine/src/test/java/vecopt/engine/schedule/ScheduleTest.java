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
import vecopt.engine.Adam;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * Each schedule against PyTorch's lr_scheduler ({@code torch_schedules.tsv}, from
 * {@code generate_schedules.py} beside it) and against its closed form.
 */
class ScheduleTest {

    private static Map<String, double[]> torch;

    @BeforeAll
    static void readTorchValues() throws IOException {
        torch = new HashMap<>();
        try (var in = new BufferedReader(new InputStreamReader(
                ScheduleTest.class.getResourceAsStream("/schedules/torch_schedules.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t");
                torch.put(parts[0], Arrays.stream(parts[1].split(" ")).mapToDouble(Double::parseDouble).toArray());
            }
        }
    }

    private static Optimizer sgd() {
        Parameter p = new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1));
        return new Sgd(List.of(p), Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
    }

    private static Optimizer adam() {
        Parameter p = new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1));
        return new Adam(List.of(p), Adam.defaults().with("lr", 0.001));
    }

    /** Attaches {@code schedule} to {@code name} and compares every step's value with torch's series. */
    private static void assertMatchesTorch(String series, Optimizer optimizer, String name, Schedule schedule) {
        double[] want = torch.get(series);
        HyperparameterScheduler scheduler = new HyperparameterScheduler(optimizer, name, schedule);
        for (int t = 0; t < want.length; t++) {
            if (t > 0) {
                scheduler.step();
            }
            assertEquals(want[t], scheduler.value(0), 1e-12 * Math.abs(want[t]) + 1e-15, series + " at step " + t);
        }
    }

    @Test
    void stepDecayHalvesEverySevenEpochsLikeStepLR() {
        assertMatchesTorch("step_7_0.5", sgd(), "lr", new StepDecay(7, 0.5));
    }

    @Test
    void multiStepDecayMatchesMultiStepLRCountingRepeatedMilestones() {
        assertMatchesTorch("multistep_5_12_12_20_0.3", sgd(), "lr", new MultiStepDecay(new long[] {5, 12, 12, 20}, 0.3));
    }

    @Test
    void exponentialDecayMatchesExponentialLR() {
        assertMatchesTorch("exponential_0.9", sgd(), "lr", new ExponentialDecay(0.9));
    }

    @Test
    void inverseTimeDecayMatchesTheLambdaLRWithOneOverOnePlusKt() {
        assertMatchesTorch("inverse_time_0.1", sgd(), "lr", new InverseTimeDecay(0.1));
    }

    @Test
    void polynomialDecayMatchesPolynomialLR() {
        assertMatchesTorch("polynomial_10_2", sgd(), "lr", new PolynomialDecay(10, 2));
    }

    @Test
    void cosineAnnealingMatchesCosineAnnealingLRPastItsPeriod() {
        assertMatchesTorch("cosine_10_0.001", sgd(), "lr", new CosineAnnealing(10, 0.001));
    }

    @Test
    void warmRestartsMatchCosineAnnealingWarmRestarts() {
        assertMatchesTorch("warm_restarts_5_2_0.0001", sgd(), "lr", new CosineWarmRestarts(5, 2, 1e-4));
    }

    @Test
    void linearFactorMatchesLinearLR() {
        assertMatchesTorch("linear_0.25_1_8", sgd(), "lr", new LinearFactor(0.25, 1.0, 8));
    }

    @Test
    void warmupThenCosineMatchesSequentialLR() {
        assertMatchesTorch("warmup_5_then_cosine_20", sgd(), "lr",
                LinearFactor.warmup(0.1, 5).then(5, new CosineAnnealing(20, 0)));
    }

    @Test
    void oneCycleMatchesOneCycleLRForLearningRateAndMomentum() {
        OneCycle cycle = OneCycle.of(0.1, 50);
        assertMatchesTorch("one_cycle_0.1_50_lr", sgd(), "lr", cycle.learningRate());
        assertMatchesTorch("one_cycle_0.1_50_momentum", sgd(), "momentum", cycle.momentum());
    }

    @Test
    void linearOneCycleDrivesAdamsBeta1LikeOneCycleLR() {
        OneCycle cycle = new OneCycle(0.01, 40, 0.25, false, 25, 1e4, 0.85, 0.95);
        assertMatchesTorch("one_cycle_linear_0.01_40_adam_lr", adam(), "lr", cycle.learningRate());
        assertMatchesTorch("one_cycle_linear_0.01_40_adam_beta1", adam(), "beta1", cycle.momentum());
    }

    @Test
    void reduceOnPlateauMatchesReduceLROnPlateauWithCooldown() {
        Optimizer o = sgd();
        ReduceOnPlateau plateau = new ReduceOnPlateau(o, false, 0.5, 2, 0.01, true, 1, 0, 1e-8);
        replay(plateau, o, "plateau_min_0.5_2_0.01_cooldown1",
                1.0, 0.9, 0.95, 0.899, 0.9, 0.91, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.4, 0.41, 0.42, 0.43, 0.44);
    }

    @Test
    void reduceOnPlateauMatchesMaximizingAbsoluteModeWithFloor() {
        Optimizer o = sgd();
        ReduceOnPlateau plateau = new ReduceOnPlateau(o, true, 0.1, 1, 0.05, false, 0, 0.0005, 1e-8);
        replay(plateau, o, "plateau_max_abs_0.1_1_0.05", 0.1, 0.2, 0.22, 0.24, 0.3, 0.3, 0.31, 0.5, 0.5, 0.5, 0.5);
    }

    private static void replay(ReduceOnPlateau plateau, Optimizer o, String series, double... metrics) {
        double[] want = torch.get(series);
        assertEquals(want.length, metrics.length + 1);
        assertEquals(want[0], o.paramGroups().get(0).lr(), 1e-15);
        for (int t = 0; t < metrics.length; t++) {
            plateau.step(metrics[t]);
            assertEquals(want[t + 1], o.paramGroups().get(0).lr(), 1e-12 * want[t + 1], series + " after metric " + t);
        }
    }

    @Test
    void momentumAnnealsLinearlyFromHalfToPointNineThenHolds() {
        Optimizer o = sgd();
        HyperparameterScheduler s = new HyperparameterScheduler(o, "momentum", new LinearRamp(0.5, 0.9, 4));
        double[] closedForm = {0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9};
        for (int t = 0; t < closedForm.length; t++) {
            if (t > 0) {
                s.step();
            }
            assertEquals(closedForm[t], s.value(0), 1e-15, "step " + t);
        }
    }

    @Test
    void closedFormsHoldAtSamplePoints() {
        Function<Schedule, Double> at10 = sch -> sch.valueAt(10, 2.0);
        assertEquals(2.0 * 0.25, at10.apply(new StepDecay(5, 0.5)), 1e-15);
        assertEquals(2.0 * Math.pow(0.9, 10), at10.apply(new ExponentialDecay(0.9)), 1e-15);
        assertEquals(2.0 / 3.0, at10.apply(new InverseTimeDecay(0.2)), 1e-15);
        assertEquals(2.0 * 0.25, at10.apply(new PolynomialDecay(20, 2)), 1e-15);
        assertEquals(1.0, at10.apply(new CosineAnnealing(20, 0)), 1e-15);
        assertEquals(0.0, at10.apply(new CosineAnnealing(10, 0)), 1e-15);
    }

    @Test
    void scheduleValuesAreValidatedBeforeAnyGroupChanges() {
        Optimizer o = sgd();
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", (t, initial) -> t == 0 ? initial : -1);
        var e = assertThrows(IllegalArgumentException.class, s::step);
        assertEquals("HyperparameterScheduler(lr) step 1, group 0: lr must be >= 0, got -1", e.getMessage());
        assertEquals(0.1, o.paramGroups().get(0).lr());
    }

    @Test
    void rejectsNonPositiveStepSize() {
        var e = assertThrows(IllegalArgumentException.class, () -> new StepDecay(0, 0.5));
        assertEquals("stepSize must be > 0, got 0", e.getMessage());
    }

    @Test
    void oneCycleRefusesToStepPastItsLength() {
        Schedule lr = OneCycle.of(0.1, 10).learningRate();
        lr.valueAt(10, 0);
        assertThrows(IllegalStateException.class, () -> lr.valueAt(11, 0));
    }
}
