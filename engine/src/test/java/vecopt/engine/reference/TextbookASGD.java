package vecopt.engine.reference;

import java.util.List;

/**
 * Averaged SGD, as {@code torch.optim.ASGD} (Polyak and Juditsky's averaging with a decaying rate):
 *
 * <pre>
 * input: θ₀ (params), γ (lr), λ (lambd), α (alpha), t₀ (t0), wd (weight_decay), maximize
 * initialize: η₀ ← γ, μ₀ ← 1, ax₀ ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if wd ≠ 0:  g_t ← g_t + wd θ_{t-1}
 *     θ_t ← θ_{t-1} (1 − λ η_{t-1}) − η_{t-1} g_t
 *     ax_t ← ax_{t-1} + μ_{t-1} (θ_t − ax_{t-1})   if μ_{t-1} ≠ 1, else θ_t
 *     η_t ← γ / (1 + λ γ t)^α
 *     μ_t ← 1 / max(1, t − t₀)
 * </pre>
 *
 * State: {@code "ax"}, {@code "eta"}, {@code "mu"}, {@code "step"}.
 */
public final class TextbookASGD implements TextbookOptimizer {

    private final double lr;
    private final double lambd;
    private final double alpha;
    private final double t0;
    private final double weightDecay;
    private final boolean maximize;

    private long step;
    /** η, the rate of the next step. */
    private double eta;
    /** μ, the weight of the next iterate in the average. */
    private double mu = 1.0;
    /** The average of the iterates; null until the first step. */
    private double[] ax;

    public TextbookASGD(double lr, double lambd, double alpha, double t0, double weightDecay, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        this.lr = lr;
        this.lambd = lambd;
        this.alpha = alpha;
        this.t0 = t0;
        this.weightDecay = weightDecay;
        this.maximize = maximize;
        this.eta = lr;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, ax == null ? -1 : ax.length);
        if (ax == null) {
            ax = new double[n];
        }
        step++;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            params[i] = params[i] * (1 - lambd * eta) - eta * g;
            ax[i] = mu != 1 ? ax[i] + mu * (params[i] - ax[i]) : params[i];
        }
        eta = lr / Math.pow(1 + lambd * lr * step, alpha);
        mu = 1 / Math.max(1, step - t0);
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "ax" -> TextbookSupport.copy(ax);
            case "eta" -> TextbookSupport.scalar(eta);
            case "mu" -> TextbookSupport.scalar(mu);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState("ASGD", name, List.of("ax", "eta", "mu", "step"));
        };
    }
}
