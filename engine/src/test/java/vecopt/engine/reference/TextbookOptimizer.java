package vecopt.engine.reference;

/**
 * A plain float64 implementation of one update rule, written for clarity rather than speed, used
 * by tests as the oracle that the real kernels are compared against.
 *
 * <p>An instance holds the per-element state of one parameter array (like PyTorch's
 * {@code optimizer.state[p]}). The state is sized lazily on the first {@link #step}; every later
 * call must pass arrays of that same length.
 */
public interface TextbookOptimizer {

    /**
     * Performs one optimization step, updating {@code params} in place.
     *
     * @param params the parameters, updated in place
     * @param grads the gradient of the objective at {@code params}; never modified
     * @throws IllegalArgumentException if the lengths differ from each other or from the length
     *     seen on the first call
     */
    void step(double[] params, double[] grads);

    /**
     * Returns a copy of a named state buffer. Names are those of PyTorch's optimizer state dict:
     * per-element buffers such as {@code "momentum_buffer"}, {@code "sum"}, {@code "square_avg"},
     * {@code "grad_avg"}, {@code "acc_delta"}, {@code "exp_avg"}, {@code "exp_avg_sq"},
     * {@code "max_exp_avg_sq"}, {@code "exp_inf"}, and the scalars {@code "step"} and
     * {@code "mu_product"} as 1-element arrays.
     *
     * <p>Before the first step, per-element buffers are empty arrays, {@code "step"} is {@code [0]}
     * and {@code "mu_product"} is {@code [1]}.
     *
     * @throws IllegalArgumentException if this rule, as configured, has no state of that name
     *     (for example {@code "momentum_buffer"} for SGD without momentum, which PyTorch stores as
     *     {@code None})
     */
    double[] state(String name);

    /**
     * This rule, with the same hyperparameters and no state, for a parameter of shape {@code shape}:
     * the rules that treat matrices apart (Adafactor's factored second moment, Muon's orthogonalized
     * update) need it; element-wise rules ignore it and return themselves.
     */
    default TextbookOptimizer withShape(int[] shape) {
        return this;
    }
}
