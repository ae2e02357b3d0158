/**
 * Hyperparameter schedules, as PyTorch's {@code torch.optim.lr_scheduler}: a
 * {@link vecopt.engine.schedule.Schedule} is a pure function of the step and the initial value
 * (step, multi-step, exponential, 1/t, polynomial, cosine, cosine with warm restarts, linear warmup,
 * one-cycle, linear ramps), composable with {@link vecopt.engine.schedule.Schedule#then}; a
 * {@link vecopt.engine.schedule.HyperparameterScheduler} applies one to any numeric hyperparameter of
 * every group, and {@link vecopt.engine.schedule.ReduceOnPlateau} reacts to a metric. Both are
 * {@link vecopt.engine.checkpoint.Checkpointable}, so a resumed run continues the schedule.
 */
package vecopt.engine.schedule;
