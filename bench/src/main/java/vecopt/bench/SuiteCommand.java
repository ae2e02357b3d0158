package vecopt.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** The {@code suite} command: runs the JMH speed benchmarks and prints ns per element. */
final class SuiteCommand {

    private SuiteCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        boolean full = false;
        String include = "vecopt\\.bench\\.speed\\..*";
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quick" -> full = false;
                case "--full" -> full = true;
                case "--include" -> {
                    if (i + 1 == args.size()) {
                        err.println("--include needs a regular expression");
                        return 2;
                    }
                    include = args.get(++i);
                }
                default -> {
                    err.println("suite: unknown option " + args.get(i));
                    return 2;
                }
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .timeUnit(TimeUnit.NANOSECONDS);
        if (full) {
            options.warmupIterations(5).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(10).measurementTime(TimeValue.seconds(1));
        } else {
            options.warmupIterations(2).warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(300));
        }
        out.println("vecopt speed suite (" + (full ? "full" : "quick") + "), benchmarks matching " + include);
        Collection<RunResult> results = new Runner(options.build()).run();
        List<String> lines = new ArrayList<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            int size = Integer.parseInt(r.getParams().getParam("size"));
            double nsPerOp = r.getPrimaryResult().getScore();
            lines.add(String.format("%-55s %10d %10.3f ns/elem %8.2f Gelem/s",
                    label.substring(label.lastIndexOf('.', label.lastIndexOf('.') - 1) + 1),
                    size, nsPerOp / size, size / nsPerOp));
        }
        out.printf("%-55s %10s %18s %16s%n", "benchmark", "size", "time", "throughput");
        lines.forEach(out::println);
        return 0;
    }
}
