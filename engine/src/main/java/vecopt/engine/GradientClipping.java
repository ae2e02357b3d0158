package vecopt.engine;

/**
 * How an optimizer clips gradients before its update: not at all, by the global norm, or by value,
 * as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_} do when called before
 * {@code optimizer.step()}. Clipping is fused into the update: the kernels read every gradient as
 * {@code scale * clamp(g)}, so the gradient arrays are never written.
 *
 * <pre>
 * optimizer.setGradientClipping(GradientClipping.byNorm(1.0));
 * optimizer.setGradientClipping(GradientClipping.byValue(0.5));
 * optimizer.setGradientClipping(GradientClipping.byNormPerParameter(1.0));    // each tensor by its own norm
 * optimizer.paramGroups().get(1).setGradientClipping(GradientClipping.byNorm(0.5)); // one group's norm
 * </pre>
 *
 * <p>Scopes: a parameter group's clipping ({@link ParamGroup#setGradientClipping}) applies to its
 * parameters besides the optimizer's, from the finest scope to the widest, as if
 * {@code clip_grad_norm_} were called on each parameter, then on each group, then on all: the
 * optimizer's per-parameter clipping, the group's per-parameter clipping, the group's norm clipping,
 * the optimizer's norm clipping, each norm taken of the gradients as the scopes before left them. All
 * of it comes from the one pass that sums squares per parameter (a clipped gradient's sum of squares
 * is the coefficient squared times the original's), and the product of the coefficients is the one
 * scale the kernel reads: clipping still writes no gradient and costs no extra pass. Clipping by
 * value clamps at the smallest bound in force; norms are taken before that clamp.
 */
public sealed interface GradientClipping {

    /** {@return no clipping, the default} */
    static GradientClipping none() {
        return new None();
    }

    /**
     * Clipping by the 2-norm of all gradients of all groups together, as
     * {@code clip_grad_norm_(params, max_norm, norm_type=2)}: every gradient is multiplied by
     * {@code max_norm / (total_norm + 1e-6)} when that is below 1.
     *
     * @param maxNorm the largest norm let through, PyTorch's {@code max_norm}
     * @return the clipping
     * @throws IllegalArgumentException unless {@code maxNorm} is finite and positive
     */
    static GradientClipping byNorm(double maxNorm) {
        return new ByNorm(maxNorm);
    }

    /**
     * Clipping of every gradient element to {@code [-clipValue, clipValue]}, as
     * {@code clip_grad_value_(params, clip_value)}. NaN stays NaN.
     *
     * @param clipValue the largest magnitude let through, PyTorch's {@code clip_value}
     * @return the clipping
     * @throws IllegalArgumentException unless {@code clipValue} is finite and positive
     */
    static GradientClipping byValue(double clipValue) {
        return new ByValue(clipValue);
    }

    /**
     * Clipping of each parameter by its own 2-norm, as {@code clip_grad_norm_(p, max_norm)} called on
     * each tensor (DL4J's per-layer L2 clipping, {@code ClipL2PerParamType}): a parameter's gradient is
     * multiplied by {@code max_norm / (norm + 1e-6)} when that is below 1.
     *
     * @param maxNorm the largest norm of one parameter's gradient let through, PyTorch's {@code max_norm}
     * @return the clipping
     * @throws IllegalArgumentException unless {@code maxNorm} is finite and positive
     */
    static GradientClipping byNormPerParameter(double maxNorm) {
        return new ByNormPerParameter(maxNorm);
    }

    /** No clipping. */
    record None() implements GradientClipping {
    }

    /**
     * Clipping by the global norm; see {@link GradientClipping#byNorm}.
     *
     * @param maxNorm the largest norm let through
     */
    record ByNorm(double maxNorm) implements GradientClipping {

        /** PyTorch's {@code clip_grad_norm_} adds this to the norm before dividing. */
        public static final double EPS = 1e-6;

        /** Checks that {@code maxNorm} is finite and positive. */
        public ByNorm {
            checkPositive("max_norm", maxNorm);
        }

        /**
         * The factor the gradients are multiplied by, {@code min(max_norm / (totalNorm + 1e-6), 1)}:
         * 1 when the norm is small enough, NaN when it is NaN (as in PyTorch).
         *
         * @param totalNorm the 2-norm of all gradients
         * @return the factor
         */
        public double coefficient(double totalNorm) {
            return Math.min(maxNorm / (totalNorm + EPS), 1.0);
        }
    }

    /**
     * Clipping of each parameter by its own norm; see {@link GradientClipping#byNormPerParameter}.
     *
     * @param maxNorm the largest norm of one parameter's gradient let through
     */
    record ByNormPerParameter(double maxNorm) implements GradientClipping {

        /** Checks that {@code maxNorm} is finite and positive. */
        public ByNormPerParameter {
            checkPositive("max_norm", maxNorm);
        }

        /**
         * The factor one parameter's gradient is multiplied by, {@code min(max_norm / (norm + 1e-6), 1)},
         * as {@link ByNorm#coefficient}.
         *
         * @param norm the 2-norm of the parameter's gradient
         * @return the factor: 1 when the norm is small enough, NaN when it is NaN
         */
        public double coefficient(double norm) {
            return Math.min(maxNorm / (norm + ByNorm.EPS), 1.0);
        }
    }

    /**
     * Clipping by value; see {@link GradientClipping#byValue}.
     *
     * @param clipValue the largest magnitude let through
     */
    record ByValue(double clipValue) implements GradientClipping {

        /** Checks that {@code clipValue} is finite and positive. */
        public ByValue {
            checkPositive("clip_value", clipValue);
        }
    }

    private static void checkPositive(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + Hyperparameter.format(value));
        }
        if (!(value > 0)) {
            throw new IllegalArgumentException(name + " must be > 0, got " + Hyperparameter.format(value));
        }
    }
}
