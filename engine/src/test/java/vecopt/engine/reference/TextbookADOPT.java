package vecopt.engine.reference;

import java.util.List;

/**
 * ADOPT, from Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal
 * Rate", Algorithm 2, with optax's clipping schedule ({@code clip_value_fn(count) = count^0.25}, the
 * count before the step), the authors' decoupled weight decay and maximize:
 *
 * <pre>
 * input: α (lr), β₁, β₂ (betas), ε (eps), λ (weight_decay), clipping (use_clipping), θ₀ (params), maximize
 * initialize: m₀ ← 0
 * t = 1:  g₁ ← ∇f(θ₀) (−∇f if maximize);  v₁ ← g₁²;  θ₁ ← θ₀
 * for t = 2, 3, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     θ_{t-1} ← θ_{t-1} (1 − α λ)
 *     x_t ← g_t / max(√v_{t-1}, ε)
 *     x_t ← clip(x_t, −(t−1)^¼, (t−1)^¼)   (if clipping)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) x_t
 *     θ_t ← θ_{t-1} − α m_t
 *     v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
 * </pre>
 *
 * <p>State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "step"}.
 */
public final class TextbookADOPT implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean clipping;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** v; null until the first step. */
    private double[] expAvgSq;

    public TextbookADOPT(double lr, double beta1, double beta2, double eps, double weightDecay,
                         boolean clipping, boolean maximize) {
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
        this.clipping = clipping;
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
        if (step == 1) {
            for (int i = 0; i < n; i++) {
                double g = maximize ? -grads[i] : grads[i];
                expAvgSq[i] = g * g;
            }
            return;
        }
        double clip = Math.pow(step - 1, 0.25);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            params[i] = params[i] * (1 - lr * weightDecay);
            double x = g / Math.max(Math.sqrt(expAvgSq[i]), eps);
            if (clipping) {
                x = Math.min(Math.max(x, -clip), clip);
            }
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * x;
            params[i] = params[i] - lr * expAvg[i];
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState(
                    "ADOPT", name, List.of("exp_avg", "exp_avg_sq", "step"));
        };
    }
}
