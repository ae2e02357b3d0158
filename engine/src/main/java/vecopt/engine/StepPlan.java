package vecopt.engine;

import java.util.List;
import java.util.Map;

/**
 * A rule's step of one parameter, decided before anything is written: the passes to run over the
 * parameter's elements, in order, and the scalars of state to store once they have run (NAdam's
 * {@code mu_product}).
 *
 * <p>Most rules are one element-wise pass ({@link #of}). A rule that needs a value of the whole tensor
 * (a norm, a row mean, a matrix product) runs several passes: an earlier pass leaves what a later one
 * reads in an object both capture (per-block partial sums, for instance). Every pass of a parameter
 * finishes, on every thread, before the next starts.
 *
 * @param passes  the passes over the parameter, its gradient and its state, run in order; not empty
 * @param scalars new values of scalar state by name; empty for most rules
 */
public record StepPlan(List<Pass> passes, Map<String, Double> scalars) {

    /**
     * One kernel call over elements {@code [stateOffset, stateOffset + n)} of a parameter: its value
     * and gradient arrays at their offsets already, state buffers at {@code stateOffset}. For a
     * mixed-precision parameter the value is its float32 master copy and the gradient float32 (a
     * low-precision one widened into scratch for the call); a kernel reads and writes the parameter
     * only through these arrays.
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

    /**
     * A pass over a parameter's elements. A splittable pass may run as several calls on several
     * threads, each over a range starting at a multiple of {@code alignment}: element-wise work gives
     * the same bits for any split, and a reduction that keeps one partial result per aligned block and
     * adds them in block order gives the same bits too. An unsplit pass is one call over the whole
     * parameter on the stepping thread (a matrix product, a sort).
     *
     * @param kernel    the work of the pass
     * @param alignment the multiple every split range starts at; ignored when not splittable
     * @param splittable whether the range may be split
     * @param writesWeights whether the kernel holds a mixed-precision parameter's low-precision arrays
     *        and master copy itself and writes its weights ({@link #writingWeights}); it is then handed
     *        no value and no gradient (nulls)
     */
    public record Pass(ParameterKernel kernel, int alignment, boolean splittable, boolean writesWeights) {

        /** Checks that {@code kernel} is given and {@code alignment} is positive. */
        public Pass {
            if (kernel == null) {
                throw new IllegalArgumentException("kernel must not be null");
            }
            if (alignment < 1) {
                throw new IllegalArgumentException("alignment must be >= 1, got " + alignment);
            }
        }

        /**
         * An element-wise pass: split anywhere on whole vectors and cache lines.
         *
         * @param kernel the work of the pass
         * @return the pass
         */
        public static Pass elementWise(ParameterKernel kernel) {
            return new Pass(kernel, 64, true, false);
        }

        /**
         * A pass split only at multiples of {@code block} elements, for reductions with one partial
         * result per block.
         *
         * @param block the multiple every split range starts at
         * @param kernel the work of the pass
         * @return the pass
         */
        public static Pass blocked(int block, ParameterKernel kernel) {
            return new Pass(kernel, block, true, false);
        }

        /**
         * A pass run as one call over the whole parameter, on the stepping thread. For a
         * mixed-precision parameter with a low-precision gradient it is handed no gradient (null):
         * a rule reads the gradient in its splittable passes.
         *
         * @param kernel the work of the pass
         * @return the pass
         */
        public static Pass whole(ParameterKernel kernel) {
            return new Pass(kernel, 1, false, false);
        }

        /**
         * The one element-wise pass of a fused mixed-precision kernel that reads the low-precision
         * gradient, updates the master copy and the state and writes the rounded weights itself, in
         * place of the rule's float32 kernel on the master copy (faster out of cache: one set of memory
         * streams instead of one per block).
         *
         * @param kernel the fused kernel, handed nulls for value and gradient
         * @return the pass
         */
        public static Pass writingWeights(ParameterKernel kernel) {
            return new Pass(kernel, 64, true, true);
        }
    }

    /** Checks that there is at least one pass and copies both components. */
    public StepPlan {
        if (passes == null || scalars == null) {
            throw new IllegalArgumentException("passes and scalars must not be null");
        }
        if (passes.isEmpty()) {
            throw new IllegalArgumentException("a step plan needs at least one pass");
        }
        passes = List.copyOf(passes);
        scalars = Map.copyOf(scalars);
    }

    /**
     * One element-wise pass of {@code kernel}, then {@code scalars} stored.
     *
     * @param kernel the fused update over a range of the parameter, its gradient and its state
     * @param scalars new values of scalar state by name
     */
    public StepPlan(ParameterKernel kernel, Map<String, Double> scalars) {
        this(List.of(Pass.elementWise(kernel)), scalars);
    }

    /**
     * A step that only runs {@code kernel}, element-wise.
     *
     * @param kernel the kernel call
     * @return the plan, with no scalar state
     */
    public static StepPlan of(ParameterKernel kernel) {
        return new StepPlan(kernel, Map.of());
    }

    /**
     * A step of several passes, run in order, with no scalar state.
     *
     * @param passes the passes, in order
     * @return the plan
     */
    public static StepPlan of(Pass... passes) {
        return new StepPlan(List.of(passes), Map.of());
    }
}
