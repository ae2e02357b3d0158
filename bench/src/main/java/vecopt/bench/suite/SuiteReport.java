package vecopt.bench.suite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import vecopt.bench.speed.Workload;

/**
 * The suite's Markdown report: one row per rule, size, thread count and implementation with time,
 * throughput and the ratios that make results comparable across machines, all taken within one run.
 */
public final class SuiteReport {

    static final String TRUE_SCALAR = "scalarNoSuperWord";
    static final String UNFUSED = "ejmlUnfused";
    static final String BANDWIDTH = "bandwidth";
    private static final String NONE = "–";

    private final List<Measurement> results;

    public SuiteReport(List<Measurement> results) {
        this.results = List.copyOf(results);
    }

    /** The measurements, in the order given. */
    List<Measurement> results() {
        return results;
    }

    /** The whole report. */
    public String markdown(SuiteInfo info) {
        StringBuilder md = new StringBuilder();
        md.append("# vecopt speed suite (").append(info.mode()).append(")\n\n");
        md.append("- Machine: ").append(info.machine()).append('\n');
        md.append("- JMH: ").append(info.settings()).append('\n');
        md.append("- Run: ").append(info.date()).append(", ").append(results.size()).append(" benchmarks in ")
                .append(format(info.wallTime())).append('\n');
        md.append("- Command: `").append(info.command()).append("`\n\n");
        md.append("Ratios compare measurements of this run with each other; absolute times from different runs"
                + " (or different loads on a shared machine) do not compare.\n\n");
        String targets = new SpeedTargets(this).markdown();
        if (!targets.isEmpty()) {
            md.append("## Speed targets\n\n");
            md.append("Ratios of this run's measurements against the targets in the README (Panama fused kernels;"
                    + " 16Mi is out of cache, 64Ki in L2).\n\n");
            md.append(targets).append('\n');
        }
        md.append("## Rules\n\n").append(rulesTable()).append('\n');
        String references = referencesTable();
        if (!references.isEmpty()) {
            md.append("## Divider bound\n\n");
            md.append("Adam's square root and division alone (`out = a / (sqrt(b) + eps)`, Panama vectors): in cache,"
                    + " no rule that divides by a square root per element is faster.\n\n");
            md.append(references).append('\n');
        }
        String threads = threadsSection();
        if (!threads.isEmpty()) {
            md.append("## Threads\n\n");
            md.append("Each thread count > 1 splits every size across a `ChunkedExecutor` pool (threshold 1), so"
                    + " the sizes where splitting pays show here.\n\n");
            md.append(threads);
        }
        md.append("## Columns\n\n").append(legend());
        return md.toString();
    }

    /** The main table, rules only. */
    String rulesTable() {
        StringBuilder t = new StringBuilder();
        t.append("| rule | size | threads | implementation | ns/elem | Gelem/s | GB/s | × true scalar"
                + " | × EJML unfused | of bandwidth bound |\n");
        t.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : ruleRows()) {
            Optional<Measurement> scalar = find(m.workload(), TRUE_SCALAR, m.size(), 1);
            Optional<Measurement> unfused = find(m.workload(), UNFUSED, m.size(), m.threads());
            Optional<Measurement> bandwidth = bandwidth(m.workload(), m.size(), m.threads());
            t.append("| ").append(m.workload().label())
                    .append(" | ").append(sizeLabel(m.size()))
                    .append(" | ").append(m.threads())
                    .append(" | ").append(m.implementation())
                    .append(" | ").append(nsCell(m))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", m.gelemPerSecond()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", m.gbPerSecond()))
                    .append(" | ").append(scalar.map(s -> speedUp(s, m)).orElse(NONE))
                    .append(" | ").append(unfused.map(u -> speedUp(u, m)).orElse(NONE))
                    .append(" | ").append(bandwidth.map(b -> String.format(Locale.ROOT, "%.2f",
                            b.nsPerElement() / m.nsPerElement())).orElse(NONE))
                    .append(" |\n");
        }
        return t.toString();
    }

    /**
     * The rows of the main table: each rule's own measurements plus, where the bandwidth reference
     * of its traffic ran under another rule, that reference (relabelled with this rule, whose traffic
     * is the same) at the sizes and threads the rule has.
     */
    List<Measurement> ruleRows() {
        List<Measurement> rows = new ArrayList<>();
        Map<Workload, List<Measurement>> byRule = new TreeMap<>();
        for (Measurement m : results) {
            if (!m.workload().reference()) {
                byRule.computeIfAbsent(m.workload(), r -> new ArrayList<>()).add(m);
            }
        }
        byRule.forEach((rule, own) -> {
            List<Measurement> all = new ArrayList<>(own);
            own.stream().map(m -> List.of(m.size(), m.threads())).distinct().forEach(point -> {
                if (find(rule, BANDWIDTH, point.get(0), point.get(1)).isEmpty()) {
                    bandwidth(rule, point.get(0), point.get(1)).ifPresent(b -> all.add(new Measurement(b.benchmark(),
                            b.implementation(), rule, b.size(), b.threads(), b.nsPerOp(), b.nsPerOpError(), b.spread())));
                }
            });
            all.sort(Comparator.comparingInt(Measurement::size)
                    .thenComparingInt(Measurement::threads)
                    .thenComparingInt(m -> SuitePlan.implementationRank(m.implementation()))
                    .thenComparing(Measurement::implementation));
            rows.addAll(all);
        });
        return rows;
    }

    /** The reference benchmarks (the divider bound), or empty. */
    String referencesTable() {
        List<Measurement> refs = results.stream().filter(m -> m.workload().reference())
                .sorted(Comparator.comparing(Measurement::workload).thenComparingInt(Measurement::size)
                        .thenComparingInt(Measurement::threads))
                .toList();
        if (refs.isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder("| reference | size | threads | implementation | ns/elem | Gelem/s | GB/s |\n");
        t.append("|---|---:|---:|---|---:|---:|---:|\n");
        for (Measurement m : refs) {
            t.append("| ").append(m.workload().label()).append(" | ").append(sizeLabel(m.size()))
                    .append(" | ").append(m.threads()).append(" | ").append(m.implementation())
                    .append(" | ").append(nsCell(m))
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", m.gelemPerSecond()))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f", m.gbPerSecond())).append(" |\n");
        }
        return t.toString();
    }

    /** For every rule and implementation measured on 1 and on more threads: the speed-ups and the crossover. */
    String threadsSection() {
        Map<String, List<Measurement>> groups = new LinkedHashMap<>();
        results.stream()
                .sorted(Comparator.comparing(Measurement::workload)
                        .thenComparingInt(m -> SuitePlan.implementationRank(m.implementation()))
                        .thenComparing(Measurement::implementation)
                        .thenComparingInt(Measurement::threads)
                        .thenComparingInt(Measurement::size))
                .filter(m -> m.threads() > 1)
                .forEach(m -> groups.computeIfAbsent(m.workload().label() + " | " + m.implementation() + " | " + m.threads(),
                        k -> new ArrayList<>()).add(m));
        StringBuilder table = new StringBuilder();
        StringBuilder crossovers = new StringBuilder();
        for (List<Measurement> group : groups.values()) {
            List<double[]> points = new ArrayList<>(); // size, speed-up
            Measurement first = group.getFirst();
            for (Measurement many : group) {
                Optional<Measurement> one = find(many.workload(), many.implementation(), many.size(), 1);
                if (one.isEmpty()) {
                    continue;
                }
                double speedUp = one.get().nsPerOp() / many.nsPerOp();
                points.add(new double[] {many.size(), speedUp});
                table.append("| ").append(many.workload().label()).append(" | ").append(many.implementation())
                        .append(" | ").append(sizeLabel(many.size()))
                        .append(" | ").append(nsCell(one.get()))
                        .append(" | ").append(many.threads())
                        .append(" | ").append(nsCell(many))
                        .append(" | ").append(String.format(Locale.ROOT, "%.2f×", speedUp)).append(" |\n");
            }
            if (!points.isEmpty()) {
                crossovers.append("- ").append(first.workload().label()).append(", ").append(first.implementation())
                        .append(", ").append(first.threads()).append(" threads: ")
                        .append(crossover(points, first.threads())).append('\n');
            }
        }
        if (table.isEmpty()) {
            return "";
        }
        return "| rule | implementation | size | ns/elem, 1 thread | threads | ns/elem | speed-up over 1 thread |\n"
                + "|---|---|---:|---:|---:|---:|---:|\n" + table + "\nBreak-even (where the threads start to pay; the size"
                + " between the two measured ones interpolated on a log-log scale):\n\n"
                + crossovers + '\n';
    }

    /** Where {@code threads} threads start to beat one, from (size, speed-up) points in ascending size. */
    static String crossover(List<double[]> points, int threads) {
        int from = points.size();
        while (from > 0 && points.get(from - 1)[1] > 1) {
            from--;
        }
        String many = threads + " threads";
        if (from == points.size()) {
            return "1 thread is faster at every measured size, up to " + sizeLabel((int) points.getLast()[0]);
        }
        if (from == 0) {
            return many + " are faster at every measured size, from " + sizeLabel((int) points.getFirst()[0]);
        }
        double[] below = points.get(from - 1);
        double[] above = points.get(from);
        return "between " + sizeLabel((int) below[0]) + " (1 thread faster, "
                + String.format(Locale.ROOT, "%.2f×", below[1]) + ") and "
                + sizeLabel((int) above[0]) + " (" + many + " faster, "
                + String.format(Locale.ROOT, "%.2f×", above[1]) + "); break-even about "
                + approximateSize(breakEven(below, above));
    }

    /**
     * The size where the speed-up crosses 1 between two (size, speed-up) points, interpolated on a
     * log-log scale (the speed-up grows roughly as a power of the size between two measured sizes).
     */
    static double breakEven(double[] below, double[] above) {
        double x0 = Math.log(below[0]);
        double y0 = Math.log(below[1]);
        double x1 = Math.log(above[0]);
        double y1 = Math.log(above[1]);
        return Math.exp(x0 + (0 - y0) * (x1 - x0) / (y1 - y0));
    }

    /** {@code 116Ki}, {@code 1.3Mi}: an estimated size, rounded. */
    static String approximateSize(double size) {
        if (size >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1fMi", size / (1 << 20));
        }
        if (size >= 1 << 10) {
            return Math.round(size / (1 << 10)) + "Ki";
        }
        return Long.toString(Math.round(size));
    }

    private String legend() {
        StringBuilder l = new StringBuilder();
        l.append("- implementation: `panama` the fused Vector API kernel; `scalar` the scalar fallback, called as"
                + " a step calls it, each array with its own offset (C2 then auto-vectorizes none of these loops;"
                + " it did SGD's, SGD momentum's and Adagrad's when every array shared one offset variable);"
                + " `scalarNoSuperWord` the same with `-XX:-UseSuperWord`, the true scalar;"
                + " `ejmlUnfused` the rule as EJML `CommonOps_FDRM` whole-array operations, one pass each"
                + " (single-threaded); `bandwidth` a Panama kernel with the rule's traffic and one FMA per written"
                + " element (measured once per traffic and shown under every rule with that traffic).\n");
        l.append("- threads: the step split across that many threads by `ChunkedExecutor`; 1 is the calling thread.\n");
        l.append("- GB/s: the rule's bytes per element (below) divided by ns/elem.\n");
        l.append("- × true scalar: `scalarNoSuperWord` ns/elem at the same size on 1 thread divided by the row's.\n");
        l.append("- × EJML unfused: `ejmlUnfused` ns/elem at the same size and threads divided by the row's.\n");
        l.append("- of bandwidth bound: `bandwidth` ns/elem at the same size and threads divided by the row's;"
                + " 1.00 moves the data as fast as a kernel that does nothing else.\n");
        l.append(String.format(Locale.ROOT, "- †: the slowest measurement iteration took more than %.1f× the fastest"
                + " (a busy machine, or code C2 had not finished compiling): rerun before trusting that row.%n%n",
                Measurement.UNSTEADY_SPREAD));
        l.append("| rule | reads → writes (float32 arrays) | bytes/elem |\n|---|---|---:|\n");
        results.stream().map(Measurement::workload).distinct().sorted().forEach(r ->
                l.append("| ").append(r.label()).append(" | ").append(r.arrays()).append(" | ")
                        .append(r.bytesPerElement()).append(" |\n"));
        return l.toString();
    }

    Optional<Measurement> find(Workload rule, String implementation, int size, int threads) {
        return results.stream()
                .filter(m -> m.workload().equals(rule) && m.implementation().equals(implementation)
                        && m.size() == size && m.threads() == threads)
                .findFirst();
    }

    /** The bandwidth reference of the rule's traffic: its own if measured, else another rule's with the same. */
    Optional<Measurement> bandwidth(Workload rule, int size, int threads) {
        return find(rule, BANDWIDTH, size, threads).or(() -> results.stream()
                .filter(m -> m.implementation().equals(BANDWIDTH) && m.workload().sameTrafficAs(rule)
                        && m.size() == size && m.threads() == threads)
                .findFirst());
    }

    private static String speedUp(Measurement baseline, Measurement m) {
        return String.format(Locale.ROOT, "%.2f×", baseline.nsPerElement() / m.nsPerElement());
    }

    /** ns/elem, with a mark when the iterations disagreed. */
    static String nsCell(Measurement m) {
        return nsFormat(m.nsPerElement()) + (m.unsteady() ? " †" : "");
    }

    /** Three significant digits at least, never scientific. */
    static String nsFormat(double ns) {
        if (ns >= 10) {
            return String.format(Locale.ROOT, "%.1f", ns);
        }
        if (ns >= 0.1) {
            return String.format(Locale.ROOT, "%.3f", ns);
        }
        return String.format(Locale.ROOT, "%.4f", ns);
    }

    /** {@code 4Ki}, {@code 1Mi}; other sizes as plain numbers. */
    public static String sizeLabel(int size) {
        if (size >= 1 << 20 && size % (1 << 20) == 0) {
            return (size >> 20) + "Mi";
        }
        if (size >= 1 << 10 && size % (1 << 10) == 0) {
            return (size >> 10) + "Ki";
        }
        return Integer.toString(size);
    }

    /** {@code 5 min 48 s}. */
    public static String format(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }
}
