package vecopt.engine.reference;

import java.util.List;

/**
 * RAdam (rectified Adam), optionally with decoupled weight decay (RAdamW), as
 * {@code torch.optim.RAdam}:
 *
 * <pre>
 * input: γ (lr), β₁, β₂ (betas), θ₀ (params), λ (weight_decay), ε (eps),
 *        decoupled_weight_decay, maximize
 * initialize: m₀ ← 0 (first moment), v₀ ← 0 (second moment), ρ_∞ ← 2 / (1 − β₂) − 1
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:
 *         if decoupled_weight_decay:  θ_{t-1} ← θ_{t-1} − γ λ θ_{t-1}
 *         else:                       g_t ← g_t + λ θ_{t-1}
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
 *     m̂_t ← m_t / (1 − β₁^t)
 *     ρ_t ← ρ_∞ − 2 t β₂^t / (1 − β₂^t)
 *     if ρ_t > 5:
 *         l_t ← √(1 − β₂^t) / (√v_t + ε)          (note: ε is added to √v_t, not to √v̂_t)
 *         r_t ← √( (ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4)(ρ_∞ − 2) ρ_t) )
 *         θ_t ← θ_{t-1} − γ m̂_t r_t l_t
 *     else:
 *         θ_t ← θ_{t-1} − γ m̂_t
 * </pre>
 *
 * State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "step"}.
 */
public final class TextbookRAdam implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupledWeightDecay;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** v; null until the first step. */
    private double[] expAvgSq;

    public TextbookRAdam(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean decoupledWeightDecay,
            boolean maximize) {
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
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(beta2, step) / biasCorrection2;
        boolean rectify = rhoT > 5;
        double rect = rectify
                ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
                : Double.NaN;
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
            double mHat = expAvg[i] / biasCorrection1;
            if (rectify) {
                double adaptiveLr = Math.sqrt(biasCorrection2) / (Math.sqrt(expAvgSq[i]) + eps);
                params[i] = params[i] - lr * mHat * rect * adaptiveLr;
            } else {
                params[i] = params[i] - lr * mHat;
            }
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState(
                            "RAdam", name, List.of("exp_avg", "exp_avg_sq", "step"));
        };
    }
}
