package vecopt.engine;

import java.util.Map;

/**
 * A rule's step of one parameter, decided before anything is written: the kernel to run over the
 * parameter's elements, and the scalars of state to store once it has run (NAdam's {@code mu_product}).
 *
 * @param kernel  the fused update over a range of the parameter, its gradient and its state
 * @param scalars new values of scalar state by name; empty for most rules
 */
public record StepPlan(ParameterKernel kernel, Map<String, Double> scalars) {

    /**
     * One kernel call over elements {@code [stateOffset, stateOffset + n)} of a parameter: its value
     * and gradient arrays at their offsets already, state buffers at {@code stateOffset}.
     */
    @FunctionalInterface
    public interface ParameterKernel {
        /**
         * Runs the update over {@code n} elements.
         *
         * @param value the parameter's value array
         * @param valueOffset the index in {@code value} of the first element
         * @param grad the parameter's gradient array
         * @param gradOffset the index in {@code grad} of the first element
         * @param stateOffset the index in every state buffer of the first element
         * @param n the number of elements
         */
        void run(float[] value, int valueOffset, float[] grad, int gradOffset, int stateOffset, int n);
    }

    /** Checks that neither component is null and copies {@code scalars}. */
    public StepPlan {
        if (kernel == null || scalars == null) {
            throw new IllegalArgumentException("kernel and scalars must not be null");
        }
        scalars = Map.copyOf(scalars);
    }

    /**
     * A step that only runs {@code kernel}.
     *
     * @param kernel the kernel call
     * @return the plan, with no scalar state
     */
    public static StepPlan of(ParameterKernel kernel) {
        return new StepPlan(kernel, Map.of());
    }
}
