package vecopt.engine.reference;

import java.util.List;

/**
 * Adadelta, as {@code torch.optim.Adadelta}:
 *
 * <pre>
 * input: γ (lr), θ₀ (params), ρ (rho), λ (weight_decay), ε (eps), maximize
 * initialize: v₀ ← 0 (square avg), u₀ ← 0 (accumulate variables)
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *     v_t ← ρ v_{t-1} + (1 − ρ) g_t²
 *     Δx_t ← √(u_{t-1} + ε) / √(v_t + ε) · g_t
 *     u_t ← ρ u_{t-1} + (1 − ρ) Δx_t²
 *     θ_t ← θ_{t-1} − γ Δx_t
 * </pre>
 *
 * State: {@code "square_avg"} (v), {@code "acc_delta"} (u), {@code "step"}.
 */
public final class TextbookAdadelta implements TextbookOptimizer {

    private final double lr;
    private final double rho;
    private final double eps;
    private final double weightDecay;
    private final boolean maximize;

    private long step;
    /** v; null until the first step. */
    private double[] squareAvg;
    /** u; null until the first step. */
    private double[] accDelta;

    public TextbookAdadelta(
            double lr, double rho, double eps, double weightDecay, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        if (!(0.0 <= rho && rho <= 1.0)) {
            throw new IllegalArgumentException("Invalid rho value: " + rho);
        }
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        this.lr = lr;
        this.rho = rho;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(
                params, grads, squareAvg == null ? -1 : squareAvg.length);
        if (squareAvg == null) {
            squareAvg = new double[n];
            accDelta = new double[n];
        }
        step++;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            squareAvg[i] = rho * squareAvg[i] + (1 - rho) * g * g;
            double delta = Math.sqrt(accDelta[i] + eps) / Math.sqrt(squareAvg[i] + eps) * g;
            accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
            params[i] = params[i] - lr * delta;
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "square_avg" -> TextbookSupport.copy(squareAvg);
            case "acc_delta" -> TextbookSupport.copy(accDelta);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState(
                            "Adadelta", name, List.of("square_avg", "acc_delta", "step"));
        };
    }
}
