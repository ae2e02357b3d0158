package vecopt.bench.convergence;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code convergence [--out DIR] [--quick]}: runs the convergence suite and writes its charts and
 * {@code summary.md} into DIR (default {@code bench-results/convergence}).
 */
public final class ConvergenceCommand {

    /** Where the charts go unless {@code --out} says otherwise. */
    public static final String DEFAULT_OUT = "bench-results/convergence";

    /** The command and its options, as the usage text shows them. */
    public static final String USAGE = "convergence [--out DIR] [--quick]";

    private ConvergenceCommand() {
    }

    /** Runs the command and returns the process exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(DEFAULT_OUT);
        boolean quick = false;
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
                default -> {
                    err.println("convergence: unknown option " + args.get(i));
                    err.println("usage: " + USAGE);
                    return 2;
                }
            }
        }
        // XChart draws with AWT; there may be no display.
        System.setProperty("java.awt.headless", "true");
        ConvergenceSuite.Settings settings = ConvergenceSuite.Settings.of(quick);
        out.println("vecopt convergence suite (" + (quick ? "quick" : "full") + ")");
        ConvergenceSuite.Results results = ConvergenceSuite.run(settings, out);
        long t = System.nanoTime();
        List<Path> files = ConvergenceReport.write(results, dir);
        out.println(String.format(Locale.ROOT, "wrote %d files to %s (experiments %.1f s, charts %.1f s)", files.size(),
                dir.toAbsolutePath().normalize(), results.nanos() / 1e9, (System.nanoTime() - t) / 1e9));
        return 0;
    }
}
