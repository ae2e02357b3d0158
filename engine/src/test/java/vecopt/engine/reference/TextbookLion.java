package vecopt.engine.reference;

import java.util.List;

/**
 * Lion, from Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2
 * (with maximize, as every rule here):
 *
 * <pre>
 * input: η (lr), β₁, β₂ (betas), λ (weight_decay), θ₀ (params), maximize
 * initialize: m₀ ← 0 (momentum)
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     c_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     θ_t ← θ_{t-1} − η (sign(c_t) + λ θ_{t-1})
 *     m_t ← β₂ m_{t-1} + (1 − β₂) g_t
 * </pre>
 *
 * sign(0) = 0 and sign(NaN) = NaN ({@link Math#signum}).
 *
 * <p>State: {@code "exp_avg"} (m), {@code "step"}.
 */
public final class TextbookLion implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double weightDecay;
    private final boolean maximize;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;

    public TextbookLion(double lr, double beta1, double beta2, double weightDecay, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireBeta(beta1, 0);
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.weightDecay = weightDecay;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
        }
        step++;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            double c = beta1 * expAvg[i] + (1 - beta1) * g;
            params[i] = params[i] - lr * (Math.signum(c) + weightDecay * params[i]);
            expAvg[i] = beta2 * expAvg[i] + (1 - beta2) * g;
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState("Lion", name, List.of("exp_avg", "step"));
        };
    }
}
