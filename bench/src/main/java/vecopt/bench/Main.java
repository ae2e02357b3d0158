package vecopt.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import vecopt.bench.parity.ParityCommand;

/**
 * {@code java -jar vecopt-bench.jar <command> [args]}: the entry point of vecopt's tools.
 * <ul>
 *   <li>{@code suite [--quick|--full] [--include REGEX]}: the speed benchmarks</li>
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
        s.println("  suite [--quick|--full] [--include REGEX]   speed benchmarks (JMH)");
        s.println("  parity FILE...                              replay PyTorch trajectories (JSON, optionally gzipped)");
        s.println("  convergence [--out DIR] [--quick]           optimizers on test functions and the digits: charts + summary.md");
    }
}
