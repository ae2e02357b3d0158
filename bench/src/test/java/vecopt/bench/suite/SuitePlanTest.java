package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import vecopt.bench.speed.RuleTraffic;

class SuitePlanTest {

    private static final Pattern ALL = Pattern.compile(".*");

    /** The five implementations of a rule benchmark class, as the suite discovers them. */
    private static List<BenchmarkMethod> rule(String simpleName, RuleTraffic rule) {
        return SuitePlan.IMPLEMENTATIONS.stream()
                .map(m -> new BenchmarkMethod("vecopt.bench.speed." + simpleName, m, rule)).toList();
    }

    /** Every rule the engine will have, each with its benchmark class, plus the divider bound. */
    private static List<BenchmarkMethod> allRules() {
        List<BenchmarkMethod> methods = new ArrayList<>();
        for (RuleTraffic r : RuleTraffic.values()) {
            if (r.isReference()) {
                methods.add(new BenchmarkMethod("vecopt.bench.speed.AdamDividerBoundBenchmark", "panama", r));
            } else {
                methods.addAll(rule(r.name() + "Benchmark", r));
            }
        }
        return methods;
    }

    @Test
    void quickModeRunsOnlyPanamaAndTheReferencesOnAllThreads() {
        List<PlannedRun> runs = SuitePlan.plan(rule("SgdBenchmark", RuleTraffic.SGD_MOMENTUM), SuiteMode.QUICK, ALL,
                SuiteMode.QUICK.sizes(), List.of(1, 2));
        assertEquals(List.of(
                "SgdBenchmark.panama size=4096 threads=1", "SgdBenchmark.panama size=4096 threads=2",
                "SgdBenchmark.panama size=65536 threads=1", "SgdBenchmark.panama size=65536 threads=2",
                "SgdBenchmark.panama size=1048576 threads=1", "SgdBenchmark.panama size=1048576 threads=2",
                "SgdBenchmark.scalar size=4096 threads=1", "SgdBenchmark.scalar size=65536 threads=1",
                "SgdBenchmark.scalar size=1048576 threads=1",
                "SgdBenchmark.scalarNoSuperWord size=4096 threads=1", "SgdBenchmark.scalarNoSuperWord size=65536 threads=1",
                "SgdBenchmark.scalarNoSuperWord size=1048576 threads=1",
                "SgdBenchmark.ejmlUnfused size=4096 threads=1", "SgdBenchmark.ejmlUnfused size=65536 threads=1",
                "SgdBenchmark.ejmlUnfused size=1048576 threads=1",
                "SgdBenchmark.bandwidth size=4096 threads=1", "SgdBenchmark.bandwidth size=4096 threads=2",
                "SgdBenchmark.bandwidth size=65536 threads=1", "SgdBenchmark.bandwidth size=65536 threads=2",
                "SgdBenchmark.bandwidth size=1048576 threads=1", "SgdBenchmark.bandwidth size=1048576 threads=2"),
                runs.stream().map(PlannedRun::describe).toList());
    }

    @Test
    void fullModeAlsoSplitsTheScalarBaselinesButNeverEjml() {
        List<PlannedRun> runs = SuitePlan.plan(rule("SgdBenchmark", RuleTraffic.SGD_MOMENTUM), SuiteMode.FULL, ALL,
                SuiteMode.FULL.sizes(), List.of(1, 4));
        assertEquals(5 * (2 + 2 + 2 + 1 + 2), runs.size());
        assertTrue(runs.stream().anyMatch(r -> r.benchmark().method().equals("scalarNoSuperWord") && r.threads() == 4));
        assertTrue(runs.stream().noneMatch(r -> r.benchmark().method().equals("ejmlUnfused") && r.threads() != 1));
        assertEquals(List.of(4096, 65536, 1 << 20, 1 << 24, 1 << 26), SuiteMode.FULL.sizes());
    }

    @Test
    void bandwidthRunsOncePerTrafficUnderTheFirstRuleWithIt() {
        List<PlannedRun> runs = SuitePlan.plan(allRules(), SuiteMode.QUICK, ALL, List.of(4096), List.of(1));
        List<String> bandwidth = runs.stream().filter(r -> r.benchmark().method().equals("bandwidth"))
                .map(r -> r.benchmark().simpleClassName()).toList();
        assertEquals(List.of("SGDBenchmark", "SGD_MOMENTUMBenchmark", "ADADELTABenchmark", "ADAM_AMSGRADBenchmark"),
                bandwidth);
    }

    @Test
    void runsGoInRuleOrderWithTheDividerBoundLast() {
        List<PlannedRun> runs = SuitePlan.plan(allRules(), SuiteMode.QUICK, ALL, List.of(4096), List.of(1));
        List<RuleTraffic> order = runs.stream().map(r -> r.benchmark().rule()).distinct().toList();
        assertEquals(List.of(RuleTraffic.values()), order);
    }

    @Test
    void theQuickModeOfEveryRuleFitsItsBudgetOnTwoCores() {
        List<PlannedRun> runs = SuitePlan.plan(allRules(), SuiteMode.QUICK, ALL, SuiteMode.QUICK.sizes(), List.of(1, 2));
        assertEquals(11 * 15 + 4 * 6 + 6, runs.size());
        Duration estimate = SuitePlan.estimate(runs, SuiteMode.QUICK);
        assertTrue(estimate.compareTo(Duration.ofMinutes(8)) < 0, "quick suite would take " + estimate);
    }

    @Test
    void includeMatchesAnywhereInTheFullName() {
        List<PlannedRun> runs = SuitePlan.plan(allRules(), SuiteMode.QUICK, Pattern.compile("SGD_MOMENTUMBenchmark\\.panama"),
                List.of(4096, 16384), List.of(1, 2));
        assertEquals(List.of("SGD_MOMENTUMBenchmark.panama size=4096 threads=1",
                "SGD_MOMENTUMBenchmark.panama size=4096 threads=2",
                "SGD_MOMENTUMBenchmark.panama size=16384 threads=1",
                "SGD_MOMENTUMBenchmark.panama size=16384 threads=2"),
                runs.stream().map(PlannedRun::describe).toList());
    }

    @Test
    void oneCoreMeansOneThreadCount() {
        assertEquals(List.of(1), SuitePlan.threadCounts("panama", SuiteMode.QUICK, List.of(1, 1)));
        assertEquals(List.of(), SuitePlan.threadCounts("ejmlUnfused", SuiteMode.QUICK, List.of(2)));
    }
}
