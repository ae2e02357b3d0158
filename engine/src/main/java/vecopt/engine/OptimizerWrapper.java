package vecopt.engine;

import java.util.List;

/**
 * A training-loop object that steps an inner optimizer in its own way (Lookahead, gradient
 * accumulation): the loop calls its {@link #step()}; groups, hyperparameters and gradients stay
 * the inner optimizer's.
 */
public interface OptimizerWrapper {

    /** {@return the optimizer that makes the updates: its groups, hyperparameters and settings apply} */
    Optimizer inner();

    /** One step of the training loop. */
    void step();

    /** {@return the inner optimizer's groups, for hyperparameters and schedules} */
    default List<ParamGroup> paramGroups() {
        return inner().paramGroups();
    }

    /** The inner optimizer's {@link Optimizer#zeroGrad()}. */
    default void zeroGrad() {
        inner().zeroGrad();
    }

    /**
     * {@link #step()} after {@code closure} has recomputed the gradients; returns its loss.
     *
     * @param closure recomputes the gradients and returns the loss
     * @return the loss {@code closure} returned
     */
    default double step(Optimizer.LossClosure closure) {
        if (closure == null) {
            throw new IllegalArgumentException("closure must not be null; call step() to use the gradients as they are");
        }
        double loss = closure.evaluate();
        step();
        return loss;
    }
}
