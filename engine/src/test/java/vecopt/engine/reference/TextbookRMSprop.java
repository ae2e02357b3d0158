package vecopt.engine.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop, optionally centered and with momentum, as {@code torch.optim.RMSprop}:
 *
 * <pre>
 * input: α (alpha), γ (lr), θ₀ (params), λ (weight_decay), μ (momentum), centered, ε (eps),
 *        maximize
 * initialize: v₀ ← 0 (square average), b₀ ← 0 (buffer), g^ave₀ ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *     v_t ← α v_{t-1} + (1 − α) g_t²
 *     ṽ_t ← v_t
 *     if centered:
 *         g^ave_t ← α g^ave_{t-1} + (1 − α) g_t
 *         ṽ_t ← ṽ_t − (g^ave_t)²
 *     if μ > 0:
 *         b_t ← μ b_{t-1} + g_t / (√ṽ_t + ε)
 *         θ_t ← θ_{t-1} − γ b_t
 *     else:
 *         θ_t ← θ_{t-1} − γ g_t / (√ṽ_t + ε)
 * </pre>
 *
 * With the non-PyTorch option {@code epsInsideSqrt} (TensorFlow's convention) every denominator
 * {@code √ṽ_t + ε} becomes {@code √(ṽ_t + ε)}.
 *
 * <p>State: {@code "square_avg"} (v), {@code "step"}, {@code "momentum_buffer"} (b) when μ > 0,
 * {@code "grad_avg"} (g^ave) when centered.
 */
public final class TextbookRMSprop implements TextbookOptimizer {

    private final double lr;
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;
    private final boolean maximize;
    private final boolean epsInsideSqrt;

    private long step;
    /** v; null until the first step. */
    private double[] squareAvg;
    /** b; allocated only when momentum > 0. */
    private double[] momentumBuffer;
    /** g^ave; allocated only when centered. */
    private double[] gradAvg;

    public TextbookRMSprop(
            double lr,
            double alpha,
            double eps,
            double weightDecay,
            double momentum,
            boolean centered,
            boolean maximize,
            boolean epsInsideSqrt) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireNonNegative(momentum, "momentum value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(alpha, "alpha value");
        this.lr = lr;
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
        this.maximize = maximize;
        this.epsInsideSqrt = epsInsideSqrt;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(
                params, grads, squareAvg == null ? -1 : squareAvg.length);
        if (squareAvg == null) {
            squareAvg = new double[n];
            if (momentum > 0) {
                momentumBuffer = new double[n];
            }
            if (centered) {
                gradAvg = new double[n];
            }
        }
        step++;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            squareAvg[i] = alpha * squareAvg[i] + (1 - alpha) * g * g;
            double variance = squareAvg[i];
            if (centered) {
                gradAvg[i] = alpha * gradAvg[i] + (1 - alpha) * g;
                variance = variance - gradAvg[i] * gradAvg[i];
            }
            double denominator =
                    epsInsideSqrt ? Math.sqrt(variance + eps) : Math.sqrt(variance) + eps;
            if (momentum > 0) {
                momentumBuffer[i] = momentum * momentumBuffer[i] + g / denominator;
                params[i] = params[i] - lr * momentumBuffer[i];
            } else {
                params[i] = params[i] - lr * g / denominator;
            }
        }
    }

    @Override
    public double[] state(String name) {
        if ("square_avg".equals(name)) {
            return TextbookSupport.copy(squareAvg);
        }
        if ("step".equals(name)) {
            return TextbookSupport.scalar(step);
        }
        if (momentum > 0 && "momentum_buffer".equals(name)) {
            return TextbookSupport.copy(momentumBuffer);
        }
        if (centered && "grad_avg".equals(name)) {
            return TextbookSupport.copy(gradAvg);
        }
        List<String> known = new ArrayList<>(List.of("square_avg", "step"));
        if (momentum > 0) {
            known.add("momentum_buffer");
        }
        if (centered) {
            known.add("grad_avg");
        }
        throw TextbookSupport.unknownState("RMSprop", name, known);
    }
}
