/** vecopt's command-line tool: speed benchmarks, PyTorch parity replay, the convergence suite and the distributed demo. */
module vecopt.bench {
    requires vecopt.engine;
    requires static jdk.incubator.vector;
    requires vecopt.distributed;
    requires jmh.core;
    requires ejml.core;
    requires ejml.fdense;
    requires org.knowm.xchart;
    requires java.desktop;
    requires com.fasterxml.jackson.databind;

    exports vecopt.bench;
    exports vecopt.bench.speed;
    exports vecopt.bench.parity;
    exports vecopt.bench.convergence;
    exports vecopt.bench.handoff;
    exports vecopt.bench.models;
    exports vecopt.bench.distributed;
}
