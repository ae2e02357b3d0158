package vecopt.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.checkpoint.CheckpointException;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.schedule.SWALR.AnnealStrategy;
import vecopt.tensor.FloatTensor;

/**
 * SWALR against the closed form of its annealing (Izmailov et al.'s schedule as PyTorch documents it:
 * {@code lr_t = swa_lr * alpha_t + lr_0 * (1 - alpha_t)}), its edge cases, its refusals and its
 * checkpoints. The bits of PyTorch's own recursion are checked against torch 1.13 in the bench's
 * {@code AveragingGoldenTest}.
 */
class SWALRTest {

    /** SGD with momentum, two groups: lr 0.1 and 0.04. */
    private static Optimizer sgd() {
        Optimizer o = new Sgd(List.of(new Parameter("w", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
        o.addParamGroup(List.of(new Parameter("b", FloatTensor.zeros(1), FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", 0.04).with("momentum", 0.9));
        return o;
    }

    private static double[] lrs(Optimizer o) {
        return o.paramGroups().stream().mapToDouble(g -> g.lr()).toArray();
    }

    /** The annealing weight of step {@code s}, from the strategies' definitions. */
    private static double alpha(AnnealStrategy strategy, long s, long anneal) {
        double x = Math.min(1.0, (double) s / anneal);
        return strategy == AnnealStrategy.COS ? (1 - Math.cos(Math.PI * x)) / 2 : x;
    }

    @ParameterizedTest
    @EnumSource(AnnealStrategy.class)
    void annealsEachGroupToItsSwaLrAsTheClosedForm(AnnealStrategy strategy) {
        Optimizer o = sgd();
        double[] swaLrs = {0.02, 0.05};
        double[] initial = lrs(o);
        SWALR s = new SWALR(o, swaLrs, 8, strategy);
        assertArrayEquals(initial, lrs(o), "step 0 keeps the rates");
        for (int step = 1; step <= 12; step++) {
            s.step();
            for (int g = 0; g < 2; g++) {
                double a = alpha(strategy, step, 8);
                double want = swaLrs[g] * a + initial[g] * (1 - a);
                assertEquals(want, lrs(o)[g], 1e-15, strategy + " step " + step + " group " + g);
            }
        }
        assertEquals(12, s.steps());
        assertArrayEquals(swaLrs, lrs(o), "annealed: exactly swa_lr");
    }

    @Test
    void defaultsArePyTorchsCosineOverTenSteps() {
        Optimizer o = sgd();
        SWALR s = new SWALR(o, 0.01);
        assertEquals(10, s.annealEpochs());
        assertEquals(AnnealStrategy.COS, s.strategy());
        assertEquals(0.01, s.swaLr(1));
        assertEquals("SWALR(anneal_epochs=10, anneal_strategy=cos)", s.checkpointName());
        for (int step = 1; step <= 9; step++) {
            s.step();
            assertTrue(lrs(o)[0] > 0.01 && lrs(o)[1] > 0.01, "still annealing at step " + step);
        }
        s.step();
        assertArrayEquals(new double[] {0.01, 0.01}, lrs(o));
    }

    @Test
    void zeroAnnealEpochsSetsSwaLrAtConstruction() {
        Optimizer o = sgd();
        SWALR s = new SWALR(o, 0.003, 0, AnnealStrategy.LINEAR);
        assertArrayEquals(new double[] {0.003, 0.003}, lrs(o));
        s.step();
        assertArrayEquals(new double[] {0.003, 0.003}, lrs(o));
    }

    @ParameterizedTest
    @EnumSource(AnnealStrategy.class)
    void annealingStartsFromTheRateAnotherSchedulerLeft(AnnealStrategy strategy) {
        Optimizer o = sgd();
        SWALR swa = new SWALR(o, 0.01, 4, strategy);
        HyperparameterScheduler cosine = new HyperparameterScheduler(o, "lr", new CosineAnnealing(20, 0));
        for (int epoch = 0; epoch < 6; epoch++) {
            cosine.step();
        }
        double[] left = lrs(o);
        for (int step = 1; step <= 5; step++) {
            swa.step();
            for (int g = 0; g < 2; g++) {
                double a = alpha(strategy, step, 4);
                assertEquals(0.01 * a + left[g] * (1 - a), lrs(o)[g], 1e-15, "step " + step + " group " + g);
            }
        }
    }

    @Test
    void aSwaLrTheGroupWouldRefuseIsRefusedAtConstruction() {
        Optimizer o = sgd();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SWALR(o, new double[] {0.01, 1e39}, 10, AnnealStrategy.COS));
        assertEquals("swaLrs[1]: lr must be a finite float32 (at most 3.4028235E38 in magnitude), got 1.0E39",
                e.getMessage());
        assertArrayEquals(new double[] {0.1, 0.04}, lrs(o));
    }

    @Test
    void aGroupAddedLaterIsRefusedByName() {
        Optimizer o = sgd();
        SWALR s = new SWALR(o, 0.01);
        o.addParamGroup(List.of(new Parameter("late", FloatTensor.zeros(1), FloatTensor.zeros(1))));
        double[] before = lrs(o);
        IllegalStateException e = assertThrows(IllegalStateException.class, s::step);
        assertEquals("group 2 was added to the optimizer after SWALR(anneal_epochs=10, anneal_strategy=cos) was"
                + " created, which drives groups 0 to 1 only; create the scheduler after adding every group",
                e.getMessage());
        assertEquals(0, s.steps());
        assertArrayEquals(before, lrs(o));
    }

    @Test
    void rejectedArgumentsAreNamedWithTheirValuesAndChangeNoRate() {
        Optimizer o = sgd();
        assertEquals("optimizer must not be null",
                assertThrows(IllegalArgumentException.class, () -> new SWALR(null, 0.01)).getMessage());
        assertEquals("swaLr must be >= 0 and finite, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new SWALR(o, -0.1)).getMessage());
        assertEquals("swaLr must be >= 0 and finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new SWALR(o, Double.NaN)).getMessage());
        assertEquals("swaLrs[1] must be >= 0 and finite, got Infinity", assertThrows(IllegalArgumentException.class,
                () -> new SWALR(o, new double[] {0.1, Double.POSITIVE_INFINITY}, 3, AnnealStrategy.COS)).getMessage());
        assertEquals("swaLrs must have one rate per group: the optimizer has 2 groups, got 1 rates [0.1]",
                assertThrows(IllegalArgumentException.class,
                        () -> new SWALR(o, new double[] {0.1}, 3, AnnealStrategy.COS)).getMessage());
        assertEquals("annealEpochs must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> new SWALR(o, 0.01, -1, AnnealStrategy.LINEAR)).getMessage());
        assertEquals("strategy must not be null", assertThrows(IllegalArgumentException.class,
                () -> new SWALR(o, 0.01, 0, null)).getMessage());
        assertArrayEquals(new double[] {0.1, 0.04}, lrs(o));
    }

    // ---- checkpoints ----

    @ParameterizedTest
    @EnumSource(AnnealStrategy.class)
    void aRunResumedMidAnnealingContinuesBitForBit(AnnealStrategy strategy, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("swalr.safetensors");
        Optimizer original = sgd();
        SWALR s = new SWALR(original, new double[] {0.02, 0.005}, 7, strategy);
        for (int step = 0; step < 3; step++) {
            s.step();
        }
        Checkpoints.save(original, file, s);

        Optimizer fresh = sgd();
        SWALR resumed = new SWALR(fresh, new double[] {0.5, 0.5}, 7, strategy); // the saved swa_lr win, as in PyTorch
        Checkpoints.load(fresh, file, resumed);
        assertEquals(3, resumed.steps());
        assertEquals(0.005, resumed.swaLr(1));
        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(fresh, again, resumed);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again));
        for (int step = 0; step < 6; step++) {
            s.step();
            resumed.step();
            assertArrayEquals(lrs(original), lrs(fresh), "step " + (step + 4));
        }
    }

    @Test
    void aCheckpointLoadsOnlyIntoTheSameAnnealing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("swalr.safetensors");
        Optimizer o = sgd();
        SWALR s = new SWALR(o, 0.01, 5, AnnealStrategy.COS);
        s.step();
        Checkpoints.save(o, file, s);
        Optimizer other = sgd();
        SWALR linear = new SWALR(other, 0.01, 5, AnnealStrategy.LINEAR);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(other, file, linear));
        assertTrue(e.getMessage().contains("SWALR(anneal_epochs=5, anneal_strategy=cos)"), e.getMessage());
        assertEquals(0, linear.steps());
        assertArrayEquals(new double[] {0.1, 0.04}, lrs(other));
    }

    @Test
    void aSavedPositionThatDoesNotFitIsRefusedNamingTheEntry() {
        SWALR s = new SWALR(sgd(), 0.01);
        assertEquals("the saved state has no swa_lr.1; expected [t, swa_lr.0, swa_lr.1]",
                assertThrows(IllegalArgumentException.class,
                        () -> s.prepareRestore(Map.of("t", 1L, "swa_lr.0", 0.01))).getMessage());
        assertEquals("t must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> s.prepareRestore(Map.of("t", -1L, "swa_lr.0", 0.01, "swa_lr.1", 0.01))).getMessage());
        assertEquals("swa_lr.1 must be >= 0 and finite, got -0.5", assertThrows(IllegalArgumentException.class,
                () -> s.prepareRestore(Map.of("t", 1L, "swa_lr.0", 0.01, "swa_lr.1", -0.5))).getMessage());
        assertEquals("swa_lr.0 must be finite, got NaN", assertThrows(IllegalArgumentException.class,
                () -> s.prepareRestore(Map.of("t", 1L, "swa_lr.0", Double.NaN, "swa_lr.1", 0.01))).getMessage());
        assertEquals(0, s.steps());
        assertEquals(0.01, s.swaLr(0));
    }
}
