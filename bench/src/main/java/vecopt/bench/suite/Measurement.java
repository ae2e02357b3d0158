package vecopt.bench.suite;

import vecopt.bench.speed.Workload;

/**
 * One measured benchmark: the time of one step over {@code size} elements.
 *
 * @param benchmark      simple class name, e.g. {@code SgdBenchmark}
 * @param implementation the benchmark method, e.g. {@code panama}
 * @param workload       what the class measures (a rule with options, or a reference), whose traffic
 *                       gives the bytes per element
 * @param nsPerOp        JMH's score: nanoseconds per step
 * @param nsPerOpError   JMH's 99.9% confidence half-width, NaN when there were too few iterations
 * @param spread         slowest over fastest measurement iteration: near 1 when the time was steady
 */
public record Measurement(String benchmark, String implementation, Workload workload, int size, int threads,
                          double nsPerOp, double nsPerOpError, double spread) {

    /** Above this {@link #spread} a result is marked unsteady in reports. */
    public static final double UNSTEADY_SPREAD = 1.5;

    /** A measurement whose iterations are not known, taken as steady. */
    public Measurement(String benchmark, String implementation, Workload workload, int size, int threads,
                       double nsPerOp, double nsPerOpError) {
        this(benchmark, implementation, workload, size, threads, nsPerOp, nsPerOpError, 1);
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

    /** The workload's bytes per element moved per nanosecond = GB/s (10^9 bytes). */
    public double gbPerSecond() {
        return workload.bytesPerElement() / nsPerElement();
    }
}
