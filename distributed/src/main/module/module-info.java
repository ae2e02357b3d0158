/**
 * Parallel and distributed SGD on vecopt: Hogwild!, a sharded parameter server on Hazelcast whose
 * pushes run vecopt's fused kernels on the member that owns a block, Downpour with delay-tolerant
 * Adagrad, elastic averaging (EASGD, EAMSGD) and synchronous data parallelism.
 *
 * <p>Hazelcast's jar has no module descriptor; its automatic module name is {@code com.hazelcast.core}.
 * Hazelcast builds this module's entry processors by reflection, so the package is opened to it.
 */
module vecopt.distributed {
    requires transitive vecopt.engine;
    requires transitive com.hazelcast.core;

    exports vecopt.distributed;
    opens vecopt.distributed to com.hazelcast.core;
}
