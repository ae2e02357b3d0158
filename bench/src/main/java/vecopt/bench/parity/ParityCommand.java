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
 * each kernel path a table of the largest distance to PyTorch per rule, and a summary; exits with 1 if
 * any case failed, 2 on unreadable input.
 */
public final class ParityCommand {

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

    public static int run(List<String> files, PrintStream out, PrintStream err) {
        if (files.isEmpty()) {
            err.println("usage: parity FILE...   (JSON array of trajectory cases, optionally gzipped)");
            return 2;
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
        for (String file : files) {
            List<TrajectoryCase> cases;
            try {
                cases = TrajectoryFile.read(Path.of(file));
            } catch (IOException | RuntimeException e) {
                err.println("cannot read " + file + ": " + e.getMessage());
                return 2;
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
        out.println(passed + " passed, " + failed + " failed, " + unsupported + " unsupported");
        return failed > 0 ? 1 : 0;
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
