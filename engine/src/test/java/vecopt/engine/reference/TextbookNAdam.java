package vecopt.engine.reference;

import java.util.List;

/**
 * NAdam (Adam with Nesterov momentum and a momentum schedule), optionally with decoupled weight
 * decay (NAdamW), as {@code torch.optim.NAdam}:
 *
 * <pre>
 * input: γ (lr), β₁, β₂ (betas), θ₀ (params), λ (weight_decay), ψ (momentum_decay), ε (eps),
 *        decoupled_weight_decay, maximize
 * initialize: m₀ ← 0 (first moment), v₀ ← 0 (second moment), Π₀ ← 1 (mu_product)
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:
 *         if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} − γ λ θ_{t-1}
 *         else:                       g_t ← g_t + λ θ_{t-1}
 *     μ_t     ← β₁ (1 − ½ · 0.96^(t ψ))
 *     μ_{t+1} ← β₁ (1 − ½ · 0.96^((t+1) ψ))
 *     Π_t ← Π_{t-1} μ_t                 (= ∏_{i=1..t} μ_i)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
 *     m̂_t ← μ_{t+1} m_t / (1 − Π_t μ_{t+1}) + (1 − μ_t) g_t / (1 − Π_t)
 *     v̂_t ← v_t / (1 − β₂^t)
 *     θ_t ← θ_{t-1} − γ m̂_t / (√v̂_t + ε)
 * </pre>
 *
 * State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "mu_product"} (Π_t),
 * {@code "step"}.
 */
public final class TextbookNAdam implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double momentumDecay;
    private final boolean decoupledWeightDecay;
    private final boolean maximize;

    private long step;
    /** Π_t, the product of all μ_i so far. */
    private double muProduct = 1.0;
    /** m; null until the first step. */
    private double[] expAvg;
    /** v; null until the first step. */
    private double[] expAvgSq;

    public TextbookNAdam(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            double momentumDecay,
            boolean decoupledWeightDecay,
            boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireBeta(beta1, 0);
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(momentumDecay, "momentum_decay value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentumDecay = momentumDecay;
        this.decoupledWeightDecay = decoupledWeightDecay;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
            expAvgSq = new double[n];
        }
        step++;
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double mu = beta1 * (1 - 0.5 * Math.pow(0.96, step * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (step + 1) * momentumDecay));
        muProduct = muProduct * mu;
        double muProductNext = muProduct * muNext;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                if (decoupledWeightDecay) {
                    params[i] = params[i] * (1 - lr * weightDecay);
                } else {
                    g = g + weightDecay * params[i];
                }
            }
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            double mHat = muNext * expAvg[i] / (1 - muProductNext) + (1 - mu) * g / (1 - muProduct);
            double vHat = expAvgSq[i] / biasCorrection2;
            params[i] = params[i] - lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "mu_product" -> TextbookSupport.scalar(muProduct);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState(
                            "NAdam", name, List.of("exp_avg", "exp_avg_sq", "mu_product", "step"));
        };
    }
}
