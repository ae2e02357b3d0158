package vecopt.bench.convergence;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import vecopt.engine.Optimizer;

/**
 * The Adam paper's first two experiments (Kingma and Ba 2015, sections 6.1 and 6.2) on Fashion-MNIST
 * instead of MNIST: multinomial logistic regression with an L2 penalty and the step size decayed as
 * lr / sqrt(epoch), and an MLP with two hidden layers of ReLU units and dropout, both with mini-batches
 * of 128, for each optimizer of {@link FashionTable} at each rate of its grid.
 */
public final class FashionSuite {

    private FashionSuite() {
    }

    /**
     * @param trainSize training rows used (the first of the training set); 0 for all
     * @param validationSize validation rows used; 0 for all
     * @param testSize test rows used; 0 for all
     * @param logisticEpochs epochs of logistic regression
     * @param mlpEpochs epochs of the MLP
     * @param gridEpochs epochs of each grid run, at most the experiment's; the chosen rate's run is
     *        continued from scratch to the experiment's epochs when this is fewer
     * @param hidden the MLP's hidden width (two layers)
     * @param dropout the MLP's dropout probability on hidden activations
     * @param weightDecay the L2 penalty's lambda, both models
     * @param batchSize examples per step
     * @param initSeed weights' seed
     * @param orderSeed mini-batch order's seed
     * @param dropoutSeed dropout masks' seed
     * @param quick whether this is the smoke-test subset
     */
    public record Settings(int trainSize, int validationSize, int testSize, int logisticEpochs, int mlpEpochs,
                           int gridEpochs, int hidden, double dropout, double weightDecay, int batchSize, long initSeed,
                           long orderSeed, long dropoutSeed, boolean quick) {

        /** The full protocol, or with {@code quick} a subset: 2,000 training images, 64 hidden units, 2 epochs. */
        public static Settings of(boolean quick) {
            return quick
                    ? new Settings(2_000, 500, 1_000, 2, 2, 2, 64, 0.2, 1e-4, 128, 1, 7, 11, true)
                    : new Settings(0, 0, 0, 20, 10, 5, 1000, 0.2, 1e-4, 128, 1, 7, 11, false);
        }

        FashionMnist.Split subset(FashionMnist.Split all) {
            return all.head(trainSize == 0 ? Integer.MAX_VALUE : trainSize,
                    validationSize == 0 ? Integer.MAX_VALUE : validationSize, testSize == 0 ? Integer.MAX_VALUE : testSize);
        }

        public FeedForward.Options options(boolean mlp) {
            return mlp ? new FeedForward.Options(new int[] {hidden, hidden}, false, dropout, weightDecay, initSeed, dropoutSeed)
                    : FeedForward.Options.logisticRegression(weightDecay, initSeed);
        }

        int epochs(boolean mlp) {
            return mlp ? mlpEpochs : logisticEpochs;
        }
    }

    /** One experiment: every grid run, and per optimizer the run at its chosen rate, in table order. */
    public record Experiment(String name, String model, boolean mlp, List<EpochTrainer.Curves> grid,
                             List<EpochTrainer.Curves> chosen) {
    }

    public record Results(Settings settings, int trainSize, int validationSize, int testSize,
                          Experiment logistic, Experiment mlp, long nanos) {
    }

    public static Results run(Settings s, FashionMnist.Split all, PrintStream log, PrintStream progressOut) {
        long start = System.nanoTime();
        FashionMnist.Split data = s.subset(all);
        log.printf(Locale.ROOT, "  Fashion-MNIST: %,d training, %,d validation, %,d test images%n",
                data.train().size(), data.validation().size(), data.test().size());
        Experiment logistic = experiment(s, data, false, log, progressOut);
        Experiment mlp = experiment(s, data, true, log, progressOut);
        return new Results(s, data.train().size(), data.validation().size(), data.test().size(), logistic, mlp,
                System.nanoTime() - start);
    }

    /** The mini-batch orders of an experiment: one seeded shuffle per epoch. */
    public static int[][] orders(Settings s, int trainSize, boolean mlp) {
        return EpochTrainer.shuffles(trainSize, s.epochs(mlp), s.orderSeed());
    }

    static Experiment experiment(Settings s, FashionMnist.Split data, boolean mlp, PrintStream log, PrintStream progressOut) {
        int epochs = s.epochs(mlp);
        int gridEpochs = Math.min(epochs, s.gridEpochs());
        int[][] orders = orders(s, data.train().size(), mlp);
        int[][] gridOrders = java.util.Arrays.copyOf(orders, gridEpochs);
        long work = 0;
        for (FashionTable.Row row : FashionTable.all()) {
            work += (long) row.grid(mlp).length * gridEpochs + (gridEpochs < epochs ? epochs : 0);
        }
        Progress progress = new Progress(progressOut, work * data.train().size());
        List<EpochTrainer.Curves> grid = new ArrayList<>();
        List<EpochTrainer.Curves> chosen = new ArrayList<>();
        String model = null;
        for (FashionTable.Row row : FashionTable.all()) {
            EpochTrainer.Curves best = null;
            for (double lr : row.grid(mlp)) {
                FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, s.options(mlp));
                model = net.name();
                EpochTrainer.Curves c = train(row, net, data, gridOrders, lr, mlp, s, progress);
                grid.add(c);
                if (c.stop().isEmpty() && (best == null || c.finalValidationLoss() < best.finalValidationLoss())) {
                    best = c;
                }
            }
            if (best == null) {
                best = grid.get(grid.size() - row.grid(mlp).length);
            }
            if (gridEpochs < epochs) {
                FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, s.options(mlp));
                best = train(row, net, data, orders, best.lr(), mlp, s, progress);
            }
            chosen.add(best);
        }
        progress.finish();
        String name = mlp ? "mlp" : "logistic";
        log.printf(Locale.ROOT, "  %s: %d optimizers x %d rates x %d epochs, chosen rates for %d epochs%n",
                model, FashionTable.all().size(), FashionTable.all().get(0).grid(mlp).length, gridEpochs, epochs);
        for (EpochTrainer.Curves c : chosen) {
            log.printf(Locale.ROOT, "    %-13s lr %-7s test accuracy %.2f%%  final training cost %.4f%n", c.label(),
                    TestFunctions.fmt(c.lr()), 100 * c.finalTestAccuracy(), c.trainCost()[c.epochs() - 1]);
        }
        return new Experiment(name, model, mlp, grid, chosen);
    }

    static EpochTrainer.Curves train(FashionTable.Row row, FeedForward net, FashionMnist.Split data, int[][] orders,
                                     double lr, boolean mlp, Settings s, Progress progress) {
        Optimizer optimizer = row.setup().build(net.parameters(), lr);
        EpochTrainer.Plan plan = new EpochTrainer.Plan(s.batchSize(), orders, lr, !mlp, null);
        return EpochTrainer.train(row.label(), net, optimizer, data, plan, progress);
    }
}
