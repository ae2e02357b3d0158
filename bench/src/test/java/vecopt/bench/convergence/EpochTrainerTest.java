package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;

class EpochTrainerTest {

    private static Digits.Dataset data(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FMatrixRMaj x = new FMatrixRMaj(n, 4);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            for (int j = 0; j < 4; j++) {
                x.data[i * 4 + j] = (float) (r.nextGaussian() + (j == y[i] ? 1.5 : 0));
            }
        }
        return new Digits.Dataset(x, y);
    }

    @Test
    void theInverseSqrtDecayHalvesTheRateByTheFourthEpoch() {
        EpochTrainer.Plan plan = new EpochTrainer.Plan(8, new int[4][], 0.3, true, null);
        assertEquals(0.3, plan.lrAt(1));
        assertEquals(0.15, plan.lrAt(4), 1e-15);
        assertEquals(0.3, new EpochTrainer.Plan(8, new int[4][], 0.3, false, null).lrAt(4));
    }

    @Test
    void shufflesAreSeededPermutations() {
        int[][] a = EpochTrainer.shuffles(50, 3, 9);
        assertArrayEquals(a[2], EpochTrainer.shuffles(50, 3, 9)[2]);
        int[] sorted = a[1].clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    /**
     * A rate so large that the validation loss rises after the first epoch: early stopping with
     * patience 1 ends training after epoch 2 and the model is back at epoch 1's weights, whose
     * validation loss a fresh evaluation reproduces.
     */
    @Test
    void earlyStoppingEndsTrainingAndRestoresTheBestEpochsWeights() {
        FashionMnist.Split split = new FashionMnist.Split(data(200, 1), data(100, 2), data(100, 3), 300);
        FeedForward model = new FeedForward(4, 3, new FeedForward.Options(new int[] {16}, false, 0, 0, 4, 0));
        var sgd = FashionTable.get("SGD+Nesterov").setup().build(model.parameters(), 3.0);
        EarlyStopping stop = new EarlyStopping(1, 0);
        EpochTrainer.Curves c = EpochTrainer.train("SGD", model, sgd, split,
                new EpochTrainer.Plan(20, EpochTrainer.shuffles(200, 10, 5), 3.0, false, stop), null);
        assertTrue(c.epochs() < 10, "stopped after " + c.epochs() + " epochs: " + Arrays.toString(c.validationLoss()));
        assertEquals(c.epochs() - 1, c.bestEpoch());
        assertTrue(c.stop().startsWith("early stop after epoch " + c.epochs()), c.stop());
        assertEquals(c.validationLoss()[c.bestEpoch() - 1], model.evaluate(split.validation()).loss(), 1e-12);
    }
}
