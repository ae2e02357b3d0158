/**
 * Crash-safe optimizer checkpoints in the safetensors format: {@link vecopt.engine.checkpoint.Checkpoints};
 * the same state in memory as a {@link vecopt.engine.checkpoint.StateDict}, from
 * {@link vecopt.engine.Optimizer#stateDict} and back with {@link vecopt.engine.Optimizer#loadStateDict}.
 */
package vecopt.engine.checkpoint;
