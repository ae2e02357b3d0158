package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.bench.speed.Workload;

/** The report's arithmetic and layout, on made-up measurements. */
class SuiteReportTest {

    /** {@code nsPerElement} ns/elem at 4Ki. */
    private static Measurement at4Ki(Workload rule, String implementation, int threads, double nsPerElement) {
        return new Measurement("X", implementation, rule, 4096, threads, nsPerElement * 4096, 1.0);
    }

    private static List<Measurement> adamAt4Ki() {
        return List.of(
                at4Ki(Workloads.ADAM, "panama", 1, 0.5),
                at4Ki(Workloads.ADAM, "panama", 2, 0.4),
                at4Ki(Workloads.ADAM, "scalar", 1, 1.0),
                at4Ki(Workloads.ADAM, "scalarNoSuperWord", 1, 4.0),
                at4Ki(Workloads.ADAM, "ejmlUnfused", 1, 2.0),
                at4Ki(Workloads.ADAM, "bandwidth", 1, 0.25),
                at4Ki(Workloads.ADAM, "bandwidth", 2, 0.2));
    }

    @Test
    void rowsCarryThroughputAndEveryRatioFromTheSameRun() {
        String table = new SuiteReport(adamAt4Ki()).rulesTable();
        // 28 bytes per element / 0.5 ns = 56 GB/s; 4.0 / 0.5 = 8× over true scalar; 2.0 / 0.5 = 4× over EJML;
        // bandwidth 0.25 / 0.5 = half the bound.
        assertTrue(table.contains("| Adam | 4Ki | 1 | panama | 0.500 | 2.00 | 56.0 | 8.00× | 4.00× | 0.50 |"), table);
        // Two threads: true scalar is the 1-thread one; no EJML on 2 threads; the 2-thread bandwidth reference.
        assertTrue(table.contains("| Adam | 4Ki | 2 | panama | 0.400 | 2.50 | 70.0 | 10.00× | – | 0.50 |"), table);
        assertTrue(table.contains("| Adam | 4Ki | 1 | scalarNoSuperWord | 4.000 | 0.25 | 7.0 | 1.00× | 0.50× | 0.06 |"), table);
        assertTrue(table.contains("| Adam | 4Ki | 1 | bandwidth | 0.250 | 4.00 | 112.0 | 16.00× | 8.00× | 1.00 |"), table);
    }

    @Test
    void rowsGoBySizeThenThreadsThenImplementation() {
        List<Measurement> shuffled = new ArrayList<>(adamAt4Ki());
        java.util.Collections.reverse(shuffled);
        shuffled.add(new Measurement("X", "panama", Workloads.ADAM, 1 << 20, 1, 1e6, 1));
        List<String> order = new SuiteReport(shuffled).ruleRows().stream()
                .map(m -> m.size() + "/" + m.threads() + "/" + m.implementation()).toList();
        assertEquals(List.of("4096/1/panama", "4096/1/scalar", "4096/1/scalarNoSuperWord", "4096/1/ejmlUnfused",
                "4096/1/bandwidth", "4096/2/panama", "4096/2/bandwidth", "1048576/1/panama"), order);
    }

    @Test
    void aRuleWithTheSameTrafficBorrowsTheBandwidthReference() {
        List<Measurement> results = new ArrayList<>(adamAt4Ki());
        results.add(at4Ki(Workloads.NADAM, "panama", 1, 0.5));
        results.add(at4Ki(Workloads.SGD, "panama", 1, 0.5));
        String table = new SuiteReport(results).rulesTable();
        assertTrue(table.contains("| NAdam | 4Ki | 1 | panama | 0.500 | 2.00 | 56.0 | – | – | 0.50 |"), table);
        assertTrue(table.contains("| NAdam | 4Ki | 1 | bandwidth | 0.250 |"), table);
        // SGD moves different arrays: no bound to compare with.
        assertTrue(table.contains("| SGD | 4Ki | 1 | panama | 0.500 | 2.00 | 24.0 | – | – | – |"), table);
    }

    @Test
    void threadsSectionFindsTheCrossover() {
        List<Measurement> results = new ArrayList<>();
        double[][] sizeOneTwo = {{4096, 1.0, 3.0}, {16384, 1.0, 1.2}, {65536, 1.0, 0.6}, {262144, 1.0, 0.55}};
        for (double[] p : sizeOneTwo) {
            int size = (int) p[0];
            results.add(new Measurement("X", "panama", Workloads.SGD_MOMENTUM, size, 1, p[1] * size, 0));
            results.add(new Measurement("X", "panama", Workloads.SGD_MOMENTUM, size, 2, p[2] * size, 0));
        }
        String section = new SuiteReport(results).threadsSection();
        assertTrue(section.contains("| SGD momentum (Nesterov) | panama | 16Ki | 1.000 | 2 | 1.200 | 0.83× |"), section);
        // 16Ki * 4^t with t = ln(1.2) / ln(2) = 0.263: 16Ki * 1.44 = 23.0Ki, where ln(speed-up) on a line
        // through both points (against ln(size)) is 0.
        assertTrue(section.contains("- SGD momentum (Nesterov), panama, 2 threads: between 16Ki (1 thread faster, 0.83×)"
                + " and 64Ki (2 threads faster, 1.67×); break-even about 23Ki\n"), section);
    }

    @Test
    void crossoverAtTheEnds() {
        assertEquals("1 thread is faster at every measured size, up to 1Mi",
                SuiteReport.crossover(List.of(new double[] {4096, 0.5}, new double[] {1 << 20, 0.9}), 2));
        assertEquals("4 threads are faster at every measured size, from 4Ki",
                SuiteReport.crossover(List.of(new double[] {4096, 1.5}, new double[] {1 << 20, 3}), 4));
        // A size where one thread wins again above a win of the threads: the crossover is above it.
        // 64Ki * 16^t with t = ln(1/0.9) / ln(1.5/0.9) = 0.206: 64Ki * 1.77 = 113.4Ki.
        assertEquals("between 64Ki (1 thread faster, 0.90×) and 1Mi (2 threads faster, 1.50×); break-even about 113Ki",
                SuiteReport.crossover(List.of(new double[] {4096, 1.1}, new double[] {65536, 0.9},
                        new double[] {1 << 20, 1.5}), 2));
    }

    @Test
    void breakEvenSizesAreRoundedToKiOrTenthsOfMi() {
        assertEquals("1.5Mi", SuiteReport.approximateSize(1.5 * (1 << 20)));
        assertEquals("300Ki", SuiteReport.approximateSize(300.4 * 1024));
        assertEquals("700", SuiteReport.approximateSize(700.2));
    }

    @Test
    void wholeReportHasEverySectionAndTheTrafficOfEachRule() {
        List<Measurement> results = new ArrayList<>(adamAt4Ki());
        results.add(at4Ki(Workloads.DIVIDER_BOUND, "panama", 1, 0.45));
        String md = new SuiteReport(results).markdown(new SuiteInfo("quick", "1 fork", "suite --quick", "2 cores",
                "2026-01-01 00:00", Duration.ofSeconds(348)));
        assertTrue(md.startsWith("# vecopt speed suite (quick)\n"), md);
        assertTrue(md.contains("- Run: 2026-01-01 00:00, 8 benchmarks in 5 min 48 s\n"), md);
        assertTrue(md.contains("## Rules\n"), md);
        assertTrue(md.contains("| Adam divider bound (sqrt + div) | 4Ki | 1 | panama | 0.450 | 2.22 | 26.7 |"), md);
        assertTrue(md.contains("## Threads\n"), md);
        assertTrue(md.contains("| Adam | p, g, exp_avg, exp_avg_sq → p, exp_avg, exp_avg_sq | 28 |"), md);
        assertFalse(new SuiteReport(results).rulesTable().contains("divider"));
    }

    @Test
    void unsteadyTimesAreMarked() {
        Measurement steady = new Measurement("X", "panama", Workloads.SGD, 4096, 1, 4096, 0, 1.5);
        Measurement unsteady = new Measurement("X", "scalar", Workloads.SGD, 4096, 1, 4096, 0, 1.51);
        String table = new SuiteReport(List.of(steady, unsteady)).rulesTable();
        assertTrue(table.contains("| SGD | 4Ki | 1 | panama | 1.000 | 1.00 |"), table);
        assertTrue(table.contains("| SGD | 4Ki | 1 | scalar | 1.000 † | 1.00 |"), table);
    }

    @Test
    void sizesAndDurationsReadLikeTheIssue() {
        assertEquals("4Ki", SuiteReport.sizeLabel(4096));
        assertEquals("64Mi", SuiteReport.sizeLabel(1 << 26));
        assertEquals("1000", SuiteReport.sizeLabel(1000));
        assertEquals("4097", SuiteReport.sizeLabel(4097));
        assertEquals("0.0512", SuiteReport.nsFormat(0.05123));
        assertEquals("14.5", SuiteReport.nsFormat(14.53));
        assertEquals("42 s", SuiteReport.format(Duration.ofMillis(41_600)));
    }
}
