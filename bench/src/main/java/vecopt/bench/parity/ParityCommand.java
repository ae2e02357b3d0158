package vecopt.bench.parity;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * {@code parity FILE...}: replays every case of every trajectory file on the scalar kernels and, when
 * the Vector API is enabled, on the Panama kernels too. Prints one line per case (verdict, largest
 * absolute and relative error, largest distance in ulps, {@code exact} when every bit agrees), then for
 * each kernel path a table of the largest distance to PyTorch per rule, and a summary.
 *
 * <p>Exit status, one per outcome; when several apply the first in this order wins
 * ({@link #FAILED} over {@link #UNREADABLE} over {@link #NOTHING_VERIFIED}):
 * <ul>
 *   <li>{@value #FAILED}: some case failed;</li>
 *   <li>{@value #UNREADABLE}: a file could not be read or parsed (its message names the file, the case
 *       and the field); the other files are still replayed and the summary still printed;</li>
 *   <li>{@value #NOTHING_VERIFIED}: nothing was verified: no file held a case, or every case was
 *       unsupported;</li>
 *   <li>{@value #PASSED}: every case passed or was unsupported, at least one passed, and every file was
 *       read;</li>
 *   <li>{@value #USAGE_ERROR}: no file named, or an unknown option; nothing is replayed.</li>
 * </ul>
 */
public final class ParityCommand {

    /** Every file was read, no case failed, and at least one case passed. */
    public static final int PASSED = 0;
    /** Some case failed. */
    public static final int FAILED = 1;
    /** No file named, or an unknown option. */
    public static final int USAGE_ERROR = 2;
    /** A file could not be read or parsed, and no case failed. */
    public static final int UNREADABLE = 3;
    /** Every file was read and no case failed, but none passed: no cases, or all unsupported. */
    public static final int NOTHING_VERIFIED = 4;

    /** The command line, for the list of commands in {@code vecopt-bench.jar}'s usage text. */
    public static final String USAGE = "parity [--help] FILE...";

    /** The usage text: arguments, output and exit status. */
    public static final String HELP = """
            usage: java --add-modules jdk.incubator.vector -jar vecopt-bench.jar parity FILE...
              Replays PyTorch trajectories (a JSON array of {name, optimizer, hyper, size, steps, init, grads,
              params} objects, optionally gzipped; NaN and Infinity as Python's json.dump writes them) on the
              scalar kernels and, with the Vector API, the Panama kernels. Prints PASS, FAIL or UNSUPPORTED
              per case, the largest distance to PyTorch per rule, and a summary.
            exit status (the first that applies, in this order):
              1  some case failed
              3  a file could not be read or parsed (the other files are still replayed)
              4  nothing was verified: no cases, or every case unsupported
              0  every case passed or was unsupported, at least one passed
              2  usage error: no FILE, or an unknown option (nothing is replayed)
            """;

    private ParityCommand() {
    }

    /** Largest errors of one rule's supported cases on one kernel path. */
    private static final class RuleFigures {
        int cases;
        long steps;
        long maxUlp;
        double maxRelError;
        boolean exact = true;

        void add(TrajectoryCase c, ParityReplay.Result r) {
            cases++;
            steps += c.steps();
            maxUlp = Math.max(maxUlp, r.maxUlp());
            maxRelError = Math.max(maxRelError, r.maxRelError());
            exact &= r.exact();
        }
    }

    /**
     * Runs the command on {@code args} (options and files), printing results on {@code out} and problems
     * on {@code err}; returns the exit status described in the class comment.
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        boolean options = true;
        for (String a : args) {
            if (options && a.equals("--")) {
                options = false;
            } else if (options && (a.equals("--help") || a.equals("-h"))) {
                out.print(HELP);
                return PASSED;
            } else if (options && a.startsWith("-") && a.length() > 1) {
                err.println("parity: unknown option " + a);
                err.print(HELP);
                return USAGE_ERROR;
            } else {
                files.add(a);
            }
        }
        if (files.isEmpty()) {
            err.println("parity: no trajectory file named");
            err.print(HELP);
            return USAGE_ERROR;
        }
        List<OptimizerKernels> paths = new ArrayList<>();
        paths.add(OptimizerKernelsProvider.scalar());
        if (!OptimizerKernelsProvider.get().name().equals("scalar")) {
            paths.add(OptimizerKernelsProvider.get());
        }
        out.println("kernels: " + String.join(", ", paths.stream().map(ParityCommand::describe).toList())
                + "; tolerance |got - want| <= " + ParityReplay.ABS_TOLERANCE + " + "
                + ParityReplay.REL_TOLERANCE + " |want|");
        List<Map<String, RuleFigures>> perPath = new ArrayList<>();
        for (int k = 0; k < paths.size(); k++) {
            perPath.add(new LinkedHashMap<>());
        }
        int passed = 0;
        int failed = 0;
        int unsupported = 0;
        int unreadable = 0;
        for (String file : files) {
            List<TrajectoryCase> cases;
            try {
                cases = TrajectoryFile.read(Path.of(file));
            } catch (IOException e) {
                err.println("parity: " + e.getMessage());
                unreadable++;
                continue;
            } catch (RuntimeException e) { // an invalid path name, for one
                err.println("parity: " + file + ": cannot read: " + e.getMessage());
                unreadable++;
                continue;
            }
            if (cases.isEmpty()) {
                err.println("parity: " + file + ": holds no cases");
            }
            for (TrajectoryCase c : cases) {
                ParityReplay.Result result = null;
                for (int k = 0; k < paths.size(); k++) {
                    ParityReplay.Result r = ParityReplay.replay(c, paths.get(k));
                    if (r.verdict() != ParityReplay.Verdict.UNSUPPORTED) {
                        perPath.get(k).computeIfAbsent(c.optimizer(), x -> new RuleFigures()).add(c, r);
                    }
                    result = result == null ? r : result.combine(r);
                }
                out.printf("%s %s %.3e %.3e %s ulp%s%s%n", c.name(), result.verdict(), result.maxAbsError(),
                        result.maxRelError(), ulps(result.maxUlp()), result.exact() ? " exact" : "",
                        result.detail().isEmpty() ? "" : "  (" + result.detail() + ")");
                switch (result.verdict()) {
                    case PASS -> passed++;
                    case FAIL -> failed++;
                    case UNSUPPORTED -> unsupported++;
                }
            }
        }
        for (int k = 0; k < paths.size(); k++) {
            printTable(describe(paths.get(k)), perPath.get(k), out);
        }
        out.println(passed + " passed, " + failed + " failed, " + unsupported + " unsupported"
                + (unreadable == 0 ? "" : "; " + unreadable + " of " + files.size() + " files could not be read"));
        if (failed > 0) {
            err.println("parity: exit " + FAILED + ": " + failed + (failed == 1 ? " case" : " cases") + " failed");
            return FAILED;
        }
        if (unreadable > 0) {
            err.println("parity: exit " + UNREADABLE + ": " + unreadable + " of " + files.size()
                    + (files.size() == 1 ? " file" : " files") + " could not be read");
            return UNREADABLE;
        }
        if (passed == 0) {
            err.println("parity: exit " + NOTHING_VERIFIED + ": nothing was verified ("
                    + (unsupported == 0 ? "no cases" : "every case is unsupported") + ")");
            return NOTHING_VERIFIED;
        }
        return PASSED;
    }

    /** One Markdown table: rule, cases, steps, max ulp, max relative error, exact. */
    private static void printTable(String path, Map<String, RuleFigures> rules, PrintStream out) {
        out.println();
        out.println("Distance to PyTorch per rule, " + path + " kernels:");
        out.println();
        out.println("| rule | cases | steps | max ulp | max relative error | exact |");
        out.println("|---|---:|---:|---:|---:|---|");
        rules.forEach((rule, f) -> out.printf("| %s | %d | %d | %s | %.2e | %s |%n", rule, f.cases, f.steps,
                ulps(f.maxUlp), f.maxRelError, f.exact ? "yes" : "no"));
        out.println();
    }

    private static String describe(OptimizerKernels kernels) {
        return kernels.name().equals("scalar") ? "scalar" : kernels.name() + " (" + kernels.vectorBitSize() + "-bit)";
    }

    private static String ulps(long ulp) {
        return ulp == Long.MAX_VALUE ? "NaN" : Long.toString(ulp);
    }
}
