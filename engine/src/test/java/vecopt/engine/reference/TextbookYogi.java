package vecopt.engine.reference;

import java.util.Arrays;
import java.util.List;

/**
 * Yogi, from Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization", Algorithm 2, with
 * optax's {@code scale_by_yogi} conventions where they differ from the paper (both moments start at
 * {@code initial_accumulator_value} and are bias-corrected), and maximize:
 *
 * <pre>
 * input: η (lr), β₁, β₂ (betas), ε (eps), v₀ (initial_accumulator_value), θ₀ (params), maximize
 * initialize: m₀ ← v₀, v₀ ← v₀
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     v_t ← v_{t-1} − (1 − β₂) sign(v_{t-1} − g_t²) g_t²
 *     θ_t ← θ_{t-1} − η (m_t / (1 − β₁^t)) / (√(v_t / (1 − β₂^t)) + ε)
 * </pre>
 *
 * <p>State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "step"}.
 */
public final class TextbookYogi implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double initialAccumulatorValue;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** v; null until the first step. */
    private double[] expAvgSq;

    public TextbookYogi(double lr, double beta1, double beta2, double eps, double initialAccumulatorValue,
                        boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireBeta(beta1, 0);
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireNonNegative(initialAccumulatorValue, "initial_accumulator_value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
            expAvgSq = new double[n];
            Arrays.fill(expAvg, initialAccumulatorValue);
            Arrays.fill(expAvgSq, initialAccumulatorValue);
        }
        step++;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            double g2 = g * g;
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgSq[i] = expAvgSq[i] - (1 - beta2) * Math.signum(expAvgSq[i] - g2) * g2;
            double mHat = expAvg[i] / biasCorrection1;
            double vHat = expAvgSq[i] / biasCorrection2;
            params[i] = params[i] - lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState(
                    "Yogi", name, List.of("exp_avg", "exp_avg_sq", "step"));
        };
    }
}
