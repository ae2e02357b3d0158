package vecopt.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import vecopt.bench.convergence.ConvergenceCommand;
import vecopt.bench.distributed.DistributedCommand;
import vecopt.bench.parity.ParityCommand;
import vecopt.bench.suite.SuiteCommand;
import vecopt.bench.suite.SuiteSettings;

/**
 * {@code java -jar vecopt-bench.jar <command> [args]}: the entry point of vecopt's tools. The commands
 * are the rows of {@link #COMMANDS}; dispatch and the usage text both read that table.
 */
public final class Main {

    /** Every command, in the order the usage text lists them. */
    static final List<Command> COMMANDS = List.of(
            new Command("suite", SuiteSettings.USAGE,
                    "speed benchmarks (JMH); writes report.md, jmh-results.json and throughput.png to bench-results/",
                    SuiteCommand::run),
            new Command("parity", ParityCommand.USAGE,
                    "replay PyTorch trajectories (JSON, optionally gzipped); parity --help lists the exit codes",
                    ParityCommand::run),
            new Command("convergence", ConvergenceCommand.USAGE,
                    "optimizers on test functions and the digits; writes charts and summary.md to bench-results/convergence",
                    ConvergenceCommand::run),
            new Command("distributed", DistributedCommand.USAGE,
                    "digits MLP on Hazelcast members on loopback (sync, Downpour, EASGD, Hogwild!) or push speed; writes to bench-results/distributed",
                    DistributedCommand::run));

    /** Arguments that print the usage text to standard output instead of running a command. */
    private static final List<String> HELP = List.of("help", "--help", "-h");

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
        if (HELP.contains(args[0])) {
            usage(out);
            return 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        for (Command c : COMMANDS) {
            if (c.name().equals(args[0])) {
                return c.handler().run(rest, out, err);
            }
        }
        err.println("unknown command: " + args[0]);
        usage(err);
        return 2;
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar vecopt-bench.jar <command> [args]");
        for (Command c : COMMANDS) {
            s.println("  " + c.usage());
            s.println("      " + c.description());
        }
    }
}
