package vecopt.bench.suite;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;
import vecopt.bench.speed.Workload;

/**
 * Which benchmark runs the suite makes, in which order. Every speed benchmark method runs at every
 * size; the thread counts depend on the implementation:
 * <ul>
 *   <li>{@code ejmlUnfused}: one thread (EJML's element-wise operations are single-threaded);</li>
 *   <li>{@code scalar} and {@code scalarNoSuperWord}: one thread in quick mode, all counts in full mode;</li>
 *   <li>everything else ({@code panama}, {@code bandwidth}, references): every thread count.</li>
 * </ul>
 * In quick mode {@code scalarNoSuperWord} and {@code ejmlUnfused} run only at 64Ki
 * ({@link SuiteMode#slowBaselineSizes()}) when that size is planned, at every planned size otherwise.
 * Runs go in the order of their workloads (rules in registry order, then references). The
 * {@code bandwidth} reference depends only on a rule's traffic, so it runs once per traffic (reads,
 * writes), under the first rule that has it; the report shows it under every rule with it.
 */
public final class SuitePlan {

    /** The package every speed benchmark lives in. */
    public static final String PACKAGE = "vecopt.bench.speed.";

    /** Implementations in the order they run and appear in reports; others follow by name. */
    public static final List<String> IMPLEMENTATIONS =
            List.of("panama", "scalar", "scalarNoSuperWord", "ejmlUnfused", "bandwidth");

    private SuitePlan() {
    }

    /** Every benchmark method of the speed package in this program's JMH benchmark list. */
    public static List<BenchmarkMethod> discover() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        List<BenchmarkMethod> methods = new ArrayList<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(nowhere, VerboseMode.SILENT),
                List.of("^" + Pattern.quote(PACKAGE)), List.of())) {
            String className = e.getUserClassQName();
            String method = e.getUsername().substring(className.length() + 1);
            methods.add(new BenchmarkMethod(className, method, workloadOf(className)));
        }
        return methods;
    }

    /**
     * What a benchmark class measures, read from its {@code @Measures} or {@code @Reference} without
     * initializing it (that would pick the kernels in this JVM).
     */
    public static Workload workloadOf(String className) {
        try {
            return Workload.of(Class.forName(className, false, SuitePlan.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("benchmark class " + className + " is in the benchmark list but not on the class path", e);
        }
    }

    /**
     * Smallest size the quick mode's own plan (its default sizes) runs on more than one thread: below
     * it, with the 23 registered rules, the quick suite would outgrow its 10-minute budget, and a split of 4Ki elements
     * times the hand-off, not the rule. Sizes given explicitly run on every thread count asked for.
     */
    static final int QUICK_SMALLEST_SPLIT_SIZE = 1 << 16;

    /**
     * The runs for {@code methods} whose full name matches {@code include} (a regular expression
     * found anywhere in {@code vecopt.bench.speed.SgdBenchmark.panama}), at {@code sizes} and
     * {@code threadCounts} as the rules of this class allow, in running order.
     */
    public static List<PlannedRun> plan(List<BenchmarkMethod> methods, SuiteMode mode, Pattern include,
                                        List<Integer> sizes, List<Integer> threadCounts) {
        List<BenchmarkMethod> chosen = methods.stream()
                .filter(m -> include.matcher(m.fullName()).find())
                .sorted(Comparator.comparing(BenchmarkMethod::workload)
                        .thenComparing(BenchmarkMethod::className)
                        .thenComparing(m -> implementationRank(m.method()))
                        .thenComparing(BenchmarkMethod::method))
                .toList();
        List<PlannedRun> runs = new ArrayList<>();
        boolean quickDefaults = mode == SuiteMode.QUICK && sizes.equals(mode.sizes());
        Set<String> bandwidthShapes = new HashSet<>();
        for (BenchmarkMethod m : chosen) {
            if (m.method().equals("bandwidth") && !bandwidthShapes.add(m.workload().traffic().shape())) {
                continue;
            }
            List<Integer> threads = threadCounts(m.method(), mode, threadCounts);
            for (int size : sizes(m.method(), mode, sizes)) {
                for (int t : threads) {
                    if (t > 1 && quickDefaults && size < QUICK_SMALLEST_SPLIT_SIZE) {
                        continue; // a second thread at 4Ki measures the hand-off alone: the full mode has it
                    }
                    runs.add(new PlannedRun(m, size, t));
                }
            }
        }
        return runs;
    }

    /**
     * The sizes {@code method} runs at, out of {@code all}: a slow baseline only at the mode's sizes
     * for it, unless none of those is planned.
     */
    static List<Integer> sizes(String method, SuiteMode mode, List<Integer> all) {
        List<Integer> sorted = all.stream().sorted().distinct().toList();
        if (!SuiteMode.SLOW_BASELINES.contains(method) || mode.slowBaselineSizes().isEmpty()) {
            return sorted;
        }
        List<Integer> confined = sorted.stream().filter(mode.slowBaselineSizes()::contains).toList();
        return confined.isEmpty() ? sorted : confined;
    }

    /** The thread counts {@code method} runs with, out of {@code all}. */
    static List<Integer> threadCounts(String method, SuiteMode mode, List<Integer> all) {
        boolean oneThreadOnly = method.equals("ejmlUnfused")
                || (!mode.scalarThreads() && (method.equals("scalar") || method.equals("scalarNoSuperWord")));
        return all.stream().sorted().distinct().filter(t -> !oneThreadOnly || t == 1).toList();
    }

    /** Position of an implementation in reports: the known ones first, in {@link #IMPLEMENTATIONS} order. */
    public static int implementationRank(String method) {
        int i = IMPLEMENTATIONS.indexOf(method);
        return i < 0 ? IMPLEMENTATIONS.size() : i;
    }

    /**
     * Expected wall time of {@code runs} on two cores: forks and iterations, plus about 100 ns per
     * element for filling the arrays and the first, still interpreted, step.
     */
    public static Duration estimate(List<PlannedRun> runs, SuiteMode mode) {
        long setUpNanos = runs.stream().mapToLong(r -> 100L * r.size()).sum();
        return mode.perRun().multipliedBy(runs.size()).plusNanos(setUpNanos);
    }
}
