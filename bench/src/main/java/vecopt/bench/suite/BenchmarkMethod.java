package vecopt.bench.suite;

import vecopt.bench.speed.Workload;

/**
 * One {@code @Benchmark} method of a speed benchmark class and the workload the class measures.
 *
 * @param className fully qualified benchmark class, e.g. {@code vecopt.bench.speed.SgdBenchmark}
 * @param method    the benchmark method, which names the implementation: {@code panama}, {@code scalar}, ...
 * @param workload  the rule and options, from the class's {@code @Measures}, or the reference it is
 */
public record BenchmarkMethod(String className, String method, Workload workload) {

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
