package vecopt.engine.reference;

import java.util.List;

/**
 * Nesterov momentum in the CS231n form, which tracks the "looked-ahead" parameters:
 *
 * <pre>
 * input: γ (lr), μ (mu)
 * initialize: v₀ ← 0
 * for t = 1, 2, ...
 *     v_prev ← v_{t-1}
 *     v_t ← μ v_{t-1} − γ g_t
 *     θ_t ← θ_{t-1} − μ v_prev + (1 + μ) v_t
 * </pre>
 *
 * With a constant learning rate this matches PyTorch's SGD with {@code nesterov=True} up to
 * rounding: the parameter change is {@code −γ (g_t + μ b_t)} with {@code b_t = −v_t / γ}.
 *
 * <p>State: {@code "v"}.
 */
public final class Cs231nNesterov implements TextbookOptimizer {

    private final double lr;
    private final double mu;

    /** v; null until the first step. */
    private double[] v;

    public Cs231nNesterov(double lr, double mu) {
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
            double vPrev = v[i];
            v[i] = mu * v[i] - lr * grads[i];
            params[i] = params[i] - mu * vPrev + (1 + mu) * v[i];
        }
    }

    @Override
    public double[] state(String name) {
        if ("v".equals(name)) {
            return TextbookSupport.copy(v);
        }
        throw TextbookSupport.unknownState("Cs231nNesterov", name, List.of("v"));
    }
}
