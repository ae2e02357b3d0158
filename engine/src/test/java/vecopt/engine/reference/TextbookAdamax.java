package vecopt.engine.reference;

import java.util.List;

/**
 * Adamax (Adam with the infinity norm), as {@code torch.optim.Adamax}:
 *
 * <pre>
 * input: γ (lr), β₁, β₂ (betas), θ₀ (params), λ (weight_decay), ε (eps), maximize
 * initialize: m₀ ← 0 (first moment), u₀ ← 0 (infinity norm)
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     u_t ← max(β₂ u_{t-1}, |g_t| + ε)
 *     θ_t ← θ_{t-1} − γ m_t / ((1 − β₁^t) u_t)
 * </pre>
 *
 * PyTorch adds ε inside the max (the paper has no ε), so u_t ≥ ε and the division is safe.
 *
 * <p>State: {@code "exp_avg"} (m), {@code "exp_inf"} (u), {@code "step"}.
 */
public final class TextbookAdamax implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** u; null until the first step. */
    private double[] expInf;

    public TextbookAdamax(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
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
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
            expInf = new double[n];
        }
        step++;
        double clr = lr / (1 - Math.pow(beta1, step));
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expInf[i] = Math.max(beta2 * expInf[i], Math.abs(g) + eps);
            params[i] = params[i] - clr * expAvg[i] / expInf[i];
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_inf" -> TextbookSupport.copy(expInf);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState(
                            "Adamax", name, List.of("exp_avg", "exp_inf", "step"));
        };
    }
}
