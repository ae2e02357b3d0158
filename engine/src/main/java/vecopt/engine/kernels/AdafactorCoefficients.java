package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of Adafactor's kernels ({@link OptimizerKernels#adafactorSquareSums} and the
 * methods after it), and the relative step size once the step's two norms are known.
 *
 * @param gradScale      gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                       norm-clipping coefficient
 * @param gradClip       gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 * @param weight         {@code 1 - beta2_t = t^beta2_decay}: how far the second moment moves toward this
 *                       step's squares, as the weight of ATen's {@code lerp_}
 * @param complement     {@code 1 - weight}, in float, for the second form of {@link #lerp}
 * @param eps1           the floor of the rows' mean of {@code row_var}
 * @param eps1Squared    the floor of the second-moment estimate under the root: {@code eps1 * eps1}
 * @param invEps1        {@code 1 / eps1}, the ceiling of the estimate's inverse root (infinite for eps1 0)
 * @param paramScale     {@code 1 - lr * weight_decay}: decoupled decay
 * @param beta1          decay of the first moment ({@code exp_avg}); 0 without one
 * @param oneMinusBeta1  {@code 1 - beta1}
 * @param rho            the relative step size {@code min(lr, 1 / sqrt(t))}
 * @param eps2           the smallest parameter scale the relative step is taken of
 * @param clipThreshold  {@code d}: updates whose root mean square is above it are scaled down to it
 */
public record AdafactorCoefficients(
        float gradScale,
        float gradClip,
        float weight,
        float complement,
        float eps1,
        float eps1Squared,
        float invEps1,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        double rho,
        double eps2,
        double clipThreshold) {

    /**
     * Adafactor's coefficients for step {@code step} (1-based), as PyTorch's {@code Adafactor} computes
     * them: {@code 1 - beta2_t = t^beta2_decay}, {@code rho_t = min(lr, 1 / sqrt(t))}.
     *
     * @throws IllegalArgumentException if {@code 1 - lr * weight_decay} or {@code eps1 * eps1} overflows float32
     */
    public static AdafactorCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double weight = Math.pow(step, h.get("beta2_decay"));
        double eps1 = h.get("eps1");
        double beta1 = h.get("beta1");
        float w = (float) weight;
        return new AdafactorCoefficients(
                context.gradScale(h.flag("maximize")),
                context.clipValue(),
                w,
                1f - w,
                (float) eps1,
                FiniteCoefficient.of("Adafactor", "eps1 * eps1", eps1 * eps1, step),
                (float) (1 / eps1),
                FiniteCoefficient.decoupledDecay("Adafactor", lr, h.get("weight_decay"), step),
                (float) beta1,
                (float) (1 - beta1),
                Math.min(lr, 1 / Math.sqrt(step)),
                h.get("eps2"),
                h.get("d"));
    }

    /**
     * ATen's {@code from.lerp_(to, weight)}: {@code from + weight * (to - from)} for weights of
     * magnitude below one half, {@code to - (to - from) * (1 - weight)} otherwise (so a weight of 1
     * gives {@code to} exactly), each as one fma.
     */
    public float lerp(float from, float to) {
        return lerp(from, to, weight, complement);
    }

    /** ATen's {@code lerp} with its weight and the weight's complement {@code 1 - weight}, as one fma. */
    static float lerp(float from, float to, float weight, float complement) {
        return Math.abs(weight) < 0.5f ? Math.fma(weight, to - from, from) : Math.fma(from - to, complement, to);
    }

    /**
     * The step size {@code alpha_t / max(1, RMS(U_t) / d)} with {@code alpha_t = max(eps2, RMS(p)) rho_t},
     * from the sums of squares of the parameter before the step and of the unscaled update over all
     * {@code n} elements. The maxima are Python's {@code max}, as PyTorch takes them: a NaN root mean
     * square leaves {@code eps2} and 1.
     */
    public float stepSize(double parameterSquares, double updateSquares, long n) {
        double parameterRms = Math.sqrt(parameterSquares / n);
        double alpha = (parameterRms > eps2 ? parameterRms : eps2) * rho;
        double ratio = Math.sqrt(updateSquares / n) / clipThreshold;
        return (float) (alpha / (ratio > 1 ? ratio : 1));
    }

    /** True when the step keeps a first moment ({@code beta1 > 0}). */
    public boolean momentum() {
        return beta1 > 0;
    }
}
