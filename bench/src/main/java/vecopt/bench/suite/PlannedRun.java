package vecopt.bench.suite;

/** One JMH run of the suite: a benchmark method at one size and thread count, in its own fork. */
public record PlannedRun(BenchmarkMethod benchmark, int size, int threads) {

    /** {@code SgdBenchmark.panama size=65536 threads=2}. */
    public String describe() {
        return benchmark.shortName() + " size=" + size + " threads=" + threads;
    }
}
