/**
 * Internal: the package-private operations of {@code vecopt.engine} that the checkpoint package, the
 * tests and the benchmarks need, in the manner of the JDK's {@code SharedSecrets}. Exported only to
 * {@code vecopt.bench}; not part of the API.
 */
package vecopt.engine.internal;
