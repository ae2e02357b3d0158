package vecopt.bench.convergence;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code convergence [--out DIR] [--quick] [--dataset digits|fashion-mnist] [--data DIR] [--export-protocol DIR]
 * [--torch FILE] [--threads 1|2]}:
 * runs the convergence suite and writes its charts and {@code summary.md} into DIR (default
 * {@code bench-results/convergence}). With {@code --dataset fashion-mnist} it runs the Adam paper's
 * experiments on Fashion-MNIST ({@link FashionSuite}) instead, reading the data from {@code --data DIR}
 * or where {@code apt-get install dataset-fashion-mnist} puts it; {@code --export-protocol DIR} writes
 * the files {@code bench/tools/fashion_torch.py} reads and exits without training; {@code --torch FILE}
 * compares with the script's output FILE instead of the committed fixture; {@code --threads} is the
 * number of threads of each matrix product ({@link MatrixProducts}; the bits do not depend on it).
 */
public final class ConvergenceCommand {

    /** Where the charts go unless {@code --out} says otherwise. */
    public static final String DEFAULT_OUT = "bench-results/convergence";

    /** The command and its options, as the usage text shows them. */
    public static final String USAGE =
            "convergence [--out DIR] [--quick] [--dataset digits|fashion-mnist] [--data DIR] [--export-protocol DIR]"
                    + " [--torch FILE] [--threads 1|2]";

    /** The data sets {@code --dataset} accepts; the first is the default. */
    public static final List<String> DATASETS = List.of("digits", "fashion-mnist");

    private ConvergenceCommand() {
    }

    /** Runs the command and returns the process exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(DEFAULT_OUT);
        boolean quick = false;
        String dataset = DATASETS.get(0);
        Path data = null;
        Path export = null;
        Path torchFile = null;
        int threads = 1;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quick" -> quick = true;
                case "--out" -> {
                    if (i + 1 == args.size()) {
                        err.println("convergence: --out needs a directory");
                        return 2;
                    }
                    dir = Path.of(args.get(++i));
                }
                case "--dataset", "--data", "--export-protocol", "--torch", "--threads" -> {
                    String option = args.get(i);
                    if (i + 1 == args.size()) {
                        err.println("convergence: " + option + " needs a value");
                        return 2;
                    }
                    String value = args.get(++i);
                    if (option.equals("--dataset")) {
                        if (!DATASETS.contains(value)) {
                            err.println("convergence: unknown dataset " + value + "; expected one of " + String.join(", ", DATASETS));
                            return 2;
                        }
                        dataset = value;
                    } else if (option.equals("--data")) {
                        data = Path.of(value);
                    } else if (option.equals("--torch")) {
                        torchFile = Path.of(value);
                    } else if (option.equals("--threads")) {
                        if (!value.equals("1") && !value.equals("2")) {
                            err.println("convergence: --threads must be 1 or 2, got " + value);
                            return 2;
                        }
                        threads = Integer.parseInt(value);
                    } else {
                        export = Path.of(value);
                    }
                }
                default -> {
                    err.println("convergence: unknown option " + args.get(i));
                    err.println("usage: " + USAGE);
                    return 2;
                }
            }
        }
        // XChart draws with AWT; there may be no display.
        System.setProperty("java.awt.headless", "true");
        if (!dataset.equals("digits") || data != null || export != null || torchFile != null || threads != 1) {
            if (!dataset.equals("fashion-mnist")) {
                err.println("convergence: --data, --export-protocol, --torch and --threads need --dataset fashion-mnist");
                return 2;
            }
            MatrixProducts.setThreads(threads);
            try {
                return fashion(quick, data, export, torchFile, dir, out, err);
            } finally {
                MatrixProducts.setThreads(1);
            }
        }
        ConvergenceSuite.Settings settings = ConvergenceSuite.Settings.of(quick);
        out.println("vecopt convergence suite (" + (quick ? "quick" : "full") + ")");
        ConvergenceSuite.Results results = ConvergenceSuite.run(settings, out);
        long t = System.nanoTime();
        List<Path> files = ConvergenceReport.write(results, dir);
        out.println(String.format(Locale.ROOT, "wrote %d files to %s (experiments %.1f s, charts %.1f s)", files.size(),
                dir.toAbsolutePath().normalize(), results.nanos() / 1e9, (System.nanoTime() - t) / 1e9));
        return 0;
    }

    private static int fashion(boolean quick, Path data, Path export, Path torchFile, Path dir, PrintStream out,
                               PrintStream err)
            throws Exception {
        Path from = data == null ? FashionMnist.DEFAULT_DIR : data;
        String missing = FashionMnist.missingFiles(from);
        if (!missing.isEmpty()) {
            err.println("convergence: Fashion-MNIST not found in " + from + " (missing " + missing + ").");
            err.println("Install it with: sudo apt-get install dataset-fashion-mnist");
            err.println("or download the four files from https://github.com/zalandoresearch/fashion-mnist and pass --data DIR.");
            return 3;
        }
        FashionSuite.Settings settings = FashionSuite.Settings.of(quick);
        FashionMnist.Split all = FashionMnist.load(from);
        if (export != null) {
            List<Path> files = FashionProtocol.export(settings, settings.subset(all), from, export);
            out.println("wrote the protocol (" + files.size() + " files) to " + export.toAbsolutePath().normalize());
            return 0;
        }
        out.println("vecopt convergence suite, Fashion-MNIST (" + (quick ? "quick" : "full") + ")");
        FashionSuite.Results results = FashionSuite.run(settings, all, out, quick ? null : err);
        String signature = FashionProtocol.signature(settings, results.trainSize(), results.validationSize(),
                results.testSize());
        var torch = (torchFile == null ? FashionProtocol.fixture(signature) : FashionProtocol.fixture(signature, torchFile))
                .orElse(null);
        for (FashionSuite.Experiment e : List.of(results.logistic(), results.mlp())) {
            out.print(FashionReport.table(e, torch == null ? null : torch.get(e.name())));
        }
        if (torch == null) {
            out.println("no PyTorch fixture for these settings (" + (torchFile == null ? FashionProtocol.FIXTURE : torchFile)
                    + "): vecopt only");
        }
        long t = System.nanoTime();
        List<Path> files = FashionReport.write(results, torch, dir);
        out.println(String.format(Locale.ROOT, "wrote %d files to %s (experiments %.1f s, charts %.1f s)", files.size(),
                dir.toAbsolutePath().normalize(), results.nanos() / 1e9, (System.nanoTime() - t) / 1e9));
        return 0;
    }
}
