package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Optimizer;
import vecopt.engine.ScheduleFreeOptimizer;

/** Trains a {@link DigitsModel} with a vecopt optimizer and records its curves. */
public final class Trainer {

    private Trainer() {
    }

    /**
     * How to go through the training set.
     *
     * @param name shown in charts and tables
     * @param batchSize examples per step; 0 means the whole (current) training set, full-batch
     * @param curriculum easiest examples first (see {@link #epochOrder}); otherwise every epoch is a
     *        fresh seeded shuffle of all examples
     * @param epochs passes over the data
     * @param seed the shuffling seed
     */
    public record Schedule(String name, int batchSize, boolean curriculum, int epochs, long seed) {

        public Schedule {
            if (batchSize < 0 || epochs < 1) {
                throw new IllegalArgumentException("need batchSize >= 0 and epochs >= 1, got batchSize=" + batchSize
                        + ", epochs=" + epochs);
            }
        }

        public static Schedule fullBatch(int epochs, long seed) {
            return new Schedule("full-batch", 0, false, epochs, seed);
        }

        public static Schedule miniBatch(int batchSize, int epochs, long seed) {
            return new Schedule("mini-batch " + batchSize, batchSize, false, epochs, seed);
        }

        public static Schedule singleExample(int epochs, long seed) {
            return new Schedule("single example", 1, false, epochs, seed);
        }

        public static Schedule curriculum(int batchSize, int epochs, long seed) {
            return new Schedule("curriculum, mini-batch " + batchSize, batchSize, true, epochs, seed);
        }
    }

    /** The curriculum starts with this fraction of the training set, the easiest examples. */
    public static final double CURRICULUM_START = 0.25;

    /**
     * The examples epoch {@code epoch} (0-based) visits, in order. Without a curriculum: all of them,
     * shuffled. With one: the easiest {@code ceil(n * fraction)} by {@link Digits.Dataset#difficulty()},
     * shuffled among themselves, where the fraction grows linearly from {@link #CURRICULUM_START} in
     * the first epoch to 1 at the middle epoch and stays 1 from there on.
     *
     * @param byDifficulty the example indices from easiest to hardest
     */
    static int[] epochOrder(Schedule s, int epoch, int[] byDifficulty, SplittableRandom random) {
        int n = byDifficulty.length;
        int count = n;
        if (s.curriculum()) {
            double ramp = Math.max(1, s.epochs() / 2);
            double fraction = Math.min(1, CURRICULUM_START + (1 - CURRICULUM_START) * epoch / ramp);
            count = (int) Math.ceil(n * fraction);
        }
        int[] order = Arrays.copyOf(byDifficulty, count);
        Digits.shuffle(order, count, random);
        return order;
    }

    /** The training set's example indices from easiest to hardest (ties by index). */
    static int[] byDifficulty(Digits.Dataset train) {
        double[] d = train.difficulty();
        return IntStream.range(0, train.size()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> d[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** What a run does besides its steps: weight averaging, for instance. */
    public interface Hooks {

        /** After the steps of epoch {@code epoch} (from 0), before its evaluation. */
        default void afterEpoch(int epoch) {
        }

        /** Runs {@code evaluation} with the weights to evaluate in the model (the averaged ones, say). */
        default void evaluate(Runnable evaluation) {
            evaluation.run();
        }
    }

    /**
     * Trains {@code model} with {@code optimizer} (built over {@code model.parameters()}) and evaluates
     * it on both sets before the first epoch and after each (a schedule-free optimizer at x).
     */
    public static Curves train(DigitsModel model, Optimizer optimizer, Digits.Split data, Schedule schedule) {
        return train(model, optimizer::step, data, schedule, new Hooks() {
            @Override
            public void evaluate(Runnable evaluation) {
                atEvaluationPoint(optimizer, evaluation);
            }
        });
    }

    /**
     * As {@link #train(DigitsModel, Optimizer, Digits.Split, Schedule)}, with several optimizers over
     * disjoint parts of {@code model.parameters()} (Muon for the matrices, AdamW for the biases), all
     * stepped after each backward pass, in order.
     */
    public static Curves train(DigitsModel model, List<Optimizer> optimizers, Digits.Split data, Schedule schedule) {
        List<Optimizer> all = List.copyOf(optimizers);
        return train(model, () -> {
            for (Optimizer optimizer : all) {
                optimizer.step();
            }
        }, data, schedule, new Hooks() {
            @Override
            public void evaluate(Runnable evaluation) {
                Runnable atEvery = evaluation;
                for (Optimizer optimizer : all) {
                    Runnable inner = atEvery;
                    atEvery = () -> atEvaluationPoint(optimizer, inner);
                }
                atEvery.run();
            }
        });
    }

    /**
     * As {@link #train(DigitsModel, Optimizer, Digits.Split, Schedule)}, taking each step with {@code step}
     * (an optimizer's, or a wrapper's around it) and calling {@code hooks} after each epoch and around each
     * evaluation.
     */
    public static Curves train(DigitsModel model, Runnable step, Digits.Split data, Schedule schedule, Hooks hooks) {
        Digits.Dataset train = data.train();
        int[] ranked = schedule.curriculum() ? byDifficulty(train) : IntStream.range(0, train.size()).toArray();
        SplittableRandom random = new SplittableRandom(schedule.seed());
        FMatrixRMaj batch = new FMatrixRMaj(1, Digits.FEATURES);
        int[] labels = new int[train.size()];
        List<DigitsModel.Evaluation> trainCurve = new ArrayList<>();
        List<DigitsModel.Evaluation> testCurve = new ArrayList<>();
        hooks.evaluate(() -> {
            trainCurve.add(model.evaluate(train));
            testCurve.add(model.evaluate(data.test()));
        });
        long steps = 0;
        long start = System.nanoTime();
        for (int epoch = 0; epoch < schedule.epochs(); epoch++) {
            int[] order = epochOrder(schedule, epoch, ranked, random);
            int size = schedule.batchSize() == 0 ? order.length : schedule.batchSize();
            for (int from = 0; from < order.length; from += size) {
                int to = Math.min(order.length, from + size);
                train.gather(order, from, to, batch, labels);
                int[] batchLabels = to - from == labels.length ? labels : Arrays.copyOf(labels, to - from);
                double loss = model.lossAndGradient(batch, batchLabels);
                if (!Double.isFinite(loss)) {
                    return new Curves(model.name(), schedule, trainCurve, testCurve, steps,
                            System.nanoTime() - start, "loss not finite in epoch " + (epoch + 1));
                }
                step.run();
                steps++;
            }
            hooks.afterEpoch(epoch);
            hooks.evaluate(() -> {
                trainCurve.add(model.evaluate(train));
                testCurve.add(model.evaluate(data.test()));
            });
        }
        return new Curves(model.name(), schedule, trainCurve, testCurve, steps, System.nanoTime() - start, "");
    }

    /**
     * Adds the loss and accuracy on both sets to the curves: at x, the average, for a schedule-free
     * optimizer (in eval mode, then back to y, bit for bit, so evaluating changes nothing of the run).
     */
    /** Runs {@code evaluation} with a schedule-free optimizer's parameters at x, then back at y. */
    private static void atEvaluationPoint(Optimizer optimizer, Runnable evaluation) {
        if (optimizer instanceof ScheduleFreeOptimizer scheduleFree) {
            scheduleFree.eval();
            try {
                evaluation.run();
            } finally {
                scheduleFree.train();
            }
        } else {
            evaluation.run();
        }
    }

    /**
     * Loss and accuracy on the training and test sets before training (index 0) and after each epoch.
     *
     * @param stop empty, or why training stopped early
     */
    public record Curves(String model, Schedule schedule, List<DigitsModel.Evaluation> train,
                         List<DigitsModel.Evaluation> test, long steps, long nanos, String stop) {

        public DigitsModel.Evaluation finalTrain() {
            return train.get(train.size() - 1);
        }

        public DigitsModel.Evaluation finalTest() {
            return test.get(test.size() - 1);
        }
    }
}
