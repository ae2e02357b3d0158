package vecopt.engine;

/**
 * What an optimizer's step does when a gradient holds NaN or an infinity. {@link #ERROR} and
 * {@link #SKIP} find them with one read of the gradients before anything is written (the pass that
 * computes the global norm, when clipping by norm, so no pass of their own then); {@link #PROPAGATE}
 * reads nothing extra.
 */
public enum NonFinitePolicy {

    /**
     * Throw a {@link NonFiniteGradientException} naming the first parameter, in group order, with a
     * non-finite gradient, and its first such element; parameters, state and step counters are left
     * as they were. The default.
     */
    ERROR,

    /**
     * Leave parameters, state and step counters as they were, count the step in
     * {@link Optimizer#skippedSteps()}, and return: the step is skipped (as mixed-precision loss
     * scaling does on overflow).
     */
    SKIP,

    /**
     * Update anyway, as PyTorch does: NaN and infinities flow into the parameters and the state. With
     * clipping by norm, a NaN norm makes every gradient NaN and an infinite one makes every finite
     * gradient 0, as {@code clip_grad_norm_} does.
     */
    PROPAGATE
}
