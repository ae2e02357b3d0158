package vecopt.bench.suite;

import vecopt.bench.storage.MemoryFootprint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * The {@code suite} command: runs the JMH speed benchmarks one by one with a progress line each,
 * then writes {@code report.md}, {@code jmh-results.json} and {@code throughput.png} to the output
 * directory ({@code bench-results/} under the working directory unless {@code --out} says otherwise).
 *
 * <p>Each (benchmark method, size, thread count) is its own JMH run with one fork. JMH forks per
 * parameter combination anyway and the kernels are picked once per JVM, so running them one at a time
 * costs nothing and gives a line per benchmark. Which methods run at which thread counts, and the
 * bandwidth reference once per traffic rather than per rule, is {@link SuitePlan}'s job.
 *
 * <p>Budget of the quick mode, which must finish in under 10 minutes on 2 cores with the build. A run
 * costs about 2.2 s: 0.6-0.7 s to start the fork and 1.5 s of iterations (3 × 300 ms warm-up, as a
 * Panama kernel takes about 0.5 s on an idle machine to reach C2's code and longer on a busy one, then
 * 3 × 200 ms measurement). Per rule
 * benchmark: {@code panama} on 1 and all threads and {@code scalar} on 1 thread at 3 sizes, the slow
 * baselines {@code scalarNoSuperWord} and {@code ejmlUnfused} on 1 thread at 64Ki only (the true
 * scalar target is at 64Ki; the EJML one at 16Mi, outside quick mode): 11 runs. {@code bandwidth} on 1
 * and all threads is 6 runs per distinct traffic (r2w1, r3w2, ... as the registered rules' descriptors
 * state it), the divider bound 6 more. {@code --dry-run} prints the count and the estimate
 * (measured with 2 × 300 ms warm-up: the 48 runs of the two SGD benchmarks and the divider bound took
 * 1 min 31 s on an idle machine). Times whose iterations disagree are marked in the report.
 * The full mode runs 5 sizes, 5 × 1 s warm-up and 5 × 1 s measurement, and the scalar baselines on
 * all thread counts too: about 11 s a run plus filling 64Mi-element arrays, some 90 minutes for all
 * rules. {@code --dry-run} prints the plan and its estimate.
 */
public final class SuiteCommand {

    /** Every fork's JVM arguments besides those of its {@code @Fork}: not the host's, whatever they are. */
    private static final String[] FORK_JVM_ARGS = {"--sun-misc-unsafe-memory-access=allow"};

    /** How JMH says another instance holds its lock ({@code java.io.tmpdir/jmh.lock}). */
    private static final String JMH_LOCK_BUSY = "Unable to acquire the JMH lock";
    private static final Duration LOCK_POLL = Duration.ofSeconds(5);
    private static final Duration LOCK_WAIT = Duration.ofMinutes(30);

    private SuiteCommand() {
    }

    /** Runs the command with the arguments after {@code suite}; returns the process exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        System.setProperty("java.awt.headless", "true");
        int cores = Runtime.getRuntime().availableProcessors();
        SuiteSettings settings;
        try {
            settings = SuiteSettings.parse(args, cores);
        } catch (IllegalArgumentException e) {
            err.println("suite: " + e.getMessage());
            err.println("usage: java -jar vecopt-bench.jar " + SuiteSettings.USAGE);
            return 2;
        }
        if (settings.fromJson() != null) {
            return rewrite(settings, args, out);
        }
        SuiteMode mode = settings.mode();
        List<PlannedRun> runs = SuitePlan.plan(SuitePlan.discover(), mode, settings.include(), settings.sizes(),
                settings.threads());
        if (runs.isEmpty()) {
            err.println("suite: no speed benchmark matches --include " + settings.include());
            return 2;
        }
        out.println("vecopt speed suite (" + mode.label() + "): " + runs.size()
                + (runs.size() == 1 ? " benchmark" : " benchmarks") + ", about "
                + SuiteReport.format(SuitePlan.estimate(runs, mode)) + "; " + mode.describe());
        if (settings.dryRun()) {
            for (int i = 0; i < runs.size(); i++) {
                out.println("[" + (i + 1) + "/" + runs.size() + "] " + runs.get(i).describe());
            }
            return 0;
        }
        Files.createDirectories(settings.out());
        String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        long start = System.nanoTime();
        List<RunResult> raw = new ArrayList<>();
        List<Measurement> measurements = new ArrayList<>();
        AtomicLong waited = new AtomicLong();
        int failed = 0;
        for (int i = 0; i < runs.size(); i++) {
            PlannedRun run = runs.get(i);
            out.print("[" + (i + 1) + "/" + runs.size() + "] " + run.describe() + " ... ");
            out.flush();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try {
                RunResult result = runWhenJmhIsFree(run, mode, log, out, waited);
                raw.add(result);
                var statistics = result.getPrimaryResult().getStatistics();
                Measurement m = new Measurement(run.benchmark().simpleClassName(), run.benchmark().method(),
                        run.benchmark().workload(), run.size(), run.threads(),
                        result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError(),
                        statistics.getMax() / statistics.getMin());
                measurements.add(m);
                out.println(String.format(Locale.ROOT, "%s ns/elem", nsPerElement(m))
                        + (m.unsteady() ? String.format(Locale.ROOT, " † (iterations %s to %s ns/elem)",
                                nsFormat(statistics.getMin() / run.size()), nsFormat(statistics.getMax() / run.size())) : ""));
            } catch (RunnerException | RuntimeException e) {
                failed++;
                out.println("FAILED");
                err.println(log.toString(StandardCharsets.UTF_8));
                err.println("suite: " + run.describe() + " failed: " + e);
            }
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        if (measurements.isEmpty()) {
            err.println("suite: every benchmark failed; no report written");
            return 1;
        }
        Path json = settings.out().resolve("jmh-results.json");
        Path report = settings.out().resolve("report.md");
        Path chart = settings.out().resolve("throughput.png");
        ResultFormatFactory.getInstance(ResultFormatType.JSON, json.toString()).writeOut(raw);
        SuiteInfo info = new SuiteInfo(mode.label(), mode.describe(),
                "java -jar vecopt-bench.jar suite " + String.join(" ", args), machine(), date, wall);
        String memory = "";
        if (settings.include().pattern().equals(SuiteSettings.EVERYTHING)) {
            memory = memorySection(mode, out);
        }
        Files.writeString(report, new SuiteReport(measurements).markdown(info) + memory);
        ThroughputChart.write(measurements, chart);
        out.println("suite: " + measurements.size() + " benchmarks in " + SuiteReport.format(wall)
                + (waited.get() > 0 ? " (" + SuiteReport.format(Duration.ofNanos(waited.get()))
                        + " of it waiting for other JMH runs)" : "")
                + (failed > 0 ? ", " + failed + " FAILED" : ""));
        out.println("suite: wrote " + report + ", " + json + " and " + chart);
        return failed == 0 ? 0 : 1;
    }

    /**
     * The report's memory section: each configuration's bytes per element by formula and as measured
     * in a child JVM ({@link MemoryFootprint}), at {@link SuiteMode#memoryElements()} elements.
     */
    private static String memorySection(SuiteMode mode, PrintStream out) throws IOException {
        int n = mode.memoryElements();
        out.print("memory: " + MemoryFootprint.CONFIGS.size() + " configurations at " + n + " elements ... ");
        out.flush();
        List<MemoryFootprint.Result> results;
        try {
            results = MemoryFootprint.measureAll(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while measuring memory", e);
        }
        long agreeing = results.stream().filter(r -> !Double.isNaN(r.measured()) && r.agrees()).count();
        out.println(agreeing + " of " + results.size() + " within " + MemoryFootprint.LOW + "-" + MemoryFootprint.HIGH
                + " of their formula");
        return "\n## Memory\n\nBytes per parameter element held by the weights, the gradient, a master copy of"
                + " bfloat16 weights and the optimizer's state: the formula (weights and gradient at their type's"
                + " width, master 4, each state buffer 4 in float32, 2 in bfloat16, 1 + 4/256 in 8-bit), and the"
                + " growth of a child JVM's resident set (`VmRSS`) while it allocates one parameter of that many"
                + " elements and its state (`vecopt.bench.storage.MemoryFootprint`). Agrees: measured ÷ formula in ["
                + MemoryFootprint.LOW + ", " + MemoryFootprint.HIGH + "].\n\n" + MemoryFootprint.markdown(results);
    }

    /** {@code --from-json}: the report and chart again from a saved JMH result file, nothing run. */
    private static int rewrite(SuiteSettings settings, List<String> args, PrintStream out) throws IOException {
        List<Measurement> measurements = SuiteResults.fromJson(settings.fromJson(), SuitePlan::workloadOf);
        if (measurements.isEmpty()) {
            throw new IOException(settings.fromJson() + " holds no results");
        }
        Files.createDirectories(settings.out());
        Path report = settings.out().resolve("report.md");
        Path chart = settings.out().resolve("throughput.png");
        SuiteInfo info = new SuiteInfo("rewritten from " + settings.fromJson(), "as recorded in the JSON file",
                "java -jar vecopt-bench.jar suite " + String.join(" ", args), machine(),
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), Duration.ZERO);
        Files.writeString(report, new SuiteReport(measurements).markdown(info));
        ThroughputChart.write(measurements, chart);
        out.println("suite: wrote " + report + " and " + chart + " from " + measurements.size() + " results in "
                + settings.fromJson());
        return 0;
    }

    /**
     * {@link #runOne}, waiting while another JMH run on this machine holds JMH's lock: two at once
     * would spoil each other's times, so JMH refuses to start the second.
     */
    private static RunResult runWhenJmhIsFree(PlannedRun run, SuiteMode mode, ByteArrayOutputStream log,
                                              PrintStream out, AtomicLong waited)
            throws RunnerException, InterruptedException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        boolean told = false;
        while (true) {
            try {
                return runOne(run, mode, log);
            } catch (RunnerException e) {
                if (!String.valueOf(e.getMessage()).contains(JMH_LOCK_BUSY) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!told) {
                    out.print("waiting for another JMH run on this machine to finish ... ");
                    out.flush();
                    told = true;
                }
                log.reset();
                long before = System.nanoTime();
                Thread.sleep(LOCK_POLL.toMillis());
                waited.addAndGet(System.nanoTime() - before);
            }
        }
    }

    /** One benchmark method at one size and thread count, in one fork; JMH's own output goes to {@code log}. */
    private static RunResult runOne(PlannedRun run, SuiteMode mode, ByteArrayOutputStream log) throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(run.benchmark().fullName()) + "$")
                .param("size", Integer.toString(run.size()))
                .param("threads", Integer.toString(run.threads()))
                .forks(1)
                .warmupIterations(mode.warmupIterations())
                .warmupTime(TimeValue.milliseconds(mode.warmupTime().toMillis()))
                .measurementIterations(mode.measurementIterations())
                .measurementTime(TimeValue.milliseconds(mode.measurementTime().toMillis()))
                .jvmArgs(FORK_JVM_ARGS)
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true)
                .build();
        PrintStream jmhOut = new PrintStream(log, true, StandardCharsets.UTF_8);
        Collection<RunResult> results = new Runner(options,
                OutputFormatFactory.createFormatInstance(jmhOut, VerboseMode.NORMAL)).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result, got " + results.size());
        }
        return results.iterator().next();
    }

    private static String nsPerElement(Measurement m) {
        return nsFormat(m.nsPerElement());
    }

    private static String nsFormat(double ns) {
        return String.format(Locale.ROOT, "%.4f", ns);
    }

    /** Cores, CPU, JDK and the Panama kernels' width, in words. */
    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim() + ", ")
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux: leave the CPU out
        }
        OptimizerKernels kernels = OptimizerKernelsProvider.get();
        String vectors = kernels.name().equals("panama")
                ? "Panama kernels at " + kernels.vectorBitSize() + " bits"
                : "Panama width unknown (suite started without --add-modules jdk.incubator.vector)";
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu + System.getProperty("java.vm.name")
                + " " + Runtime.version() + ", " + vectors;
    }
}
