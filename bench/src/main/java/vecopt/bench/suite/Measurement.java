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
 * @param spread         slowest over fastest measurement iteration: near 1 when the time was steady
 */
public record Measurement(String benchmark, String implementation, RuleTraffic rule, int size, int threads,
                          double nsPerOp, double nsPerOpError, double spread) {

    /** Above this {@link #spread} a result is marked unsteady in reports. */
    public static final double UNSTEADY_SPREAD = 1.5;

    /** A measurement whose iterations are not known, taken as steady. */
    public Measurement(String benchmark, String implementation, RuleTraffic rule, int size, int threads,
                       double nsPerOp, double nsPerOpError) {
        this(benchmark, implementation, rule, size, threads, nsPerOp, nsPerOpError, 1);
    }

    /** Whether the iterations disagreed so much (a busy machine, code not yet compiled) that the time is suspect. */
    public boolean unsteady() {
        return spread > UNSTEADY_SPREAD;
    }

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
