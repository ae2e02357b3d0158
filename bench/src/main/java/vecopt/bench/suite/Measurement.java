package vecopt.bench.suite;

import vecopt.bench.speed.RuleTraffic;

/**
 * One measured benchmark: the time of one step over {@code size} elements.
 *
 * @param benchmark      simple class name, e.g. {@code SgdBenchmark}
 * @param implementation the benchmark method, e.g. {@code panama}
 * @param rule           the rule the class measures, whose traffic gives the bytes per element
 * @param nsPerOp        JMH's score: nanoseconds per step
 * @param nsPerOpError   JMH's 99.9% confidence half-width, NaN when there were too few iterations
 */
public record Measurement(String benchmark, String implementation, RuleTraffic rule, int size, int threads,
                          double nsPerOp, double nsPerOpError) {

    public double nsPerElement() {
        return nsPerOp / size;
    }

    /** Elements per nanosecond = billions of elements per second. */
    public double gelemPerSecond() {
        return size / nsPerOp;
    }

    /** The rule's bytes per element moved per nanosecond = GB/s (10^9 bytes). */
    public double gbPerSecond() {
        return rule.bytesPerElement() / nsPerElement();
    }
}
