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
     * @param mlpTrainSize training rows the MLP uses, the first of those; 0 for all
     * @param regularisationTrainSize training rows the MLP's regularisation runs (dropout, batch norm,
     *        early stopping) use, the first of the MLP's; 0 for all of the MLP's
     * @param validationSize validation rows used; 0 for all
     * @param testSize test rows used; 0 for all
     * @param logisticEpochs epochs of logistic regression
     * @param mlpEpochs epochs of the MLP
     * @param logisticGridEpochs epochs of each logistic-regression grid run, at most the experiment's;
     *        the chosen rate's run is repeated from scratch for the experiment's epochs when this is fewer
     * @param mlpGridEpochs the same for the MLP
     * @param mlpDecay whether the MLP's rate decays as lr / sqrt(epoch) like logistic regression's
     * @param hidden the MLP's hidden width (two layers)
     * @param dropout the MLP's dropout probability on hidden activations
     * @param weightDecay the L2 penalty's lambda, both models
     * @param batchSize examples per step
     * @param initSeed weights' seed
     * @param orderSeed mini-batch order's seed
     * @param dropoutSeed dropout masks' seed
     * @param quick whether this is the smoke-test subset
     */
    public record Settings(int trainSize, int mlpTrainSize, int regularisationTrainSize, int validationSize, int testSize, int logisticEpochs, int mlpEpochs,
                           int logisticGridEpochs, int mlpGridEpochs, boolean mlpDecay, int hidden, double dropout, double weightDecay, int batchSize, long initSeed,
                           long orderSeed, long dropoutSeed, boolean quick) {

        /**
         * The run whose PyTorch fixture is committed: logistic regression on all 55,000 training images
         * for 5 epochs with grid runs of 2 epochs, the paper's MLP 784-1000-1000-10 on all 55,000 for
         * {@value #MLP_EPOCHS} epochs with grid runs of 1 epoch (the paper trains 45 and 200 epochs),
         * both at lr / sqrt(epoch); the regularisation runs on the first 10,000 images. Or, with
         * {@code quick}, a subset: 2,000 training images, 64 hidden units, 2 epochs.
         */
        public static Settings of(boolean quick) {
            return quick
                    ? new Settings(2_000, 0, 0, 500, 1_000, 2, 2, 2, 2, true, 64, 0.2, 1e-4, 128, 1, 7, 11, true)
                    : new Settings(0, 0, 10_000, 0, 0, 5, MLP_EPOCHS, 2, 1, true, 1_000, 0.2, 1e-4, 128, 1, 7, 11, false);
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

        int gridEpochs(boolean mlp) {
            return Math.min(epochs(mlp), mlp ? mlpGridEpochs : logisticGridEpochs);
        }

        /** Whether the model's rate decays as lr / sqrt(epoch): always for logistic regression. */
        boolean decay(boolean mlp) {
            return !mlp || mlpDecay;
        }
    }

    /** One experiment: every grid run, and per optimizer the run at its chosen rate, in table order. */
    public record Experiment(String name, String model, boolean mlp, List<EpochTrainer.Curves> grid,
                             List<EpochTrainer.Curves> chosen) {
    }

    public record Results(Settings settings, int trainSize, int mlpTrainSize, int regularisationTrainSize, int validationSize,
                          int testSize,
                          Experiment logistic, Experiment mlp, List<EpochTrainer.Curves> regularisation,
                          BatchNormRates.Sweep batchNormRates, List<LineInterpolation.Line> lines, List<EpochTiming.Row> timing, long nanos) {
    }

    /**
     * Epochs of the full run's MLP. At a constant rate Adam's test accuracy still moved 0.45 pp from
     * epoch to epoch at 15 epochs (88.06% after the last); with lr / sqrt(epoch) the last five of
     * 20 epochs stayed within 89.22-89.75%.
     */
    public static final int MLP_EPOCHS = 20;

    /** Patience and minimum decrease of the early-stopping run of {@link #regularisation}. */
    public static final int PATIENCE = 2;
    public static final double MIN_DELTA = 1e-3;
    /** Training rows the line interpolation evaluates. */
    public static final int LINE_TRAIN_ROWS = 5_000;

    public static Results run(Settings s, FashionMnist.Split all, PrintStream log, PrintStream progressOut) {
        long start = System.nanoTime();
        FashionMnist.Split data = s.subset(all);
        FashionMnist.Split mlpData = s.mlpTrainSize() == 0 ? data
                : data.head(s.mlpTrainSize(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        log.printf(Locale.ROOT, "  Fashion-MNIST: %,d training, %,d validation, %,d test images%n",
                data.train().size(), data.validation().size(), data.test().size());
        Experiment logistic = experiment(s, data, false, log, progressOut);
        Experiment mlp = experiment(s, mlpData, true, log, progressOut);
        EpochTrainer.Curves adam = mlp.chosen().get(FashionTable.all().indexOf(FashionTable.get("Adam")));
        FashionMnist.Split regularisationData = s.regularisationTrainSize() == 0 ? mlpData
                : mlpData.head(s.regularisationTrainSize(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        List<EpochTrainer.Curves> regularisation = regularisation(s, regularisationData, adam.lr(), progressOut);
        log.printf(Locale.ROOT, "  MLP with Adam at lr %s on %,d training images: without dropout, with dropout, batch norm, "
                + "both, early stopping%n", TestFunctions.fmt(adam.lr()), regularisationData.train().size());
        Progress sweepProgress = new Progress(progressOut, BatchNormRates.work(s, regularisationData.train().size()));
        BatchNormRates.Sweep batchNormRates = BatchNormRates.run(s, regularisationData, sweepProgress);
        sweepProgress.finish();
        log.printf(Locale.ROOT, "  MLP with SGD+Nesterov at rates %s, without and with batch norm%n",
                java.util.Arrays.toString(BatchNormRates.RATES));
        List<LineInterpolation.Line> lines = new ArrayList<>();
        FeedForward probe = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, s.options(true));
        Digits.Dataset trainSubset = mlpData.head(LINE_TRAIN_ROWS, 0, 0).train();
        EpochTrainer.Curves nesterov = mlp.chosen().get(0);
        EpochTrainer.Curves adagrad = mlp.chosen().get(FashionTable.all().indexOf(FashionTable.get("Adagrad")));
        for (EpochTrainer.Curves other : List.of(nesterov, adagrad)) {
            lines.add(LineInterpolation.along(probe, adam.label(), adam.finalWeights(), other.label(), other.finalWeights(),
                    trainSubset, mlpData.validation()));
        }
        log.println("  MLP: loss on the line from Adam's weights to SGD+Nesterov's and Adagrad's");
        List<EpochTiming.Row> timing = new ArrayList<>();
        for (boolean m : new boolean[] {false, true}) {
            timing.addAll(EpochTiming.measure(s.options(m), data.train(), s.batchSize(), s.quick() ? 3 : 30));
        }
        log.println("  time per epoch: forward/backward and optimizer step, 1 and 2 threads");
        return new Results(s, data.train().size(), mlpData.train().size(), regularisationData.train().size(),
                data.validation().size(), data.test().size(),
                logistic, mlp, regularisation, batchNormRates, lines, timing, System.nanoTime() - start);
    }

    /**
     * The MLP with Adam at {@code lr}: without dropout, with dropout (the experiments' setting), with
     * batch norm, with both, and with dropout and early stopping on the validation loss
     * ({@link #PATIENCE}, {@link #MIN_DELTA}; best weights restored).
     */
    static List<EpochTrainer.Curves> regularisation(Settings s, FashionMnist.Split data, double lr, PrintStream progressOut) {
        int[] h = {s.hidden(), s.hidden()};
        List<String> labels = List.of("no dropout", "dropout " + TestFunctions.fmt(s.dropout()), "batch norm",
                "batch norm + dropout", "dropout + early stopping");
        List<FeedForward.Options> options = List.of(
                new FeedForward.Options(h, false, 0, s.weightDecay(), s.initSeed(), s.dropoutSeed()),
                s.options(true),
                new FeedForward.Options(h, true, 0, s.weightDecay(), s.initSeed(), s.dropoutSeed()),
                new FeedForward.Options(h, true, s.dropout(), s.weightDecay(), s.initSeed(), s.dropoutSeed()),
                s.options(true));
        int[][] orders = orders(s, data.train().size(), true);
        Progress progress = new Progress(progressOut, (long) labels.size() * orders.length * data.train().size());
        List<EpochTrainer.Curves> runs = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            FeedForward net = new FeedForward(FashionMnist.FEATURES, FashionMnist.CLASSES, options.get(i));
            EarlyStopping stop = i == labels.size() - 1 ? new EarlyStopping(PATIENCE, MIN_DELTA) : null;
            Optimizer adam = FashionTable.get("Adam").setup().build(net.parameters(), lr);
            runs.add(EpochTrainer.train(labels.get(i), net, adam, data,
                    new EpochTrainer.Plan(s.batchSize(), orders, lr, s.decay(true), stop), progress));
        }
        progress.finish();
        return runs;
    }

    /** The mini-batch orders of an experiment: one seeded shuffle per epoch. */
    public static int[][] orders(Settings s, int trainSize, boolean mlp) {
        return EpochTrainer.shuffles(trainSize, s.epochs(mlp), s.orderSeed());
    }

    static Experiment experiment(Settings s, FashionMnist.Split data, boolean mlp, PrintStream log, PrintStream progressOut) {
        int epochs = s.epochs(mlp);
        int gridEpochs = s.gridEpochs(mlp);
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
        log.printf(Locale.ROOT, "  %s on %,d training images: %d optimizers, %d grid runs of %d epochs, chosen rates for %d epochs%n",
                model, data.train().size(), FashionTable.all().size(), grid.size(), gridEpochs, epochs);
        for (EpochTrainer.Curves c : chosen) {
            log.printf(Locale.ROOT, "    %-13s lr %-7s test accuracy %.2f%%  final training cost %.4f%n", c.label(),
                    TestFunctions.fmt(c.lr()), 100 * c.finalTestAccuracy(), c.finalTrainCost());
        }
        return new Experiment(name, model, mlp, grid, chosen);
    }

    static EpochTrainer.Curves train(FashionTable.Row row, FeedForward net, FashionMnist.Split data, int[][] orders,
                                     double lr, boolean mlp, Settings s, Progress progress) {
        Optimizer optimizer = row.setup().build(net.parameters(), lr);
        EpochTrainer.Plan plan = new EpochTrainer.Plan(s.batchSize(), orders, lr, s.decay(mlp), null);
        return EpochTrainer.train(row.label(), net, optimizer, data, plan, progress);
    }
}
