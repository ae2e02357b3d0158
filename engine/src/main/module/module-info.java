/**
 * vecopt's optimizers. SIMD kernels need {@code jdk.incubator.vector}; without it the scalar
 * kernels run and give the same results.
 */
module vecopt.engine {
    requires transitive vecopt.tensor;
    requires static jdk.incubator.vector;
    requires static jdk.management;

    exports vecopt.engine;
    exports vecopt.engine.kernels;
    exports vecopt.engine.checkpoint;
    exports vecopt.engine.schedule;
}
