package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import vecopt.bench.speed.Workload;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

class SuitePlanTest {

    private static final Pattern ALL = Pattern.compile(".*");

    /** The five implementations of a rule benchmark class, as the suite discovers them. */
    private static List<BenchmarkMethod> rule(String simpleName, Workload workload) {
        return SuitePlan.IMPLEMENTATIONS.stream()
                .map(m -> new BenchmarkMethod("vecopt.bench.speed." + simpleName, m, workload)).toList();
    }

    /** The methods of every rule benchmark and reference in JMH's benchmark list (not the clipping costs). */
    private static List<BenchmarkMethod> rulesAndReferences() {
        return SuitePlan.discover().stream().filter(m -> SuitePlan.IMPLEMENTATIONS.contains(m.method())).toList();
    }

    @Test
    void quickModeRunsPanamaAndTheReferencesOnTwoThreadsFrom64KiAndTheBaselinesAt64KiOnly() {
        List<PlannedRun> runs = SuitePlan.plan(rule("SgdBenchmark", Workloads.SGD_MOMENTUM), SuiteMode.QUICK, ALL,
                SuiteMode.QUICK.sizes(), List.of(1, 2));
        assertEquals(List.of(
                "SgdBenchmark.panama size=4096 threads=1",
                "SgdBenchmark.panama size=65536 threads=1", "SgdBenchmark.panama size=65536 threads=2",
                "SgdBenchmark.panama size=1048576 threads=1", "SgdBenchmark.panama size=1048576 threads=2",
                "SgdBenchmark.scalar size=65536 threads=1",
                "SgdBenchmark.scalarNoSuperWord size=65536 threads=1",
                "SgdBenchmark.ejmlUnfused size=65536 threads=1",
                "SgdBenchmark.bandwidth size=4096 threads=1",
                "SgdBenchmark.bandwidth size=65536 threads=1", "SgdBenchmark.bandwidth size=65536 threads=2",
                "SgdBenchmark.bandwidth size=1048576 threads=1", "SgdBenchmark.bandwidth size=1048576 threads=2"),
                runs.stream().map(PlannedRun::describe).toList());
    }

    @Test
    void baselinesRunAt64KiInQuickModeAndAtEverySizeAskedForWhen64KiIsNotAmongThem() {
        assertEquals(List.of(4096, 1 << 20), SuitePlan.sizes("scalarNoSuperWord", SuiteMode.QUICK, List.of(1 << 20, 4096)));
        assertEquals(List.of(65536), SuitePlan.sizes("ejmlUnfused", SuiteMode.QUICK, List.of(4096, 65536)));
        assertEquals(List.of(65536), SuitePlan.sizes("scalar", SuiteMode.QUICK, List.of(4096, 65536)));
        assertEquals(List.of(4096, 65536), SuitePlan.sizes("panama", SuiteMode.QUICK, List.of(4096, 65536)));
        assertEquals(List.of(4096, 65536), SuitePlan.sizes("ejmlUnfused", SuiteMode.FULL, List.of(4096, 65536)));
    }

    @Test
    void fullModeAlsoSplitsTheScalarBaselinesButNeverEjml() {
        List<PlannedRun> runs = SuitePlan.plan(rule("SgdBenchmark", Workloads.SGD_MOMENTUM), SuiteMode.FULL, ALL,
                SuiteMode.FULL.sizes(), List.of(1, 4));
        assertEquals(5 * (2 + 2 + 2 + 1 + 2), runs.size());
        assertTrue(runs.stream().anyMatch(r -> r.benchmark().method().equals("scalarNoSuperWord") && r.threads() == 4));
        assertTrue(runs.stream().noneMatch(r -> r.benchmark().method().equals("ejmlUnfused") && r.threads() != 1));
        assertEquals(List.of(4096, 65536, 1 << 20, 1 << 24, 1 << 26), SuiteMode.FULL.sizes());
    }

    @Test
    void bandwidthRunsOncePerTrafficUnderTheFirstRuleWithIt() {
        List<PlannedRun> runs = SuitePlan.plan(rulesAndReferences(), SuiteMode.QUICK, ALL, List.of(4096), List.of(1));
        Set<Rule.Traffic> seen = new HashSet<>();
        List<Workload> firstOfTheirTraffic = new ArrayList<>();
        runs.stream().map(r -> r.benchmark().workload()).distinct().filter(w -> !w.reference())
                .filter(w -> seen.add(w.traffic())).forEach(firstOfTheirTraffic::add);
        List<Workload> measuredBandwidth = runs.stream().filter(r -> r.benchmark().method().equals("bandwidth"))
                .map(r -> r.benchmark().workload()).toList();
        assertEquals(firstOfTheirTraffic, measuredBandwidth);
    }

    @Test
    void runsGoInRegistryOrderWithTheDividerBoundLast() {
        List<PlannedRun> runs = SuitePlan.plan(rulesAndReferences(), SuiteMode.QUICK, ALL, List.of(4096), List.of(1));
        List<String> rules = runs.stream().map(r -> r.benchmark().workload().rule()).distinct().toList();
        List<String> registered = Rules.all().stream().map(Rule::torchName).filter(rules::contains).toList();
        assertEquals(registered, rules.subList(0, rules.size() - 1));
        assertTrue(runs.getLast().benchmark().workload().reference(), runs.getLast().describe());
        assertEquals(Workloads.DIVIDER_BOUND, runs.getLast().benchmark().workload());
    }

    @Test
    void withinARuleLessTrafficGoesFirst() {
        assertTrue(Workloads.SGD.compareTo(Workloads.SGD_MOMENTUM) < 0);
        assertTrue(Workloads.SGD_MOMENTUM.compareTo(Workloads.ADAGRAD) < 0);
        assertTrue(Workloads.NADAM.compareTo(Workloads.DIVIDER_BOUND) < 0);
    }

    /**
     * Per rule benchmark 8 runs (panama at 3 sizes on 1 thread and at 64Ki and 1Mi on 2; the scalar
     * fallback, the true scalar and EJML at 64Ki only), per traffic 5 bandwidth runs, per reference 5: in
     * all under 10 minutes on two cores, the budget of the main job, with room for two more rules (each
     * further rule benchmark adds 8 runs, about 18 s). {@code suite --dry-run} shows the whole plan and its estimate.
     */
    @Test
    void theQuickModeOfEveryRuleFitsItsBudgetOnTwoCores() {
        List<BenchmarkMethod> methods = rulesAndReferences();
        List<PlannedRun> runs = SuitePlan.plan(methods, SuiteMode.QUICK, ALL, SuiteMode.QUICK.sizes(), List.of(1, 2));
        long ruleBenchmarks = methods.stream().filter(m -> !m.workload().reference()).map(BenchmarkMethod::className)
                .distinct().count();
        long traffics = methods.stream().filter(m -> !m.workload().reference()).map(m -> m.workload().traffic())
                .distinct().count();
        long references = methods.stream().filter(m -> m.workload().reference()).count();
        assertEquals(ruleBenchmarks * 8 + traffics * 5 + references * 5, runs.size());
        Duration estimate = SuitePlan.estimate(runs, SuiteMode.QUICK);
        Duration twoMoreRules = SuiteMode.QUICK.perRun().multipliedBy(2 * 8);
        assertTrue(estimate.plus(twoMoreRules).compareTo(Duration.ofMinutes(10)) < 0,
                "quick suite would take " + estimate + ", leaving no room for two more rules");
    }

    @Test
    void includeMatchesAnywhereInTheFullName() {
        List<PlannedRun> runs = SuitePlan.plan(rulesAndReferences(), SuiteMode.QUICK,
                Pattern.compile("\\.SgdBenchmark\\.panama"), List.of(4096, 16384), List.of(1, 2));
        assertEquals(List.of("SgdBenchmark.panama size=4096 threads=1",
                "SgdBenchmark.panama size=4096 threads=2",
                "SgdBenchmark.panama size=16384 threads=1",
                "SgdBenchmark.panama size=16384 threads=2"),
                runs.stream().map(PlannedRun::describe).toList());
    }

    @Test
    void oneCoreMeansOneThreadCount() {
        assertEquals(List.of(1), SuitePlan.threadCounts("panama", SuiteMode.QUICK, List.of(1, 1)));
        assertEquals(List.of(), SuitePlan.threadCounts("ejmlUnfused", SuiteMode.QUICK, List.of(2)));
    }
}
