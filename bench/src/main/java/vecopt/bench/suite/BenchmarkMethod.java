package vecopt.bench.suite;

import vecopt.bench.speed.RuleTraffic;

/**
 * One {@code @Benchmark} method of a speed benchmark class and the rule the class measures.
 *
 * @param className fully qualified benchmark class, e.g. {@code vecopt.bench.speed.SgdBenchmark}
 * @param method    the benchmark method, which names the implementation: {@code panama}, {@code scalar}, ...
 * @param rule      the rule, from the class's {@code @Measures}
 */
public record BenchmarkMethod(String className, String method, RuleTraffic rule) {

    /** {@code vecopt.bench.speed.SgdBenchmark.panama}: the name JMH reports and {@code --include} matches. */
    public String fullName() {
        return className + "." + method;
    }

    /** {@code SgdBenchmark.panama}. */
    public String shortName() {
        return simpleClassName() + "." + method;
    }

    public String simpleClassName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
