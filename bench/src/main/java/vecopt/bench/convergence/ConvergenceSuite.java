package vecopt.bench.convergence;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.AveragedModel;
import vecopt.engine.Averaging;
import vecopt.engine.Optimizer;
import vecopt.engine.schedule.SWALR;

/**
 * Runs every experiment of the convergence suite: each optimizer of {@link OptimizerTable} from the
 * same start on each test function, with Newton's method, L-BFGS and exact steepest descent beside them; a
 * learning-rate sweep on one function; and every optimizer training softmax regression and an MLP
 * on the digits, plus the MLP with Adam under each training schedule, with SGD+momentum evaluated on
 * its last, its SWA and its EMA weights, and with each optimizer that can compress its state in each
 * state format ({@link StateFormatRuns}), once and from several starts ({@link StateFormatSeeds}).
 */
public final class ConvergenceSuite {

    /** What "reached" means in the tables: f - f* at most this (the saddle: escaped, |y| >= 1). */
    public static final double TOLERANCE = 1e-4;

    private ConvergenceSuite() {
    }

    /**
     * @param steps optimizer steps on each test function
     * @param lrSteps steps of each run in the learning-rate sweep
     * @param lrs the sweep's global learning rates
     * @param lrFunction the sweep's test function
     * @param epochs passes over the digits training set
     * @param hidden hidden units of the MLP
     * @param batchSize mini-batch size on the digits
     * @param initSeed the models' initialisation seed
     * @param shuffleSeed the training order's seed
     * @param quick whether this is the short smoke-test setting
     */
    public record Settings(int steps, int lrSteps, double[] lrs, TestFunction lrFunction, int epochs, int hidden,
                           int batchSize, long initSeed, long shuffleSeed, boolean quick) {

        /**
         * The full suite (10,000 steps per function, 2,000 per learning-rate run, 30 epochs on the digits)
         * or, with {@code quick}, a smoke test of everything (1,000 and 300 steps, 2 epochs).
         */
        public static Settings of(boolean quick) {
            TestFunction ravine = TestFunctions.ravine(TestFunctions.RAVINE_CONDITION, TestFunctions.RAVINE_ANGLE_DEGREES);
            double[] lrs = {1e-3, 1e-2, 1e-1};
            return quick
                    ? new Settings(1_000, 300, lrs, ravine, 2, 64, 32, 1, 7, true)
                    : new Settings(10_000, 2_000, lrs, ravine, 30, 64, 32, 1, 7, false);
        }
    }

    /**
     * Everything one test function gave: one run per row of the table, in its order, null for a row
     * whose rule cannot step the function's vector ({@link OptimizerSetup#runsOnTestFunctions});
     * {@code steepest} is null where the function is not quadratic.
     */
    public record FunctionRuns(TestFunction fn, List<Trajectory> optimizers, Trajectory newton, Trajectory lbfgs,
                               Trajectory steepest) {

        /** The optimizers' runs (those that ran) and then the references, as charts draw them. */
        public List<Trajectory> all() {
            List<Trajectory> all = new ArrayList<>(optimizers.stream().filter(java.util.Objects::nonNull).toList());
            all.add(newton);
            all.add(lbfgs);
            if (steepest != null) {
                all.add(steepest);
            }
            return all;
        }
    }

    /** Everything the suite measured. */
    public record Results(Settings settings, List<FunctionRuns> functions, Map<String, List<Trajectory>> lrSweep,
                          List<Trainer.Curves> softmax, List<Trainer.Curves> mlp, List<Trainer.Curves> schedules,
                          List<Trainer.Curves> averaging, List<StateFormatRuns> stateFormats,
                          List<StateFormatSeeds> stateFormatSeeds, List<LinearRates.Rates> linearRates, long nanos) {
    }

    /** The optimizer of the weight-averaging runs: its MLP rate, and its SWA rate (half of it). */
    public static final String AVERAGED_OPTIMIZER = "SGD+momentum";
    /** The decay of the EMA run, which averages after every step with timm's warm-up. */
    public static final double EMA_DECAY = 0.999;

    /** Runs the suite, printing one line per experiment to {@code log}. */
    public static Results run(Settings s, PrintStream log) {
        long start = System.nanoTime();
        List<FunctionRuns> functions = new ArrayList<>();
        for (TestFunction fn : TestFunctions.all()) {
            functions.add(runFunction(fn, s.steps()));
            log.println("  " + fn.name() + ": " + OptimizerTable.all().size() + " optimizers x " + s.steps()
                    + " steps, Newton, L-BFGS, " + (fn.quadratic() ? "exact steepest descent" : "no exact line search (not quadratic)"));
        }
        Map<String, List<Trajectory>> sweep = learningRateSweep(s);
        log.println("  learning rates " + java.util.Arrays.toString(s.lrs()) + " on " + s.lrFunction().name()
                + ", " + s.lrSteps() + " steps each");
        List<LinearRates.Rates> rates = LinearRates.sweep();
        log.println("  ravine: linear rates of GD and the heavy ball for kappa 10 to 10^4");
        Digits.Split data = Digits.load().split();
        List<Trainer.Curves> softmax = new ArrayList<>();
        List<Trainer.Curves> mlp = new ArrayList<>();
        Trainer.Schedule miniBatch = Trainer.Schedule.miniBatch(s.batchSize(), s.epochs(), s.shuffleSeed());
        for (OptimizerSetup o : OptimizerTable.all()) {
            DigitsModel linear = DigitsModel.softmaxRegression(s.initSeed());
            softmax.add(Trainer.train(linear, o.buildAll(linear.parameters(), o.lr().softmax()), data, miniBatch));
            DigitsModel net = DigitsModel.mlp(s.hidden(), s.initSeed());
            mlp.add(Trainer.train(net, o.buildAll(net.parameters(), o.lr().mlp()), data, miniBatch));
        }
        log.println("  digits: softmax regression and MLP 64-" + s.hidden() + "-10, " + OptimizerTable.all().size()
                + " optimizers, " + s.epochs() + " epochs of " + miniBatch.name());
        List<Trainer.Curves> schedules = new ArrayList<>();
        OptimizerSetup adam = OptimizerTable.get("Adam");
        for (Trainer.Schedule schedule : List.of(
                Trainer.Schedule.fullBatch(s.epochs(), s.shuffleSeed()),
                miniBatch,
                Trainer.Schedule.singleExample(s.epochs(), s.shuffleSeed()),
                Trainer.Schedule.curriculum(s.batchSize(), s.epochs(), s.shuffleSeed()))) {
            DigitsModel net = DigitsModel.mlp(s.hidden(), s.initSeed());
            schedules.add(Trainer.train(net, adam.build(net.parameters(), adam.lr().mlp()), data, schedule));
        }
        log.println("  digits: MLP with Adam, full-batch, mini-batch, single-example and curriculum training");
        List<Trainer.Curves> averaging = averaging(s, data);
        log.println("  digits: MLP with " + AVERAGED_OPTIMIZER + ", last weights, SWA and EMA");
        List<List<StateFormatRuns>> starts = StateFormatSeeds.starts(s, data, stateSeeds(s));
        List<StateFormatRuns> stateFormats = starts.get(0); // the suite's own start
        List<StateFormatSeeds> seeds = StateFormatSeeds.of(starts);
        log.println("  digits: MLP with " + stateFormats.stream().map(StateFormatRuns::label).toList() + ", state in "
                + StateFormatRuns.FORMATS + ", from " + starts.size() + " starts");
        return new Results(s, functions, sweep, softmax, mlp, schedules, averaging, stateFormats, seeds, rates,
                System.nanoTime() - start);
    }

    /** Starts of the state-format study's repetition ({@link StateFormatSeeds}): 10, or 2 in quick mode. */
    static int stateSeeds(Settings s) {
        return s.quick() ? 2 : 10;
    }

    /** The first epoch (from 1) after which SWA averages: the last quarter of the run, as in PyTorch's example. */
    static int swaStart(int epochs) {
        return 3 * epochs / 4 + 1;
    }

    /**
     * The MLP trained three times from the same start with {@link #AVERAGED_OPTIMIZER} at its table rate
     * on the same mini-batches, evaluated on its last weights, on their SWA (equal average of the weights
     * at the end of each epoch from {@link #swaStart}, with SWALR annealing the rate to half over a tenth
     * of the run, as {@code torch.optim.swa_utils} is used) and on their EMA ({@link #EMA_DECAY} after
     * every step, timm's warm-up). The averages are swapped into the model for each evaluation and out again.
     */
    static List<Trainer.Curves> averaging(Settings s, Digits.Split data) {
        OptimizerSetup o = OptimizerTable.get(AVERAGED_OPTIMIZER);
        double lr = o.lr().mlp();
        List<Trainer.Curves> runs = new ArrayList<>();

        DigitsModel last = DigitsModel.mlp(s.hidden(), s.initSeed());
        runs.add(Trainer.train(last, o.build(last.parameters(), lr)::step, data,
                averagingSchedule("last weights", s), new Trainer.Hooks() {
                }));

        DigitsModel swaNet = DigitsModel.mlp(s.hidden(), s.initSeed());
        Optimizer swaOptimizer = o.build(swaNet.parameters(), lr);
        AveragedModel swa = AveragedModel.of(swaOptimizer, Averaging.equal());
        SWALR swaLr = new SWALR(swaOptimizer, lr / 2, Math.max(1, s.epochs() / 10), SWALR.AnnealStrategy.COS);
        int swaStart = swaStart(s.epochs());
        runs.add(Trainer.train(swaNet, swaOptimizer::step, data,
                averagingSchedule("SWA of epochs " + swaStart + "-" + s.epochs(), s), new Trainer.Hooks() {
                    @Override
                    public void afterEpoch(int epoch) {
                        if (epoch + 1 >= swaStart) {
                            swa.updateParameters();
                            swaLr.step();
                        }
                    }

                    @Override
                    public void evaluate(Runnable evaluation) {
                        withAverages(swa, evaluation);
                    }
                }));

        DigitsModel emaNet = DigitsModel.mlp(s.hidden(), s.initSeed());
        AveragedModel ema = AveragedModel.of(o.build(emaNet.parameters(), lr), Averaging.emaWithWarmup(EMA_DECAY));
        runs.add(Trainer.train(emaNet, ema::step, data,
                averagingSchedule("EMA " + EMA_DECAY + " per step", s), new Trainer.Hooks() {
                    @Override
                    public void evaluate(Runnable evaluation) {
                        withAverages(ema, evaluation);
                    }
                }));
        return runs;
    }

    private static Trainer.Schedule averagingSchedule(String name, Settings s) {
        return new Trainer.Schedule(name, s.batchSize(), false, s.epochs(), s.shuffleSeed());
    }

    /** Runs {@code evaluation} with the averages in the model, if there are any yet, and puts the weights back. */
    static void withAverages(AveragedModel averaged, Runnable evaluation) {
        if (averaged.nAveraged() == 0) {
            evaluation.run();
            return;
        }
        averaged.swapParameters();
        try {
            evaluation.run();
        } finally {
            averaged.swapParameters();
        }
    }

    /**
     * Every optimizer at its table learning rate from {@code fn.start()}, then Newton's method, L-BFGS
     * and (on quadratics) exact steepest descent; Newton and steepest descent fall back to SGD's table
     * rate where the Hessian gives no step.
     */
    public static FunctionRuns runFunction(TestFunction fn, int steps) {
        List<Trajectory> runs = new ArrayList<>();
        for (OptimizerSetup o : OptimizerTable.all()) {
            runs.add(o.runsOnTestFunctions() ? TrajectoryRunner.run(fn, o, o.lr().of(fn), fn.start(), steps) : null);
        }
        double fallbackLr = OptimizerTable.get("SGD").lr().of(fn);
        Trajectory newton = SecondOrder.newton(fn, fn.start(), steps, fallbackLr);
        Trajectory lbfgs = SecondOrder.lbfgs(fn, fn.start(), steps);
        Trajectory steepest = fn.quadratic() ? SecondOrder.exactSteepestDescent(fn, fn.start(), steps, fallbackLr) : null;
        return new FunctionRuns(fn, runs, newton, lbfgs, steepest);
    }

    /** Each optimizer at each of the sweep's learning rates, by optimizer label; Newton under "Newton". */
    static Map<String, List<Trajectory>> learningRateSweep(Settings s) {
        TestFunction fn = s.lrFunction();
        Map<String, List<Trajectory>> runs = new LinkedHashMap<>();
        for (OptimizerSetup o : OptimizerTable.all()) {
            if (!o.runsOnTestFunctions()) {
                continue;
            }
            List<Trajectory> byLr = new ArrayList<>();
            for (double lr : s.lrs()) {
                byLr.add(TrajectoryRunner.run(fn, o, lr, fn.start(), s.lrSteps()));
            }
            runs.put(o.label(), byLr);
        }
        runs.put(SecondOrder.NEWTON, List.of(SecondOrder.newton(fn, fn.start(), s.lrSteps(),
                OptimizerTable.get("SGD").lr().of(fn))));
        return runs;
    }
}
