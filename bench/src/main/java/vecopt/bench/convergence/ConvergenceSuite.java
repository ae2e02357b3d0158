package vecopt.bench.convergence;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every experiment of the convergence suite: each optimizer of {@link OptimizerTable} from the
 * same start on each test function, with Newton's method and exact steepest descent beside them; a
 * learning-rate sweep on one function; and every optimizer training softmax regression and an MLP
 * on the digits, plus the MLP with Adam under each training schedule.
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
     * whose rule cannot step the function's vector ({@link OptimizerSetup#runsOnTestFunctions}).
     */
    public record FunctionRuns(TestFunction fn, List<Trajectory> optimizers, Trajectory newton, Trajectory steepest) {

        /** The optimizers' runs (those that ran) and then the references, as charts draw them. */
        public List<Trajectory> all() {
            List<Trajectory> all = new ArrayList<>(optimizers.stream().filter(java.util.Objects::nonNull).toList());
            all.add(newton);
            if (steepest != null) {
                all.add(steepest);
            }
            return all;
        }
    }

    /** Everything the suite measured. */
    public record Results(Settings settings, List<FunctionRuns> functions, Map<String, List<Trajectory>> lrSweep,
                          List<Trainer.Curves> softmax, List<Trainer.Curves> mlp, List<Trainer.Curves> schedules,
                          long nanos) {
    }

    /** Runs the suite, printing one line per experiment to {@code log}. */
    public static Results run(Settings s, PrintStream log) {
        long start = System.nanoTime();
        List<FunctionRuns> functions = new ArrayList<>();
        for (TestFunction fn : TestFunctions.all()) {
            functions.add(runFunction(fn, s.steps()));
            log.println("  " + fn.name() + ": " + OptimizerTable.all().size() + " optimizers x " + s.steps()
                    + " steps, Newton, " + (fn.quadratic() ? "exact steepest descent" : "no exact line search (not quadratic)"));
        }
        Map<String, List<Trajectory>> sweep = learningRateSweep(s);
        log.println("  learning rates " + java.util.Arrays.toString(s.lrs()) + " on " + s.lrFunction().name()
                + ", " + s.lrSteps() + " steps each");
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
        return new Results(s, functions, sweep, softmax, mlp, schedules, System.nanoTime() - start);
    }

    /**
     * Every optimizer at its table learning rate from {@code fn.start()}, then Newton's method and (on
     * quadratics) exact steepest descent; the references fall back to SGD's table rate where the
     * Hessian gives no step.
     */
    public static FunctionRuns runFunction(TestFunction fn, int steps) {
        List<Trajectory> runs = new ArrayList<>();
        for (OptimizerSetup o : OptimizerTable.all()) {
            runs.add(o.runsOnTestFunctions() ? TrajectoryRunner.run(fn, o, o.lr().of(fn), fn.start(), steps) : null);
        }
        double fallbackLr = OptimizerTable.get("SGD").lr().of(fn);
        Trajectory newton = SecondOrder.newton(fn, fn.start(), steps, fallbackLr);
        Trajectory steepest = fn.quadratic() ? SecondOrder.exactSteepestDescent(fn, fn.start(), steps, fallbackLr) : null;
        return new FunctionRuns(fn, runs, newton, steepest);
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
