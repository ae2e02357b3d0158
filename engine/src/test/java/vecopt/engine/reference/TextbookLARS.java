package vecopt.engine.reference;

import java.util.List;

/**
 * LARS, from You, Gitman and Ginsburg 2017, "Large Batch Training of Convolutional Networks",
 * Algorithm 1, with optax's {@code lars} trust ratio ({@code ‖g + βw‖} in the denominator, eps added to
 * it, a ratio of 1 where a norm is 0) and {@code torch.optim.SGD}'s momentum, the learning rate outside
 * the buffer (the paper puts it inside); a group flag that turns the ratio off; plus maximize.
 *
 * <pre>
 * input: γ (lr), μ (momentum), β (weight_decay), η (trust_coefficient), ε (eps), nesterov,
 *        use_trust_ratio, w₀ (params), maximize
 * initialize: b₀ ← 0 (momentum buffer)
 * for t = 1, 2, ...
 *     g_t ← ∇f(w_{t-1})                                  (−∇f if maximize)
 *     u ← g_t + β w_{t-1}
 *     λ ← η ‖w_{t-1}‖ / (‖u‖ + ε), or 1 if either norm is 0 or not use_trust_ratio
 *     if μ ≠ 0:
 *         b_t ← μ b_{t-1} + λ u
 *         s ← λ u + μ b_t if nesterov, else b_t
 *     else:
 *         s ← λ u
 *     w_t ← w_{t-1} − γ s
 * </pre>
 *
 * <p>State: {@code "momentum_buffer"} (b), only when μ ≠ 0; and {@code "trust_ratio"}, the ratio λ of the
 * last step (not state: for tests that judge what float32 can follow).
 */
public final class TextbookLARS implements TextbookOptimizer {

    private final double lr;
    private final double momentum;
    private final double weightDecay;
    private final double trustCoefficient;
    private final double eps;
    private final boolean nesterov;
    private final boolean useTrustRatio;
    private final boolean maximize;

    /** The ratio of the last step; final, so that tests seeding the state leave it alone. */
    private final double[] trustRatio = {1};
    /** b: the momentum buffer; null until the first step. */
    private double[] momentumBuffer;

    public TextbookLARS(double lr, double momentum, double weightDecay, double trustCoefficient, double eps,
                        boolean nesterov, boolean useTrustRatio, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(momentum, "momentum value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(trustCoefficient, "trust_coefficient value");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        if (nesterov && momentum <= 0) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum");
        }
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.trustCoefficient = trustCoefficient;
        this.eps = eps;
        this.nesterov = nesterov;
        this.useTrustRatio = useTrustRatio;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, momentumBuffer == null ? -1 : momentumBuffer.length);
        if (momentumBuffer == null) {
            momentumBuffer = new double[n];
        }
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            u[i] = g + weightDecay * params[i];
        }
        double paramNorm = TextbookLAMB.norm(params);
        double updateNorm = TextbookLAMB.norm(u);
        double ratio = 1;
        if (useTrustRatio && paramNorm != 0 && updateNorm != 0) {
            ratio = trustCoefficient * paramNorm / (updateNorm + eps);
        }
        trustRatio[0] = ratio;
        for (int i = 0; i < n; i++) {
            double s = ratio * u[i];
            if (momentum != 0) {
                momentumBuffer[i] = momentum * momentumBuffer[i] + ratio * u[i];
                s = nesterov ? ratio * u[i] + momentum * momentumBuffer[i] : momentumBuffer[i];
            }
            params[i] = params[i] - lr * s;
        }
    }

    @Override
    public double[] state(String name) {
        if (momentum != 0 && "momentum_buffer".equals(name)) {
            return TextbookSupport.copy(momentumBuffer);
        }
        if ("trust_ratio".equals(name)) {
            return trustRatio.clone();
        }
        throw TextbookSupport.unknownState("LARS", name,
                momentum != 0 ? List.of("momentum_buffer", "trust_ratio") : List.of("trust_ratio"));
    }
}
