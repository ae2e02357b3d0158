package vecopt.bench.convergence;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;

/**
 * Trains a {@link FeedForward} for some epochs of mini-batches in a given order and records, per
 * epoch, the training cost as the Adam paper plots it (the mean over the epoch's mini-batches of
 * cross-entropy plus L2 penalty) and the loss and accuracy on the validation and test sets; and the
 * time spent in forward and backward passes (matrix products) apart from the time in optimizer steps (vecopt).
 */
public final class EpochTrainer {

    private EpochTrainer() {
    }

    /**
     * How to train.
     *
     * @param batchSize examples per step (the last step of an epoch takes the rest)
     * @param orders the training rows each epoch visits, in order; its length is the number of epochs
     * @param lr the base learning rate
     * @param inverseSqrtDecay the Adam paper's decay for logistic regression: epoch e (1-based) runs at
     *        lr / sqrt(e)
     * @param earlyStopping null, or the rule that may end training before the last epoch (the best
     *        epoch's weights are then restored and evaluated once more as the final row)
     */
    public record Plan(int batchSize, int[][] orders, double lr, boolean inverseSqrtDecay, EarlyStopping earlyStopping) {

        public Plan {
            if (batchSize < 1 || orders.length < 1) {
                throw new IllegalArgumentException("need batchSize >= 1 and at least one epoch, got batchSize="
                        + batchSize + ", epochs=" + orders.length);
            }
        }

        public int epochs() {
            return orders.length;
        }

        /** The learning rate of epoch {@code epoch} (1-based). */
        public double lrAt(int epoch) {
            return inverseSqrtDecay ? lr / Math.sqrt(epoch) : lr;
        }
    }

    /** {@code epochs} seeded shuffles of 0..n-1, from one {@code SplittableRandom(seed)}. */
    public static int[][] shuffles(int n, int epochs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] orders = new int[epochs][];
        for (int e = 0; e < epochs; e++) {
            orders[e] = Digits.permutation(n, random);
        }
        return orders;
    }

    /**
     * Per-epoch curves (index e - 1 for epoch e).
     *
     * @param trainCost mean mini-batch training cost of each epoch
     * @param forwardBackwardNanos time in the model's forward and backward passes
     * @param stepNanos time in {@link Optimizer#step()}
     * @param bestEpoch with early stopping, the restored epoch (1-based); else the last
     * @param stop empty, or why training ended before the plan's last epoch
     * @param finalWeights the model's {@link FeedForward#snapshot()} after training (after restoring
     *        the best epoch, with early stopping)
     */
    public record Curves(String label, double lr, double[] trainCost, double[] validationLoss,
                         double[] validationAccuracy, double[] testLoss, double[] testAccuracy,
                         long forwardBackwardNanos, long stepNanos, int bestEpoch, String stop, float[][] finalWeights) {

        public int epochs() {
            return trainCost.length;
        }

        /** The last epoch's test accuracy; NaN when the first epoch did not finish. */
        public double finalTestAccuracy() {
            return last(testAccuracy);
        }

        /** The last epoch's validation loss; NaN when the first epoch did not finish. */
        public double finalValidationLoss() {
            return last(validationLoss);
        }

        /** The last epoch's training cost; NaN when the first epoch did not finish. */
        public double finalTrainCost() {
            return last(trainCost);
        }

        private static double last(double[] a) {
            return a.length == 0 ? Double.NaN : a[a.length - 1];
        }
    }

    /** Trains {@code model} with {@code optimizer} on {@code data.train()} as {@code plan} says. */
    public static Curves train(String label, FeedForward model, Optimizer optimizer, FashionMnist.Split data, Plan plan,
                               Progress progress) {
        Digits.Dataset train = data.train();
        FMatrixRMaj batch = new FMatrixRMaj(1, train.x().numCols);
        int[] labels = new int[plan.batchSize()];
        int epochs = plan.epochs();
        double[] cost = new double[epochs];
        double[] vLoss = new double[epochs];
        double[] vAcc = new double[epochs];
        double[] tLoss = new double[epochs];
        double[] tAcc = new double[epochs];
        long fb = 0;
        long st = 0;
        int done = 0;
        String stop = "";
        for (int e = 1; e <= epochs; e++) {
            double lr = plan.lrAt(e);
            for (ParamGroup g : optimizer.paramGroups()) {
                g.set("lr", lr);
            }
            int[] order = plan.orders()[e - 1];
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < order.length; from += plan.batchSize()) {
                int to = Math.min(order.length, from + plan.batchSize());
                train.gather(order, from, to, batch, labels);
                int[] batchLabels = to - from == labels.length ? labels : Arrays.copyOf(labels, to - from);
                long t0 = System.nanoTime();
                double loss = model.lossAndGradient(batch, batchLabels);
                long t1 = System.nanoTime();
                fb += t1 - t0;
                if (!Double.isFinite(loss)) {
                    stop = "cost not finite in epoch " + e;
                    break;
                }
                optimizer.step();
                st += System.nanoTime() - t1;
                sum += loss;
                batches++;
                if (progress != null) {
                    progress.advance(to - from, String.format(java.util.Locale.ROOT, "%s lr %s epoch %d/%d", label,
                            TestFunctions.fmt(plan.lr()), e, epochs));
                }
            }
            if (!stop.isEmpty()) {
                break;
            }
            cost[e - 1] = sum / batches;
            DigitsModel.Evaluation v = model.evaluate(data.validation());
            DigitsModel.Evaluation t = model.evaluate(data.test());
            vLoss[e - 1] = v.loss();
            vAcc[e - 1] = v.accuracy();
            tLoss[e - 1] = t.loss();
            tAcc[e - 1] = t.accuracy();
            done = e;
            if (plan.earlyStopping() != null && plan.earlyStopping().update(e, v.loss(), model::snapshot)) {
                if (e < epochs) {
                    stop = "early stop after epoch " + e + ", best epoch " + plan.earlyStopping().bestEpoch();
                }
                break;
            }
        }
        int best = done;
        if (plan.earlyStopping() != null && plan.earlyStopping().bestEpoch() > 0) {
            best = plan.earlyStopping().bestEpoch();
            model.restore(plan.earlyStopping().bestSnapshot());
        }
        if (progress != null && done < epochs) {
            progress.advance((long) (epochs - done) * train.size(), label);
        }
        return new Curves(label, plan.lr(), Arrays.copyOf(cost, done), Arrays.copyOf(vLoss, done),
                Arrays.copyOf(vAcc, done), Arrays.copyOf(tLoss, done), Arrays.copyOf(tAcc, done), fb, st, best, stop, model.snapshot());
    }
}
