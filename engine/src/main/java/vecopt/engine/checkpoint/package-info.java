/**
 * Crash-safe optimizer checkpoints in the safetensors format: {@link vecopt.engine.checkpoint.Checkpoints}.
 */
package vecopt.engine.checkpoint;
