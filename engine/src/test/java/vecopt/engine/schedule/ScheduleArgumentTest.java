package vecopt.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.tensor.FloatTensor;

/**
 * Every public factory, constructor and method of the schedules and schedulers refuses a null or
 * odd argument with an {@link IllegalArgumentException} naming the argument and its value.
 */
class ScheduleArgumentTest {

    private static Optimizer sgd() {
        return new Sgd(List.of(new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
    }

    private static void assertRefused(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void plateauSchedulersRefuseANullOptimizerNamingIt() {
        assertRefused("optimizer must not be null", () -> ReduceOnPlateau.of(null));
        assertRefused("optimizer must not be null",
                () -> new ReduceOnPlateau(null, false, 0.1, 10, 1e-4, true, 0, 0, 1e-8));
    }

    @Test
    void plateauSchedulersNamePatienceAndCooldownApart() {
        Optimizer o = sgd();
        assertRefused("patience must be >= 0, got -1", () -> new ReduceOnPlateau(o, false, 0.1, -1, 1e-4, true, 0, 0, 0));
        assertRefused("cooldown must be >= 0, got -2", () -> new ReduceOnPlateau(o, false, 0.1, 1, 1e-4, true, -2, 0, 0));
        assertRefused("factor must be in [0, 1), got NaN",
                () -> new ReduceOnPlateau(o, false, Double.NaN, 1, 1e-4, true, 0, 0, 0));
    }

    @Test
    void hyperparameterSchedulersRefuseNullsNamingThem() {
        Optimizer o = sgd();
        Schedule s = new StepDecay(1, 0.5);
        assertRefused("optimizer must not be null", () -> new HyperparameterScheduler(null, "lr", s));
        assertRefused("name must not be null", () -> new HyperparameterScheduler(o, null, s));
        assertRefused("schedule must not be null", () -> new HyperparameterScheduler(o, "lr", null));
    }

    @Test
    void hyperparameterSchedulersRefuseUnknownNamesFlagsAndGroupsNamingThem() {
        Optimizer o = sgd();
        assertRefused("this optimizer has no hyperparameter betas; it has [lr, momentum, dampening, weight_decay, "
                + "nesterov, maximize]", () -> new HyperparameterScheduler(o, "betas", new StepDecay(1, 0.5)));
        assertRefused("name must be a numeric hyperparameter, got nesterov, a flag",
                () -> new HyperparameterScheduler(o, "nesterov", new StepDecay(1, 0.5)));
        HyperparameterScheduler s = new HyperparameterScheduler(o, "lr", new StepDecay(1, 0.5));
        assertRefused("g must be in [0, 1), got 1", () -> s.value(1));
        assertRefused("g must be in [0, 1), got -1", () -> s.value(-1));
    }

    @Test
    void sequentialSchedulesNameTheirNullPart() {
        Schedule s = new StepDecay(1, 0.5);
        assertRefused("first must not be null", () -> new SequentialSchedule(null, 3, s));
        assertRefused("second must not be null", () -> new SequentialSchedule(s, 3, null));
        assertRefused("next must not be null", () -> s.then(3, null));
        assertRefused("milestone must be > 0, got 0", () -> s.then(0, s));
    }

    @Test
    void multiStepDecayRefusesNullMilestones() {
        assertRefused("milestones must not be null", () -> new MultiStepDecay(null, 0.5));
    }

    @Test
    void schedulesRefuseANegativeStepNamingIt() {
        List<Schedule> schedules = List.of(new StepDecay(1, 0.5), new MultiStepDecay(new long[] {2}, 0.5),
                new ExponentialDecay(0.9), new InverseTimeDecay(0.1), new PolynomialDecay(10, 1),
                new CosineAnnealing(10, 0), new CosineWarmRestarts(3, 2, 0), new LinearFactor(0.5, 1, 4),
                new LinearRamp(0.5, 0.9, 4), new StepDecay(1, 0.5).then(2, new ExponentialDecay(0.9)),
                OneCycle.of(0.1, 10).learningRate(), OneCycle.of(0.1, 10).momentum());
        for (Schedule s : schedules) {
            assertRefused("t must be >= 0, got -1", () -> s.valueAt(-1, 0.1));
        }
    }

    @Test
    void warmRestartsAnswerFarStepsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(1.0, new CosineWarmRestarts(1, 1, 0).valueAt(Long.MAX_VALUE, 1.0));
            CosineWarmRestarts doubling = new CosineWarmRestarts(1, 2, 0);
            assertEquals(0.0, doubling.valueAt(Long.MAX_VALUE - 1, 1.0), 1e-15, "the last step of the cycle of 2^62");
            assertEquals(1.0, doubling.valueAt(Long.MAX_VALUE, 1.0), "the first step of the next cycle");
        });
    }

    @Test
    void oneCycleRefusesAWarmUpOfNoLength() {
        assertRefused("pctStart * totalSteps must not be 1 (a warm-up ending at step 0, where PyTorch's OneCycleLR"
                + " divides by zero), got pctStart 0.1 and totalSteps 10",
                () -> new OneCycle(0.1, 10, 0.1, true, 25, 1e4, 0.85, 0.95));
    }
}
