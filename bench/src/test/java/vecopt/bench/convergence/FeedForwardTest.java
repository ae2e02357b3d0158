package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import vecopt.engine.Parameter;

class FeedForwardTest {

    private static final int IN = 6;
    private static final int CLASSES = 3;

    private static FMatrixRMaj batch(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FMatrixRMaj x = new FMatrixRMaj(rows, IN);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) r.nextDouble(-1, 1);
        }
        return x;
    }

    /**
     * Backward pass against central differences (h = 2e-3, in float32) of the training cost, every
     * coordinate of every parameter, with the same dropout mask for every evaluation: within
     * 1% + 2e-4. Models: logistic regression with L2, the MLP with dropout, with batch norm, with both.
     */
    @Test
    void gradientsMatchFiniteDifferencesWithBatchNormDropoutAndL2() {
        FMatrixRMaj x = batch(8, 3);
        int[] labels = {0, 1, 2, 0, 1, 2, 2, 1};
        List<FeedForward.Options> options = List.of(
                FeedForward.Options.logisticRegression(0.1, 5),
                new FeedForward.Options(new int[] {5, 4}, false, 0.3, 0.05, 5, 9),
                new FeedForward.Options(new int[] {5, 4}, true, 0, 0.05, 5, 9),
                new FeedForward.Options(new int[] {5, 4}, true, 0.3, 0.05, 5, 9));
        for (FeedForward.Options o : options) {
            FeedForward model = new FeedForward(IN, CLASSES, o);
            perturbBatchNorm(model);
            model.setTrainingSteps(4);
            model.lossAndGradient(x, labels);
            List<float[]> grads = model.parameters().stream().map(p -> p.grad().array().clone()).toList();
            for (int q = 0; q < grads.size(); q++) {
                Parameter p = model.parameters().get(q);
                float[] v = p.value().array();
                for (int i = 0; i < v.length; i++) {
                    float saved = v[i];
                    float h = 2e-3f;
                    v[i] = saved + h;
                    model.setTrainingSteps(4);
                    double up = model.lossAndGradient(x, labels);
                    v[i] = saved - h;
                    model.setTrainingSteps(4);
                    double down = model.lossAndGradient(x, labels);
                    v[i] = saved;
                    double numeric = (up - down) / (2 * h);
                    assertEquals(numeric, grads.get(q)[i], 1e-2 * Math.abs(numeric) + 2e-4,
                            model.name() + " " + p.name() + "[" + i + "]");
                }
            }
        }
    }

    /** gamma = 1 and beta = 0 would hide a mix-up of the two; move them away. */
    private static void perturbBatchNorm(FeedForward model) {
        SplittableRandom r = new SplittableRandom(2);
        for (Parameter p : model.parameters()) {
            if (p.name().startsWith("bn")) {
                float[] v = p.value().array();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) r.nextDouble(-0.5, 0.5);
                }
            }
        }
    }

    /**
     * After one training pass the running mean is 0.1 times the batch mean of the first layer's
     * pre-activations (computed here in double from the weights) and the running variance
     * 0.9 + 0.1 times their unbiased variance; evaluation normalises with those, not with the batch.
     */
    @Test
    void batchNormKeepsRunningStatisticsAndEvaluationUsesThem() {
        FeedForward model = new FeedForward(IN, CLASSES, new FeedForward.Options(new int[] {4}, true, 0, 0, 5, 0));
        FMatrixRMaj x = batch(10, 4);
        float[] w = model.parameters().get(0).value().array();
        float[] b = model.parameters().get(1).value().array();
        double[] mean = new double[4];
        double[] sq = new double[4];
        for (int j = 0; j < 4; j++) {
            double[] z = new double[10];
            for (int i = 0; i < 10; i++) {
                z[i] = b[j];
                for (int k = 0; k < IN; k++) {
                    z[i] += (double) x.data[i * IN + k] * w[k * 4 + j];
                }
                mean[j] += z[i] / 10;
            }
            for (int i = 0; i < 10; i++) {
                sq[j] += (z[i] - mean[j]) * (z[i] - mean[j]) / 9;
            }
        }
        model.lossAndGradient(x, new int[10]);
        float[][] snapshot = model.snapshot();
        float[] runningMean = snapshot[snapshot.length - 2];
        float[] runningVar = snapshot[snapshot.length - 1];
        for (int j = 0; j < 4; j++) {
            assertEquals(0.1 * mean[j], runningMean[j], 1e-6);
            assertEquals(0.9 + 0.1 * sq[j], runningVar[j], 1e-5);
        }
        // A single row cannot be batch-normalised in training mode, but evaluates with the running statistics.
        assertThrows(IllegalArgumentException.class, () -> model.lossAndGradient(batch(1, 5), new int[] {0}));
        Digits.Dataset one = new Digits.Dataset(batch(3, 6), new int[] {0, 1, 2});
        double before = model.evaluate(one).loss();
        runningMean[0] += 1;
        model.restore(snapshot);
        assertNotEquals(before, model.evaluate(one).loss());
    }

    @Test
    void restoreBringsBackTheSnapshotsWeights() {
        FeedForward model = new FeedForward(IN, CLASSES, new FeedForward.Options(new int[] {4}, true, 0.5, 0.01, 5, 1));
        float[][] snapshot = model.snapshot();
        model.parameters().get(0).value().array()[3] += 1;
        model.restore(snapshot);
        assertArrayEquals(snapshot[0], model.parameters().get(0).value().array());
        assertThrows(IllegalArgumentException.class, () -> model.restore(new float[1][]));
    }
}
