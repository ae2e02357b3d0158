package vecopt.bench.convergence;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/** Writes the suite's charts and its Markdown summary into a directory. */
public final class ConvergenceReport {

    /** The test functions with an animated race. */
    static final List<String> RACES = List.of("saddle", "ravine", "rosenbrock", "beale");

    /** The Markdown summary's file name. */
    public static final String SUMMARY = "summary.md";

    private ConvergenceReport() {
    }

    /** Writes every chart and {@value #SUMMARY} into {@code dir}; returns the files written. */
    public static List<Path> write(ConvergenceSuite.Results r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (ConvergenceSuite.FunctionRuns f : r.functions()) {
            Path trajectories = dir.resolve("trajectories-" + f.fn().name() + ".png");
            Charts.save(Charts.trajectories(f.fn(), f.all()), trajectories);
            files.add(trajectories);
            Path loss = dir.resolve("loss-" + f.fn().name() + ".png");
            Charts.save(Charts.loss(f.fn(), f.all()), loss);
            files.add(loss);
        }
        ConvergenceSuite.Settings s = r.settings();
        for (ConvergenceSuite.FunctionRuns f : r.functions()) {
            if (RACES.contains(f.fn().name())) {
                Path race = dir.resolve("race-" + f.fn().name() + ".gif");
                RaceAnimation.write(f.fn(), RaceAnimation.racers(f, s.steps()), s.steps(), s.quick() ? 6 : 13, race);
                files.add(race);
            }
        }
        Path sweep = dir.resolve("lr-sensitivity-" + s.lrFunction().name() + ".png");
        Charts.saveGrid(Charts.learningRateGrid(s.lrFunction(), new ArrayList<>(r.lrSweep().keySet()), r.lrSweep(),
                s.lrs(), s.lrSteps()), 4, sweep);
        files.add(sweep);
        List<String> optimizers = OptimizerTable.all().stream().map(OptimizerSetup::label).toList();
        List<Color> optimizerColors = optimizers.stream().map(Charts::colorOf).toList();
        Path softmax = dir.resolve("digits-softmax.png");
        Charts.saveGrid(Charts.training("Softmax regression", r.softmax(), optimizers, optimizerColors), 2, softmax);
        files.add(softmax);
        Path mlp = dir.resolve("digits-mlp.png");
        Charts.saveGrid(Charts.training("MLP 64-" + s.hidden() + "-10", r.mlp(), optimizers, optimizerColors), 2, mlp);
        files.add(mlp);
        Path schedules = dir.resolve("digits-mlp-schedules.png");
        List<String> scheduleNames = r.schedules().stream().map(c -> c.schedule().name()).toList();
        List<Color> scheduleColors = java.util.stream.IntStream.range(0, scheduleNames.size())
                .mapToObj(Charts::paletteColor).toList();
        Charts.saveGrid(Charts.training("MLP with Adam", r.schedules(), scheduleNames, scheduleColors), 2, schedules);
        files.add(schedules);
        Path averaging = dir.resolve("digits-mlp-averaging.png");
        List<String> averagingNames = r.averaging().stream().map(c -> c.schedule().name()).toList();
        List<Color> averagingColors = java.util.stream.IntStream.range(0, averagingNames.size())
                .mapToObj(Charts::paletteColor).toList();
        Charts.saveGrid(Charts.training("MLP with " + ConvergenceSuite.AVERAGED_OPTIMIZER + ": last and averaged weights",
                r.averaging(), averagingNames, averagingColors), 2, averaging);
        files.add(averaging);
        for (StateFormatRuns f : r.stateFormats()) {
            Path formats = dir.resolve(stateFormatChart(f.label()));
            List<String> formatNames = f.runs().stream().map(c -> c.schedule().name()).toList();
            List<Color> formatColors = java.util.stream.IntStream.range(0, formatNames.size())
                    .mapToObj(Charts::paletteColor).toList();
            Charts.saveGrid(Charts.training("MLP with " + f.label() + " (lr " + plain(f.lr()) + "): state formats",
                    f.runs(), formatNames, formatColors), 2, formats);
            files.add(formats);
        }
        Path rates = dir.resolve("linear-rates-ravine.png");
        Charts.save(LinearRates.chart(r.linearRates()), rates);
        files.add(rates);
        Path summary = dir.resolve(SUMMARY);
        Files.writeString(summary, summary(r), StandardCharsets.UTF_8);
        files.add(summary);
        return files;
    }

    /** The Markdown summary. */
    public static String summary(ConvergenceSuite.Results r) {
        ConvergenceSuite.Settings s = r.settings();
        StringBuilder md = new StringBuilder();
        md.append("# vecopt convergence suite\n\n");
        md.append(String.format(Locale.ROOT, "%s run: %,d steps per test function, %,d per learning-rate run, "
                        + "%d epochs on the digits; kernels: %s; took %.1f s.%n%n",
                s.quick() ? "Quick" : "Full", s.steps(), s.lrSteps(), s.epochs(),
                OptimizerKernelsProvider.get().name(), r.nanos() / 1e9));
        md.append("Every optimizer starts from the same point on each function, with the learning rate of its row in "
                + "`OptimizerTable`; other hyperparameters are PyTorch's defaults. \"Steps\" is the first step after "
                + "which f − f* ≤ " + plain(ConvergenceSuite.TOLERANCE) + " (on the saddle: |y| ≥ 1, escaped); "
                + "\"—\" means never within the run. Summary cells: steps · final f − f* (saddle: final f), and "
                + "test accuracy · final training loss. Newton's method and exact steepest descent are float64 "
                + "references; where the Hessian gives no step they take SGD's gradient step (counted). L-BFGS is "
                + "vecopt's LBFGS (float32, PyTorch's defaults, strong Wolfe line search), one iteration per step.\n\n");

        md.append("## Summary\n\n");
        md.append("| optimizer |");
        for (ConvergenceSuite.FunctionRuns f : r.functions()) {
            md.append(' ').append(f.fn().name()).append(" |");
        }
        md.append(" digits softmax | digits MLP |\n|---|");
        md.append("---:|".repeat(r.functions().size() + 2)).append('\n');
        List<OptimizerSetup> table = OptimizerTable.all();
        for (int i = 0; i < table.size(); i++) {
            md.append("| ").append(table.get(i).label()).append(" |");
            for (ConvergenceSuite.FunctionRuns f : r.functions()) {
                Trajectory t = f.optimizers().get(i);
                md.append(' ').append(t == null ? NOT_RUN : summaryCell(f.fn(), t)).append(" |");
            }
            Trainer.Curves a = r.softmax().get(i);
            Trainer.Curves b = r.mlp().get(i);
            md.append(String.format(Locale.ROOT, " %.1f%% · %.3f | %.1f%% · %.3f |%n", 100 * a.finalTest().accuracy(),
                    a.finalTrain().loss(), 100 * b.finalTest().accuracy(), b.finalTrain().loss()));
        }
        for (String ref : List.of(SecondOrder.NEWTON, SecondOrder.LBFGS, SecondOrder.STEEPEST)) {
            md.append("| ").append(ref).append(" |");
            for (ConvergenceSuite.FunctionRuns f : r.functions()) {
                Trajectory t = switch (ref) {
                    case SecondOrder.NEWTON -> f.newton();
                    case SecondOrder.LBFGS -> f.lbfgs();
                    default -> f.steepest();
                };
                md.append(' ').append(t == null ? "n/a" : summaryCell(f.fn(), t)).append(" |");
            }
            md.append(" | |\n");
        }
        md.append('\n');

        for (ConvergenceSuite.FunctionRuns f : r.functions()) {
            functionTable(md, f);
        }
        sweepTable(md, r);
        ratesTable(md, r);
        digitsTables(md, r);
        return md.toString();
    }

    /** The cell of a row whose rule cannot step a test function's vector parameter. */
    static final String NOT_RUN = "n/a (matrices only)";

    private static String summaryCell(TestFunction fn, Trajectory t) {
        if (fn.minimizer() != null && Charts.diverged(t)) {
            return "diverged";
        }
        double last = fn.minimizer() == null ? t.lastValue() : t.lastValue() - fn.minimum();
        return stepsCell(fn, t) + " · " + String.format(Locale.ROOT, "%.1e", last);
    }

    private static String stepsCell(TestFunction fn, Trajectory t) {
        int reached = t.firstReached(fn, ConvergenceSuite.TOLERANCE);
        if (reached >= 0) {
            return String.format(Locale.ROOT, "%,d", reached);
        }
        return inLocalMinimum(fn, t) ? "— (local min)" : "—";
    }

    private static boolean inLocalMinimum(TestFunction fn, Trajectory t) {
        return fn.name().equals("two-minima") && t.distanceTo(TestFunctions.twoMinimaLocalMinimizer()) < 0.05;
    }

    private static void functionTable(StringBuilder md, ConvergenceSuite.FunctionRuns f) {
        TestFunction fn = f.fn();
        boolean bounded = fn.minimizer() != null;
        md.append("## ").append(fn.name()).append(": ").append(fn.formula()).append("\n\n");
        double[] st = fn.start();
        md.append(String.format(Locale.ROOT, "Start (%s, %s); %s.%n%n", num(st[0]), num(st[1]),
                bounded ? "minimum " + num(fn.minimum()) + " at (" + num(fn.minimizer()[0]) + ", "
                        + num(fn.minimizer()[1]) + ")" : "unbounded below"));
        md.append("| optimizer | lr | steps | ").append(bounded ? "final f − f*" : "final f")
                .append(" | final (x, y) | note |\n|---|---:|---:|---:|---|---|\n");
        for (int i = 0; i < f.optimizers().size(); i++) {
            if (f.optimizers().get(i) == null) {
                md.append("| ").append(OptimizerTable.all().get(i).label()).append(" | | | | | not run: ")
                        .append(OptimizerTable.all().get(i).torchName()).append(" steps matrices only, the parameter"
                                + " here is a vector of 2 |\n");
            }
        }
        for (Trajectory t : f.all()) {
            double[] last = t.last();
            String note = t.stop();
            if (t.label().equals(SecondOrder.NEWTON) || t.label().equals(SecondOrder.STEEPEST)) {
                String fb = t.fallbacks() + " of " + t.steps() + " steps were gradient steps (Hessian not positive definite"
                        + (t.label().equals(SecondOrder.NEWTON) ? ")" : " along g)");
                note = note.isEmpty() ? fb : fb + "; " + note;
            }
            if (inLocalMinimum(fn, t)) {
                note = note.isEmpty() ? "local minimum" : "local minimum; " + note;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | (%s, %s) | %s |%n", t.label(),
                    Double.isNaN(t.lr()) ? "—" : plain(t.lr()), stepsCell(fn, t),
                    num(bounded ? t.lastValue() - fn.minimum() : t.lastValue()), num(last[0]), num(last[1]), note));
        }
        md.append('\n');
    }

    private static void ratesTable(StringBuilder md, ConvergenceSuite.Results r) {
        md.append("## Linear rates on the quadratic ravine\n\n");
        md.append("vecopt's SGD at the optimal step 2 / (κ + 1), and with momentum at lr 4 / (√κ + 1)² and "
                + "β = ((√κ − 1) / (√κ + 1))² (the heavy ball); r fitted to log ‖x_t‖ = a + c log t + t log r.\n\n");
        md.append("| κ | GD measured | GD (κ−1)/(κ+1) | heavy ball measured | heavy ball (√κ−1)/(√κ+1) |\n|---:|---:|---:|---:|---:|\n");
        for (LinearRates.Rates x : r.linearRates()) {
            md.append(String.format(Locale.ROOT, "| %.0f | %.6f | %.6f | %.6f | %.6f |%n", x.kappa(), x.gd(), x.gdTheory(),
                    x.heavyBall(), x.heavyBallTheory()));
        }
        md.append('\n');
    }

    private static void sweepTable(StringBuilder md, ConvergenceSuite.Results r) {
        ConvergenceSuite.Settings s = r.settings();
        TestFunction fn = s.lrFunction();
        md.append("## Learning-rate sensitivity on the ").append(fn.name()).append("\n\n");
        md.append("The same global learning rates for every optimizer, ").append(String.format(Locale.ROOT, "%,d", s.lrSteps()))
                .append(" steps from (").append(num(fn.start()[0])).append(", ").append(num(fn.start()[1]))
                .append("). Each cell: f − f* after the run, and the steps to f − f* ≤ ")
                .append(ConvergenceSuite.TOLERANCE).append(".\n\n| optimizer |");
        for (double lr : s.lrs()) {
            md.append(" lr ").append(TestFunctions.fmt(lr)).append(" |");
        }
        md.append("\n|---|").append("---:|".repeat(s.lrs().length)).append('\n');
        for (Map.Entry<String, List<Trajectory>> e : r.lrSweep().entrySet()) {
            if (e.getValue().size() != s.lrs().length) {
                continue;
            }
            md.append("| ").append(e.getKey()).append(" |");
            for (Trajectory t : e.getValue()) {
                String cell = t.stop().isEmpty() || t.stop().startsWith("converged")
                        ? num(t.lastValue() - fn.minimum()) + " (" + stepsCell(fn, t) + ")" : "diverged";
                md.append(' ').append(cell).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static void digitsTables(StringBuilder md, ConvergenceSuite.Results r) {
        ConvergenceSuite.Settings s = r.settings();
        md.append("## Digits: softmax regression and an MLP\n\n");
        md.append(String.format(Locale.ROOT, "8x8 digits, %d training and %d test images (fixed split, seed %d); "
                        + "%d epochs of mini-batches of %d, reshuffled every epoch (seed %d); initialisation seed %d. "
                        + "Accuracy on the test set after the last epoch; loss is the mean cross-entropy on the training set.%n%n",
                Digits.SAMPLES - Digits.TEST_SIZE, Digits.TEST_SIZE,
                Digits.SPLIT_SEED, s.epochs(), s.batchSize(), s.shuffleSeed(), s.initSeed()));
        md.append("| optimizer | softmax lr | softmax test acc | softmax train loss | MLP lr | MLP test acc | MLP train loss |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        List<OptimizerSetup> table = OptimizerTable.all();
        for (int i = 0; i < table.size(); i++) {
            Trainer.Curves a = r.softmax().get(i);
            Trainer.Curves b = r.mlp().get(i);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f%% | %.4f | %s | %.1f%% | %.4f |%s%n",
                    table.get(i).label(), plain(table.get(i).lr().softmax()),
                    100 * a.finalTest().accuracy(), a.finalTrain().loss(), plain(table.get(i).lr().mlp()),
                    100 * b.finalTest().accuracy(), b.finalTrain().loss(),
                    a.stop().isEmpty() && b.stop().isEmpty() ? "" : " " + a.stop() + " " + b.stop()));
        }
        md.append("\n### MLP with Adam (lr ").append(TestFunctions.fmt(OptimizerTable.get("Adam").lr().mlp()))
                .append(") under each training schedule\n\n");
        md.append("Same number of epochs (passes over the data) for each; the curriculum starts with the easiest "
                + (int) (100 * Trainer.CURRICULUM_START) + "% of the training set by distance to the mean image of "
                + "the class, and grows linearly to all of it by the middle epoch.\n\n");
        int train = Digits.SAMPLES - Digits.TEST_SIZE;
        md.append(String.format(Locale.ROOT, "Full-batch training takes one step per epoch, %d in all, where mini-batches "
                + "of %d take %d per epoch and single examples %,d.%n%n", s.epochs(), s.batchSize(),
                (train + s.batchSize() - 1) / s.batchSize(), train));
        md.append("| schedule | steps | test acc | train loss | time |\n|---|---:|---:|---:|---:|\n");
        for (Trainer.Curves c : r.schedules()) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.1f%% | %.4f | %.2f s |%n", c.schedule().name(), c.steps(),
                    100 * c.finalTest().accuracy(), c.finalTrain().loss(), c.nanos() / 1e9));
        }
        md.append('\n');
        averagingTable(md, r);
        stateFormatTable(md, r);
        stateFormatSeedsTable(md, r);
    }

    /** The file name of {@code label}'s state-format chart: {@code digits-mlp-state-sgd-momentum.png}. */
    static String stateFormatChart(String label) {
        return "digits-mlp-state-" + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".png";
    }

    private static void stateFormatTable(StringBuilder md, ConvergenceSuite.Results r) {
        md.append("### MLP with compressed optimizer state\n\n");
        md.append("Each optimizer whose rule can store its state compressed, trained from the same start on the same"
                + " mini-batches once per state format (`Optimizer.setStateFormat`). 8-bit state applies to tensors of"
                + " at least 4,096 elements only (here the first layer's weights), as in bitsandbytes. The issue's"
                + " target: 8-bit and stochastically rounded bfloat16 within 0.5 points of float32's test accuracy.\n\n");
        md.append("| optimizer | state format | test acc | vs float32 (points) | train loss |\n|---|---|---:|---:|---:|\n");
        for (StateFormatRuns f : r.stateFormats()) {
            for (int i = 0; i < f.runs().size(); i++) {
                Trainer.Curves c = f.runs().get(i);
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f%% | %s | %.4f |%s%n", f.label(), c.schedule().name(),
                        100 * c.finalTest().accuracy(), i == 0 ? "" : String.format(Locale.ROOT, "%+.2f", f.accuracyDifferencePoints(i)),
                        c.finalTrain().loss(), c.stop().isEmpty() ? "" : " " + c.stop()));
            }
        }
        md.append('\n');
    }

    private static void stateFormatSeedsTable(StringBuilder md, ConvergenceSuite.Results r) {
        if (r.stateFormatSeeds().isEmpty()) {
            return;
        }
        int seeds = r.stateFormatSeeds().get(0).seeds();
        md.append("### MLP with compressed optimizer state, from ").append(seeds).append(" starts\n\n");
        md.append("The runs above repeated from ").append(seeds).append(" starts (initial weights and mini-batch order"
                + " from the suite's seeds plus 0 to ").append(seeds - 1).append("; the first is the run above), each"
                + " format against float32 from the same start: the mean difference in test accuracy, in points, and"
                + " the worst and best run. One test image is 0.28 points, so a single run's difference is mostly noise;"
                + " the target (8-bit and stochastically rounded bfloat16 within 0.5 points of float32) is read off the"
                + " mean.\n\n");
        md.append("| optimizer");
        for (int i = 1; i < StateFormatRuns.FORMATS.size(); i++) {
            md.append(" | ").append(StateFormatRuns.FORMATS.get(i)).append(": mean [worst, best]");
        }
        md.append(" |\n|---");
        md.append("|---:".repeat(StateFormatRuns.FORMATS.size() - 1)).append("|\n");
        for (StateFormatSeeds f : r.stateFormatSeeds()) {
            md.append("| ").append(f.label());
            for (int i = 1; i < StateFormatRuns.FORMATS.size(); i++) {
                md.append(String.format(Locale.ROOT, " | %+.2f [%+.2f, %+.2f]", hundredths(f.mean(i)),
                        hundredths(f.worst(i)), hundredths(f.best(i))));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    /** {@code x} rounded to hundredths, a rounded -0 made +0 (a mean of -1e-17 prints as +0.00). */
    private static double hundredths(double x) {
        return Math.round(x * 100) / 100.0 + 0.0;
    }

    private static void averagingTable(StringBuilder md, ConvergenceSuite.Results r) {
        ConvergenceSuite.Settings s = r.settings();
        double lr = OptimizerTable.get(ConvergenceSuite.AVERAGED_OPTIMIZER).lr().mlp();
        md.append("### MLP with ").append(ConvergenceSuite.AVERAGED_OPTIMIZER).append(" (lr ").append(plain(lr))
                .append("): last weights against their averages\n\n");
        md.append(String.format(Locale.ROOT, "Three runs from the same start on the same mini-batches, each evaluated on"
                + " other weights (`AveragedModel`, swapped into the model for each evaluation): its last weights; their"
                + " SWA, the equal average of the weights at the end of epochs %d to %d, with `SWALR` annealing the rate"
                + " to %s over %d epoch(s) (cosine) as it starts; their EMA with decay %s after every step, timm's"
                + " warm-up.%n%n", ConvergenceSuite.swaStart(s.epochs()), s.epochs(), plain(lr / 2),
                Math.max(1, s.epochs() / 10), plain(ConvergenceSuite.EMA_DECAY)));
        md.append("| weights | test acc | test loss | train loss | time |\n|---|---:|---:|---:|---:|\n");
        for (Trainer.Curves c : r.averaging()) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.4f | %.4f | %.2f s |%s%n", c.schedule().name(),
                    100 * c.finalTest().accuracy(), c.finalTest().loss(), c.finalTrain().loss(), c.nanos() / 1e9,
                    c.stop().isEmpty() ? "" : " " + c.stop()));
        }
        md.append('\n');
    }

    /** A learning rate or tolerance as written by hand: 0.0002, 0.01, 1. */
    static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A number in at most 4 significant digits, plain or scientific. */
    static String num(double v) {
        if (v == 0) {
            return "0";
        }
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            if (s.contains(".") && !s.contains("e")) {
                s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            return s;
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
