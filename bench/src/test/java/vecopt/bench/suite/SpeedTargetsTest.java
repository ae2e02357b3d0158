package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.bench.speed.Workload;

/** The targets' arithmetic and thresholds, on made-up measurements. */
class SpeedTargetsTest {

    private static Measurement m(Workload rule, String implementation, int size, int threads, double nsPerElement) {
        return new Measurement("X", implementation, rule, size, threads, nsPerElement * size, 0);
    }

    private static List<SpeedTargets.Check> checks(List<Measurement> results) {
        return new SpeedTargets(new SuiteReport(results)).checks();
    }

    private static SpeedTargets.Check only(List<SpeedTargets.Check> checks, Workload rule, String target, int threads) {
        List<SpeedTargets.Check> found = checks.stream()
                .filter(c -> c.rule().equals(rule) && c.target().contains(target) && c.threads() == threads).toList();
        assertEquals(1, found.size(), () -> "checks " + checks);
        return found.getFirst();
    }

    @Test
    void adamAtSixteenMebiNeedsNinetyPercentOfTheBandwidthReferenceAtEachThreadCount() {
        List<Measurement> results = List.of(
                m(Workloads.ADAM, "panama", SpeedTargets.LARGE, 1, 1.00),
                m(Workloads.ADAM, "bandwidth", SpeedTargets.LARGE, 1, 0.95),
                m(Workloads.ADAM, "panama", SpeedTargets.LARGE, 2, 1.00),
                m(Workloads.ADAM, "bandwidth", SpeedTargets.LARGE, 2, 0.85));
        List<SpeedTargets.Check> checks = checks(results);
        SpeedTargets.Check one = only(checks, Workloads.ADAM, "0.90 of bandwidth", 1);
        assertEquals("0.95", one.measured());
        assertTrue(one.met());
        SpeedTargets.Check two = only(checks, Workloads.ADAM, "0.90 of bandwidth", 2);
        assertEquals("0.85", two.measured());
        assertTrue(!two.met());
    }

    @Test
    void adamInCacheIsComparedWithTheDividerBound() {
        List<Measurement> near = List.of(
                m(Workloads.ADAM, "panama", SpeedTargets.CACHED, 1, 0.55),
                m(Workloads.DIVIDER_BOUND, "panama", SpeedTargets.CACHED, 1, 0.50));
        SpeedTargets.Check met = only(checks(near), Workloads.ADAM, "divider bound", 1);
        assertEquals("1.10×", met.measured());
        assertTrue(met.met());
        List<Measurement> far = List.of(
                m(Workloads.ADAM, "panama", SpeedTargets.CACHED, 1, 0.65),
                m(Workloads.DIVIDER_BOUND, "panama", SpeedTargets.CACHED, 1, 0.50));
        assertTrue(!only(checks(far), Workloads.ADAM, "divider bound", 1).met());
    }

    @Test
    void sgdAndSgdMomentumInCacheAreHeldToTenPercentOverTheirBandwidthReference() {
        List<Measurement> results = List.of(
                m(Workloads.SGD, "panama", SpeedTargets.CACHED, 1, 0.044),
                m(Workloads.SGD, "bandwidth", SpeedTargets.CACHED, 1, 0.040),
                m(Workloads.SGD_MOMENTUM, "panama", SpeedTargets.CACHED, 1, 0.090),
                m(Workloads.SGD_MOMENTUM, "bandwidth", SpeedTargets.CACHED, 1, 0.080),
                // Adagrad pays a root and a division per element: no such check.
                m(Workloads.ADAGRAD, "panama", SpeedTargets.CACHED, 1, 0.120),
                m(Workloads.ADAGRAD, "bandwidth", SpeedTargets.CACHED, 1, 0.080));
        List<SpeedTargets.Check> checks = checks(results);
        SpeedTargets.Check sgd = only(checks, Workloads.SGD, "at 64Ki", 1);
        assertEquals("1.10×", sgd.measured());
        assertTrue(sgd.met());
        SpeedTargets.Check momentum = only(checks, Workloads.SGD_MOMENTUM, "at 64Ki", 1);
        assertEquals("1.13×", momentum.measured());
        assertTrue(!momentum.met());
        assertTrue(checks.stream().noneMatch(c -> c.rule().equals(Workloads.ADAGRAD)), () -> "checks " + checks);
    }

    @Test
    void otherRulesMayBeFifteenPercentSlowerThanTheirBandwidthReferenceIncludingABorrowedOne() {
        List<Measurement> results = List.of(
                m(Workloads.SGD, "panama", SpeedTargets.LARGE, 1, 1.10),
                m(Workloads.SGD, "bandwidth", SpeedTargets.LARGE, 1, 1.00),
                // NAdam moves Adam's arrays, so Adam's reference is its bound.
                m(Workloads.NADAM, "panama", SpeedTargets.LARGE, 1, 1.20),
                m(Workloads.ADAM, "bandwidth", SpeedTargets.LARGE, 1, 1.00));
        List<SpeedTargets.Check> checks = checks(results);
        SpeedTargets.Check sgd = only(checks, Workloads.SGD, "1.15×", 1);
        assertEquals("1.10×", sgd.measured());
        assertTrue(sgd.met());
        SpeedTargets.Check nadam = only(checks, Workloads.NADAM, "1.15×", 1);
        assertEquals("1.20×", nadam.measured());
        assertTrue(!nadam.met());
    }

    @Test
    void speedUpsAreOverEjmlAtSixteenMebiAndOverTheTrueScalarAtSixtyFourKibi() {
        List<Measurement> results = List.of(
                m(Workloads.RMSPROP, "panama", SpeedTargets.LARGE, 1, 1.0),
                m(Workloads.RMSPROP, "ejmlUnfused", SpeedTargets.LARGE, 1, 1.9),
                m(Workloads.RMSPROP, "panama", SpeedTargets.CACHED, 1, 0.5),
                m(Workloads.RMSPROP, "scalarNoSuperWord", SpeedTargets.CACHED, 1, 2.5));
        List<SpeedTargets.Check> checks = checks(results);
        SpeedTargets.Check unfused = only(checks, Workloads.RMSPROP, "EJML", 1);
        assertEquals("1.9×", unfused.measured());
        assertTrue(!unfused.met());
        SpeedTargets.Check scalar = only(checks, Workloads.RMSPROP, "true scalar", 1);
        assertEquals("5.0×", scalar.measured());
        assertTrue(scalar.met());
    }

    @Test
    void aQuickRunWithoutTheTargetSizesReportsNoTargets() {
        List<Measurement> quick = new ArrayList<>();
        for (int size : SuiteMode.QUICK.sizes()) {
            if (size != SpeedTargets.CACHED) {
                quick.add(m(Workloads.ADAM, "panama", size, 1, 1.0));
                quick.add(m(Workloads.ADAM, "bandwidth", size, 1, 1.0));
                quick.add(m(Workloads.ADAM, "scalarNoSuperWord", size, 1, 9.0));
            }
        }
        assertEquals("", new SpeedTargets(new SuiteReport(quick)).markdown());
    }

    @Test
    void theSectionCountsMissedChecks() {
        List<Measurement> results = List.of(
                m(Workloads.SGD, "panama", SpeedTargets.LARGE, 1, 1.30),
                m(Workloads.SGD, "bandwidth", SpeedTargets.LARGE, 1, 1.00),
                m(Workloads.SGD, "ejmlUnfused", SpeedTargets.LARGE, 1, 3.00));
        String section = new SpeedTargets(new SuiteReport(results)).markdown();
        assertTrue(section.contains("| SGD | within 1.15× of bandwidth reference at 16Mi | 1 | 1.30× | **no** |"), section);
        assertTrue(section.contains("| SGD | ≥ 2× faster than EJML unfused at 16Mi | 1 | 2.3× | yes |"), section);
        assertTrue(section.contains("1 of 2 checks missed."), section);
    }
}
