/**
 * vecopt's optimizers. SIMD kernels need {@code jdk.incubator.vector}; without it the scalar
 * kernels run and give the same results.
 *
 * <p>The public API is {@code vecopt.engine} (optimizers, rules, clipping, noise),
 * {@code vecopt.engine.schedule} and {@code vecopt.engine.checkpoint}. The kernels and the internal
 * access to optimizer state are exported only to the benchmarks (and the state access to the
 * distributed module, whose parameter server keeps each block's optimizer state in a Hazelcast map).
 */
module vecopt.engine {
    requires transitive vecopt.tensor;
    requires static jdk.incubator.vector;
    requires static jdk.management;

    exports vecopt.engine;
    exports vecopt.engine.checkpoint;
    exports vecopt.engine.schedule;
    exports vecopt.engine.kernels to vecopt.bench;
    exports vecopt.engine.internal to vecopt.bench, vecopt.distributed;
}
