/**
 * Internal: the fused update kernels ({@code OptimizerKernels}, with scalar and Panama
 * implementations that give bit-identical results), the per-step coefficients of each rule, and the
 * provider that picks the implementation once at start-up. Exported only to {@code vecopt.bench};
 * not part of the API.
 */
package vecopt.engine.kernels;
