/**
 * Optimizers with PyTorch's {@code torch.optim} names, options, defaults and numbers: one class per
 * update rule ({@link vecopt.engine.Sgd}, {@link vecopt.engine.Adam}, {@link vecopt.engine.AdamW},
 * {@link vecopt.engine.RMSprop}, ... and rules PyTorch lacks, such as {@link vecopt.engine.Lion}),
 * each a subclass of {@link vecopt.engine.Optimizer} registered in {@link vecopt.engine.Rules}.
 *
 * <p>An optimizer updates {@link vecopt.engine.Parameter}s, each a value tensor and a gradient tensor
 * that usually view the model's own arrays, in {@link vecopt.engine.ParamGroup}s with validated
 * {@link vecopt.engine.Hyperparameters}. Each {@link vecopt.engine.Optimizer#step()} is one fused pass
 * per parameter over its value, gradient and state; SIMD with {@code --add-modules
 * jdk.incubator.vector}, scalar and bit-identical without it.
 *
 * <p>Around a step: {@link vecopt.engine.GradientClipping}, {@link vecopt.engine.GradientNoise},
 * {@link vecopt.engine.NonFinitePolicy}, {@link vecopt.engine.ChunkedExecutor} for several threads,
 * {@link vecopt.engine.FlatParameters} for many small tensors in one array, and the wrappers
 * {@link vecopt.engine.Lookahead} (with {@link vecopt.engine.Ranger}) and
 * {@link vecopt.engine.GradientAccumulation}. {@link vecopt.engine.Optimizers#fromTorch} builds an
 * optimizer from PyTorch's class name and keyword arguments.
 *
 * <p>A rule of one's own is a subclass of {@link vecopt.engine.Optimizer} outside this module: its
 * {@link vecopt.engine.Hyperparameter}s, a {@link vecopt.engine.Rule} built with
 * {@link vecopt.engine.Rule#builder} that lays out its state, and a {@code plan} that returns the
 * {@link vecopt.engine.StepPlan} of a parameter's step, with a scalar kernel and, if it likes, a Vector
 * API kernel run when {@link vecopt.engine.Optimizers#vectorBitSize(Optimizer)} is not 0.
 * {@link vecopt.engine.Rules#register} makes {@code fromTorch} build it and checkpoints check its state.
 * The README's "Write your own rule" walks through one (Signum, in the examples module).
 */
package vecopt.engine;
