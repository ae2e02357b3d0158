package vecopt.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import vecopt.bench.speed.AdamBenchmark;
import vecopt.bench.speed.AdamDividerBoundBenchmark;
import vecopt.bench.speed.SgdBenchmark;
import vecopt.bench.speed.SgdPlainBenchmark;
import vecopt.bench.speed.Workload;

/**
 * The speed targets vecopt holds itself to, checked on one run. Each is a ratio of two measurements
 * of that run, so it says the same on a fast or a slow machine; a target whose measurements the run
 * did not take (quick mode has no 16Mi) is left out rather than reported as met.
 *
 * <ul>
 *   <li>Adam at 16Mi reaches at least 0.90 of its bandwidth reference, at every thread count;</li>
 *   <li>Adam at 64Ki on 1 thread is within 1.2× of the divider bound (its square root and division alone);</li>
 *   <li>SGD and SGD with momentum at 64Ki on 1 thread are within 1.1× of their bandwidth reference
 *       (they have no root or division to pay, so in cache they are bound by their bytes too);</li>
 *   <li>every other rule at 16Mi is within 1.15× of its bandwidth reference (at least 0.87 of it);</li>
 *   <li>every rule at 16Mi is at least 2× faster than its unfused EJML composition (1 thread);</li>
 *   <li>every rule at 64Ki is at least 4× faster than the true scalar loop (1 thread).</li>
 * </ul>
 */
final class SpeedTargets {

    static final int LARGE = 1 << 24;
    static final int CACHED = 1 << 16;
    static final double ADAM_OF_BANDWIDTH = 0.90;
    static final double ADAM_OVER_DIVIDER = 1.2;
    static final double IN_CACHE_OVER_BANDWIDTH = 1.1;
    static final double OTHER_OVER_BANDWIDTH = 1.15;
    static final double OVER_UNFUSED = 2;
    static final double OVER_TRUE_SCALAR = 4;
    /** The flagship, held to the bandwidth and divider targets. */
    static final Workload ADAM = Workload.of(AdamBenchmark.class);
    static final Workload DIVIDER_BOUND = Workload.of(AdamDividerBoundBenchmark.class);
    /** The rules held to their bandwidth reference in cache too. */
    static final List<Workload> BANDWIDTH_BOUND_IN_CACHE =
            List.of(Workload.of(SgdPlainBenchmark.class), Workload.of(SgdBenchmark.class));

    /** One target applied to one rule at one thread count. */
    record Check(String target, Workload rule, int threads, String measured, boolean met) {
    }

    private final SuiteReport report;

    /** The targets over the report's measurements, with its bandwidth lookup (borrowed references included). */
    SpeedTargets(SuiteReport report) {
        this.report = report;
    }

    /** Every target the run has the measurements for, rule by rule in report order. */
    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        List<Workload> rules = report.results().stream().map(Measurement::workload)
                .filter(w -> !w.reference()).distinct().sorted().toList();
        for (Workload rule : rules) {
            for (int threads : threadCounts(rule, LARGE)) {
                panama(rule, LARGE, threads).ifPresent(fused -> report.bandwidth(rule, LARGE, threads).ifPresent(bw -> {
                    double ofBound = bw.nsPerOp() / fused.nsPerOp();
                    if (rule.equals(ADAM)) {
                        checks.add(new Check("≥ 0.90 of bandwidth reference at 16Mi", rule, threads,
                                String.format(Locale.ROOT, "%.2f", ofBound), ofBound >= ADAM_OF_BANDWIDTH));
                    } else {
                        double over = fused.nsPerOp() / bw.nsPerOp();
                        checks.add(new Check("within 1.15× of bandwidth reference at 16Mi", rule, threads,
                                String.format(Locale.ROOT, "%.2f×", over), over <= OTHER_OVER_BANDWIDTH));
                    }
                }));
            }
            if (rule.equals(ADAM)) {
                panama(rule, CACHED, 1).ifPresent(fused -> find(DIVIDER_BOUND, "panama", CACHED, 1)
                        .ifPresent(divider -> {
                            double over = fused.nsPerOp() / divider.nsPerOp();
                            checks.add(new Check("within 1.2× of the divider bound at 64Ki", rule, 1,
                                    String.format(Locale.ROOT, "%.2f×", over), over <= ADAM_OVER_DIVIDER));
                        }));
            }
            if (BANDWIDTH_BOUND_IN_CACHE.contains(rule)) {
                panama(rule, CACHED, 1).ifPresent(fused -> report.bandwidth(rule, CACHED, 1).ifPresent(bw -> {
                    double over = fused.nsPerOp() / bw.nsPerOp();
                    checks.add(new Check("within 1.1× of bandwidth reference at 64Ki", rule, 1,
                            String.format(Locale.ROOT, "%.2f×", over), over <= IN_CACHE_OVER_BANDWIDTH));
                }));
            }
            speedUp(rule, LARGE, SuiteReport.UNFUSED, "≥ 2× faster than EJML unfused at 16Mi", OVER_UNFUSED)
                    .ifPresent(checks::add);
            speedUp(rule, CACHED, SuiteReport.TRUE_SCALAR, "≥ 4× faster than the true scalar at 64Ki", OVER_TRUE_SCALAR)
                    .ifPresent(checks::add);
        }
        return checks;
    }

    /** The Markdown section, or empty when the run measured none of the targets' points. */
    String markdown() {
        List<Check> checks = checks();
        if (checks.isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder("| rule | target | threads | measured | met |\n|---|---|---:|---:|---|\n");
        for (Check c : checks) {
            t.append("| ").append(c.rule().label()).append(" | ").append(c.target()).append(" | ").append(c.threads())
                    .append(" | ").append(c.measured()).append(" | ").append(c.met() ? "yes" : "**no**").append(" |\n");
        }
        long missed = checks.stream().filter(c -> !c.met()).count();
        t.append('\n').append(missed == 0 ? "All " + checks.size() + " checks met."
                : missed + " of " + checks.size() + " checks missed.").append('\n');
        return t.toString();
    }

    private Optional<Check> speedUp(Workload rule, int size, String baseline, String target, double atLeast) {
        return panama(rule, size, 1).flatMap(fused -> find(rule, baseline, size, 1).map(base -> {
            double speedUp = base.nsPerOp() / fused.nsPerOp();
            return new Check(target, rule, 1, String.format(Locale.ROOT, "%.1f×", speedUp), speedUp >= atLeast);
        }));
    }

    private List<Integer> threadCounts(Workload rule, int size) {
        return report.results().stream()
                .filter(m -> m.workload().equals(rule) && m.size() == size && m.implementation().equals("panama"))
                .map(Measurement::threads).distinct().sorted().toList();
    }

    private Optional<Measurement> panama(Workload rule, int size, int threads) {
        return find(rule, "panama", size, threads);
    }

    private Optional<Measurement> find(Workload rule, String implementation, int size, int threads) {
        return report.find(rule, implementation, size, threads);
    }
}
