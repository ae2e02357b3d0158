package vecopt.bench.suite;

import java.time.Duration;
import java.util.List;

/** JMH settings and sizes of the speed suite's two modes. */
public enum SuiteMode {
    /**
     * Three sizes (in L2, in L3, out of cache), 0.9 s of warm-up (a Panama kernel needs about 0.5 s on
     * an idle machine before C2 has compiled it and the time settles) and 0.6 s of measurement.
     */
    QUICK(List.of(1 << 12, 1 << 16, 1 << 20), 3, Duration.ofMillis(300), 3, Duration.ofMillis(200), false,
            List.of(1 << 16)),
    /** All five sizes, 16Mi and 64Mi in DRAM included, 5 s of warm-up and 5 s of measurement. */
    FULL(List.of(1 << 12, 1 << 16, 1 << 20, 1 << 24, 1 << 26), 5, Duration.ofSeconds(1), 5, Duration.ofSeconds(1), true,
            List.of());

    /**
     * The baselines, which {@link #slowBaselineSizes()} may confine to fewer sizes: the scalar fallback,
     * the true scalar and the EJML composition (the quick suite needs them where its targets look, at 64Ki).
     */
    static final List<String> SLOW_BASELINES = List.of("scalar", "scalarNoSuperWord", "ejmlUnfused");

    /** What a fork costs beyond its iterations (JVM, JMH, class loading): measured 0.6-0.7 s on 2 cores. */
    static final Duration FORK_OVERHEAD = Duration.ofMillis(700);

    private final List<Integer> sizes;
    private final int warmupIterations;
    private final Duration warmupTime;
    private final int measurementIterations;
    private final Duration measurementTime;
    private final boolean scalarThreads;
    private final List<Integer> slowBaselineSizes;

    SuiteMode(List<Integer> sizes, int warmupIterations, Duration warmupTime,
              int measurementIterations, Duration measurementTime, boolean scalarThreads,
              List<Integer> slowBaselineSizes) {
        this.sizes = sizes;
        this.warmupIterations = warmupIterations;
        this.warmupTime = warmupTime;
        this.measurementIterations = measurementIterations;
        this.measurementTime = measurementTime;
        this.scalarThreads = scalarThreads;
        this.slowBaselineSizes = slowBaselineSizes;
    }

    /**
     * Elements of the parameter whose memory footprint the suite measures: 16Mi in quick mode, 64Mi in
     * full mode, so the arrays dwarf what else the JVM allocates (a few MiB).
     */
    public int memoryElements() {
        return this == QUICK ? 1 << 24 : 1 << 26;
    }

    /** Tensor sizes in elements, ascending. */
    public List<Integer> sizes() {
        return sizes;
    }

    public int warmupIterations() {
        return warmupIterations;
    }

    public Duration warmupTime() {
        return warmupTime;
    }

    public int measurementIterations() {
        return measurementIterations;
    }

    public Duration measurementTime() {
        return measurementTime;
    }

    /** Whether the scalar baselines also run multi-threaded (quick mode keeps them on one thread). */
    public boolean scalarThreads() {
        return scalarThreads;
    }

    /**
     * The only sizes the slow baselines ({@code scalarNoSuperWord}, {@code ejmlUnfused}) run at, or
     * empty for every size. Quick mode runs them at 64Ki alone, the size of the one speed target that
     * needs them there (the true scalar at 64Ki; the EJML target is at 16Mi, which quick mode lacks):
     * 4 runs fewer per rule benchmark.
     */
    public List<Integer> slowBaselineSizes() {
        return slowBaselineSizes;
    }

    /** Expected wall time of one benchmark run, fork included, without data set-up. */
    public Duration perRun() {
        return FORK_OVERHEAD.plus(warmupTime.multipliedBy(warmupIterations))
                .plus(measurementTime.multipliedBy(measurementIterations));
    }

    /** {@code "1 fork, 2 × 300 ms warm-up, 3 × 200 ms measurement"}. */
    public String describe() {
        return "1 fork per benchmark, " + warmupIterations + " × " + warmupTime.toMillis() + " ms warm-up, "
                + measurementIterations + " × " + measurementTime.toMillis() + " ms measurement";
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
