package vecopt.engine.reference;

import java.util.List;

/**
 * Classical momentum in the form taught by CS231n (and Sutskever et al.), where the learning rate
 * sits inside the velocity:
 *
 * <pre>
 * input: γ (lr), μ (mu)
 * initialize: v₀ ← 0
 * for t = 1, 2, ...
 *     v_t ← μ v_{t-1} − γ g_t
 *     θ_t ← θ_{t-1} + v_t
 * </pre>
 *
 * With a constant learning rate this matches PyTorch's SGD with momentum (whose buffer is
 * {@code b = −v / γ}) up to rounding; it differs once γ changes between steps. Because
 * {@code v₀ = 0}, the first step {@code v₁ = −γ g₁} agrees with PyTorch's undampened first buffer
 * {@code b₁ = g₁}.
 *
 * <p>State: {@code "v"}.
 */
public final class Cs231nMomentum implements TextbookOptimizer {

    private final double lr;
    private final double mu;

    /** v; null until the first step. */
    private double[] v;

    public Cs231nMomentum(double lr, double mu) {
        this.lr = lr;
        this.mu = mu;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, v == null ? -1 : v.length);
        if (v == null) {
            v = new double[n];
        }
        for (int i = 0; i < n; i++) {
            v[i] = mu * v[i] - lr * grads[i];
            params[i] = params[i] + v[i];
        }
    }

    @Override
    public double[] state(String name) {
        if ("v".equals(name)) {
            return TextbookSupport.copy(v);
        }
        throw TextbookSupport.unknownState("Cs231nMomentum", name, List.of("v"));
    }
}
