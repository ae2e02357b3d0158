package vecopt.engine.reference;

import java.util.List;

/**
 * AdEMAMix, from Pagliardini, Ablin and Grangier 2024, "The AdEMAMix Optimizer: Better, Faster,
 * Older", Algorithm 1 and its schedulers (section 3), with optax's {@code ademamix} conventions: the
 * schedulers see the count before the step ({@code t - 1}), weight decay is {@code lr * λ θ}; plus
 * maximize. A warm-up length of 0 means no scheduler (the paper's {@code None}).
 *
 * <pre>
 * input: η (lr), β₁, β₂ (betas), β₃, α, ε (eps), λ (weight_decay), T_α (t_alpha), T_β₃ (t_beta3), θ₀, maximize
 * initialize: m₁ ← 0, m₂ ← 0, ν ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                                 (−∇f if maximize)
 *     α_t ← T_α = 0 ? α : min((t−1) α / T_α, α)
 *     β₃_t ← T_β₃ = 0 ? β₃ : min(exp(ln β₁ ln β₃ / ((1 − s) ln β₃ + s ln β₁)), β₃),  s = min((t−1) / T_β₃, 1)
 *     m₁ ← β₁ m₁ + (1 − β₁) g_t
 *     m₂ ← β₃_t m₂ + (1 − β₃_t) g_t
 *     ν ← β₂ ν + (1 − β₂) g_t²
 *     m̂₁ ← m₁ / (1 − β₁^t);  ν̂ ← ν / (1 − β₂^t)
 *     θ_t ← θ_{t-1} − η ((m̂₁ + α_t m₂) / (√ν̂ + ε) + λ θ_{t-1})
 * </pre>
 *
 * The β₃ scheduler's formula is undefined (0/0, ∞/∞) where a beta is 0; there it takes its limit:
 * {@code ln β₃ / s} for β₁ = 0, {@code ln β₁ / (1 − s)} for β₃ = 0, and 0 for both.
 *
 * <p>State: {@code "exp_avg_fast"} (m₁), {@code "exp_avg_slow"} (m₂), {@code "exp_avg_sq"} (ν),
 * {@code "step"}.
 */
public final class TextbookAdEMAMix implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double beta3;
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double tAlpha;
    private final double tBeta3;
    private final boolean maximize;

    private long step;
    private double[] expAvgFast;
    private double[] expAvgSlow;
    private double[] expAvgSq;

    public TextbookAdEMAMix(double lr, double beta1, double beta2, double beta3, double alpha, double eps,
                            double weightDecay, double tAlpha, double tBeta3, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireBeta(beta1, 0);
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireBeta(beta3, 2);
        TextbookSupport.requireNonNegative(alpha, "alpha value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(tAlpha, "t_alpha value");
        TextbookSupport.requireNonNegative(tBeta3, "t_beta3 value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.beta3 = beta3;
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.tAlpha = tAlpha;
        this.tBeta3 = tBeta3;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvgFast == null ? -1 : expAvgFast.length);
        if (expAvgFast == null) {
            expAvgFast = new double[n];
            expAvgSlow = new double[n];
            expAvgSq = new double[n];
        }
        step++;
        double count = step - 1;
        double alphaT = tAlpha == 0 ? alpha : Math.min(count * alpha / tAlpha, alpha);
        // s stops at 1 (the authors' scheduler returns beta3 once the warm-up is over): past it, the formula
        // would extrapolate, below beta3 when beta1 > beta3, where the min cannot catch it
        double beta3T = tBeta3 == 0 ? beta3 : Math.min(Math.exp(logBeta3(Math.min(count / tBeta3, 1))), beta3);
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            expAvgFast[i] = beta1 * expAvgFast[i] + (1 - beta1) * g;
            expAvgSlow[i] = beta3T * expAvgSlow[i] + (1 - beta3T) * g;
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            double m1Hat = expAvgFast[i] / bias1;
            double vHat = expAvgSq[i] / bias2;
            double update = (m1Hat + alphaT * expAvgSlow[i]) / (Math.sqrt(vHat) + eps);
            params[i] = params[i] - lr * (update + weightDecay * params[i]);
        }
    }

    /** The paper's {@code ln β₃_t} before the min, at {@code s = (t − 1) / T_β₃}, or its limit where a beta is 0. */
    private double logBeta3(double s) {
        double log1 = Math.log(beta1);
        double log3 = Math.log(beta3);
        if (beta1 == 0 && beta3 == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (beta1 == 0) {
            return s == 0 ? Double.NEGATIVE_INFINITY : log3 / s;
        }
        if (beta3 == 0) {
            return s >= 1 ? Double.NEGATIVE_INFINITY : log1 / (1 - s);
        }
        return log1 * log3 / ((1 - s) * log3 + s * log1);
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg_fast" -> TextbookSupport.copy(expAvgFast);
            case "exp_avg_slow" -> TextbookSupport.copy(expAvgSlow);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState(
                    "AdEMAMix", name, List.of("exp_avg_fast", "exp_avg_slow", "exp_avg_sq", "step"));
        };
    }
}
