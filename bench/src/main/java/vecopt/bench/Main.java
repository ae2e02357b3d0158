package vecopt.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import vecopt.bench.parity.ParityCommand;
import vecopt.bench.suite.SuiteSettings;

/**
 * {@code java -jar vecopt-bench.jar <command> [args]}: the entry point of vecopt's tools.
 * <ul>
 *   <li>{@code suite [--quick|--full] [--include REGEX] [--sizes N,...] [--threads N,...] [--out DIR]}: the
 *       speed benchmarks and their report</li>
 *   <li>{@code parity FILE...}: replays PyTorch trajectories through the engine</li>
 * </ul>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command and returns the process exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return switch (args[0]) {
            case "suite" -> SuiteCommand.run(rest, out, err);
            case "parity" -> ParityCommand.run(rest, out, err);
            case "convergence" -> vecopt.bench.convergence.ConvergenceCommand.run(rest, out, err);
            case "help", "--help", "-h" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("unknown command: " + args[0]);
                usage(err);
                yield 2;
            }
        };
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar vecopt-bench.jar <command> [args]");
        s.println("  " + SuiteSettings.USAGE);
        s.println("      speed benchmarks (JMH); writes report.md, jmh-results.json and throughput.png to bench-results/");
        s.println("  parity FILE...");
        s.println("      replay PyTorch trajectories (JSON, optionally gzipped)");
        s.println("  convergence [--out DIR] [--quick]");
        s.println("      optimizers on test functions and the digits; writes charts and summary.md to bench-results/convergence");
    }
}
