package vecopt.engine;

/**
 * What a step decided for all parameters before any rule runs, handed down to each rule: the
 * norm-clipping coefficient and the value-clipping bound the kernels apply to the gradient.
 *
 * @param normScale gradients are multiplied by it: {@code max_norm / (total_norm + 1e-6)} when clipping
 *                  by norm clips, else 1
 * @param clipValue gradients are clamped to {@code [-clipValue, clipValue]}; infinite for no clamp
 */
public record StepContext(float normScale, float clipValue) {

    /** No clipping. */
    public static final StepContext NONE = new StepContext(1f, Float.POSITIVE_INFINITY);

    /**
     * The kernels' gradient multiplier: the norm-clipping coefficient, negated to maximize.
     *
     * @param maximize whether the rule maximizes
     * @return the multiplier
     */
    public float gradScale(boolean maximize) {
        return maximize ? -normScale : normScale;
    }
}
