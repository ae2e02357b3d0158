package vecopt.engine.reference;

import java.util.List;

/**
 * AdaBelief, from Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in
 * Observed Gradients", Algorithm 2, with the decoupled weight decay of the authors' package
 * (adabelief-pytorch, {@code weight_decouple=True}) and maximize:
 *
 * <pre>
 * input: α (lr), β₁, β₂ (betas), ε (eps), λ (weight_decay), θ₀ (params), maximize
 * initialize: m₀ ← 0, s₀ ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     θ_{t-1} ← θ_{t-1} (1 − α λ)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     s_t ← β₂ s_{t-1} + (1 − β₂)(g_t − m_t)² + ε     (g_t − m_t computed as β₁ (g_t − m_{t-1}))
 *     m̂_t ← m_t / (1 − β₁^t)
 *     ŝ_t ← s_t / (1 − β₂^t)
 *     θ_t ← θ_{t-1} − α m̂_t / (√ŝ_t + ε)
 * </pre>
 *
 * <p>State: {@code "exp_avg"} (m), {@code "exp_avg_var"} (s), {@code "step"}.
 */
public final class TextbookAdaBelief implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** s; null until the first step. */
    private double[] expAvgVar;

    public TextbookAdaBelief(double lr, double beta1, double beta2, double eps, double weightDecay, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireBeta(beta1, 0);
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
            expAvgVar = new double[n];
        }
        step++;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            double theta = params[i] * (1 - lr * weightDecay);
            // g_t − m_t = β₁ (g_t − m_{t-1}): the same value, without cancellation when β₁ is tiny
            double residual = beta1 * (g - expAvg[i]);
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgVar[i] = beta2 * expAvgVar[i] + (1 - beta2) * residual * residual + eps;
            double mHat = expAvg[i] / biasCorrection1;
            double sHat = expAvgVar[i] / biasCorrection2;
            params[i] = theta - lr * mHat / (Math.sqrt(sHat) + eps);
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_var" -> TextbookSupport.copy(expAvgVar);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState(
                    "AdaBelief", name, List.of("exp_avg", "exp_avg_var", "step"));
        };
    }
}
