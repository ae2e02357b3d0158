package vecopt.engine.reference;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and coupled
 * weight decay, as {@code torch.optim.SGD}:
 *
 * <pre>
 * input: γ (lr), θ₀ (params), λ (weight_decay), μ (momentum), τ (dampening), nesterov, maximize
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *     if μ ≠ 0:
 *         if t = 1:  b_t ← g_t           (no dampening on the first step)
 *         else:      b_t ← μ b_{t-1} + (1 − τ) g_t
 *         if nesterov:  g_t ← g_t + μ b_t
 *         else:         g_t ← b_t
 *     θ_t ← θ_{t-1} − γ g_t
 * </pre>
 *
 * State: {@code "momentum_buffer"} (b), only when μ ≠ 0.
 */
public final class TextbookSgd implements TextbookOptimizer {

    private final double lr;
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private final boolean maximize;

    /** b: the momentum buffer; null until the first step. */
    private double[] momentumBuffer;

    public TextbookSgd(
            double lr,
            double momentum,
            double dampening,
            double weightDecay,
            boolean nesterov,
            boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(momentum, "momentum value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(
                    "Nesterov momentum requires a momentum and zero dampening");
        }
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(
                params, grads, momentumBuffer == null ? -1 : momentumBuffer.length);
        boolean firstStep = momentumBuffer == null;
        if (firstStep) {
            momentumBuffer = new double[n];
        }
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            if (momentum != 0) {
                double b;
                if (firstStep) {
                    b = g;
                } else {
                    b = momentum * momentumBuffer[i] + (1 - dampening) * g;
                }
                momentumBuffer[i] = b;
                if (nesterov) {
                    g = g + momentum * b;
                } else {
                    g = b;
                }
            }
            params[i] = params[i] - lr * g;
        }
    }

    @Override
    public double[] state(String name) {
        if (momentum != 0 && "momentum_buffer".equals(name)) {
            return TextbookSupport.copy(momentumBuffer);
        }
        throw TextbookSupport.unknownState(
                "SGD", name, momentum != 0 ? List.of("momentum_buffer") : List.of());
    }
}
