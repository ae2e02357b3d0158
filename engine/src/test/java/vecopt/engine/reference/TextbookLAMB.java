package vecopt.engine.reference;

import java.util.List;

/**
 * LAMB, from You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
 * Algorithm 2, with optax's {@code lamb} conventions (the paper's φ the identity, decoupled weight decay
 * inside the trust ratio, a ratio of 1 where a norm is 0), timm's {@code trust_clip} and apex's
 * {@code bias_correction} switch, a group flag that turns the ratio off; plus maximize.
 *
 * <pre>
 * input: η (lr), β₁, β₂ (betas), ε (eps), λ (weight_decay), bias_correction, trust_clip,
 *        use_trust_ratio, x₀ (params), maximize
 * initialize: m₀ ← 0, v₀ ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(x_{t-1})                                   (−∇f if maximize)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
 *     m̂ ← m_t / (1 − β₁^t);  v̂ ← v_t / (1 − β₂^t)        (m̂ ← m_t, v̂ ← v_t without bias_correction)
 *     r ← m̂ / (√v̂ + ε)
 *     u ← r + λ x_{t-1}
 *     ratio ← ‖x_{t-1}‖ / ‖u‖, or 1 if either norm is 0 or not use_trust_ratio   (2-norms over the tensor)
 *     ratio ← min(ratio, 1)                                (trust_clip)
 *     x_t ← x_{t-1} − η ratio u
 * </pre>
 *
 * <p>State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "step"}; and {@code "trust_ratio"}, the
 * ratio of the last step (not state: for tests that judge what float32 can follow).
 */
public final class TextbookLAMB implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean biasCorrection;
    private final boolean trustClip;
    private final boolean useTrustRatio;
    private final boolean maximize;

    /** The ratio of the last step; final, so that tests seeding the state leave it alone. */
    private final double[] trustRatio = {1};
    private long step;
    private double[] expAvg;
    private double[] expAvgSq;

    public TextbookLAMB(double lr, double beta1, double beta2, double eps, double weightDecay, boolean biasCorrection,
                        boolean trustClip, boolean useTrustRatio, boolean maximize) {
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
        this.biasCorrection = biasCorrection;
        this.trustClip = trustClip;
        this.useTrustRatio = useTrustRatio;
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
        double bias1 = biasCorrection ? 1 - Math.pow(beta1, step) : 1;
        double bias2 = biasCorrection ? 1 - Math.pow(beta2, step) : 1;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            double mHat = expAvg[i] / bias1;
            double vHat = expAvgSq[i] / bias2;
            u[i] = mHat / (Math.sqrt(vHat) + eps) + weightDecay * params[i];
        }
        double paramNorm = norm(params);
        double updateNorm = norm(u);
        double ratio = 1;
        if (useTrustRatio && paramNorm != 0 && updateNorm != 0) {
            ratio = paramNorm / updateNorm;
            if (trustClip) {
                ratio = Math.min(ratio, 1);
            }
        }
        trustRatio[0] = ratio;
        for (int i = 0; i < n; i++) {
            params[i] = params[i] - lr * ratio * u[i];
        }
    }

    /** The 2-norm, by scaling with the largest magnitude so that no square overflows or underflows. */
    static double norm(double[] x) {
        double max = 0;
        for (double xi : x) {
            max = Math.max(max, Math.abs(xi));
        }
        if (max == 0 || !Double.isFinite(max)) {
            return max;
        }
        double s = 0;
        for (double xi : x) {
            double scaled = xi / max;
            s += scaled * scaled;
        }
        return max * Math.sqrt(s);
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "exp_avg" -> TextbookSupport.copy(expAvg);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case "trust_ratio" -> trustRatio.clone();
            case null, default -> throw TextbookSupport.unknownState("LAMB", name,
                    List.of("exp_avg", "exp_avg_sq", "step", "trust_ratio"));
        };
    }
}
