package vecopt.engine.kernels;

/**
 * The check that keeps a per-step coefficient from overflowing float32: hyperparameters are finite
 * floats, but products and quotients of them ({@code lr / (1 - beta1^t)}, {@code 1 - lr * weight_decay})
 * can still leave the float range and would turn parameters into infinities and NaN.
 */
final class FiniteCoefficient {

    private FiniteCoefficient() {
    }

    /**
     * {@code value} as a float.
     *
     * @throws IllegalArgumentException naming the rule, the coefficient, its value and the step, if
     *     the float is NaN or infinite; the step then writes nothing
     */
    static float of(String rule, String coefficient, double value, long step) {
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException(rule + "'s coefficient " + coefficient + " is " + value
                    + " at step " + step + ", outside the float32 range; lower lr or weight_decay");
        }
        return f;
    }

    /** The decoupled weight-decay factor {@code 1 - lr * weight_decay}, checked by {@link #of}. */
    static float decoupledDecay(String rule, double lr, double weightDecay, long step) {
        return of(rule, "1 - lr * weight_decay", 1 - lr * weightDecay, step);
    }
}
