package vecopt.bench.suite;

import vecopt.bench.speed.AdagradBenchmark;
import vecopt.bench.speed.AdamBenchmark;
import vecopt.bench.speed.AdamDividerBoundBenchmark;
import vecopt.bench.speed.NAdamBenchmark;
import vecopt.bench.speed.RMSpropBenchmark;
import vecopt.bench.speed.SgdBenchmark;
import vecopt.bench.speed.SgdPlainBenchmark;
import vecopt.bench.speed.Workload;

/** The workloads of some real benchmark classes, for made-up measurements in the suite's tests. */
final class Workloads {

    static final Workload SGD = Workload.of(SgdPlainBenchmark.class);
    static final Workload SGD_MOMENTUM = Workload.of(SgdBenchmark.class);
    static final Workload ADAGRAD = Workload.of(AdagradBenchmark.class);
    static final Workload RMSPROP = Workload.of(RMSpropBenchmark.class);
    static final Workload ADAM = Workload.of(AdamBenchmark.class);
    static final Workload NADAM = Workload.of(NAdamBenchmark.class);
    static final Workload DIVIDER_BOUND = Workload.of(AdamDividerBoundBenchmark.class);

    private Workloads() {
    }
}
