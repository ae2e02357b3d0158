package vecopt.engine.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam and AdamW (decoupled weight decay), optionally AMSGrad, as {@code torch.optim.Adam} and
 * {@code torch.optim.AdamW}:
 *
 * <pre>
 * input: γ (lr), β₁, β₂ (betas), θ₀ (params), λ (weight_decay), ε (eps), amsgrad, maximize,
 *        decoupled (AdamW)
 * initialize: m₀ ← 0, v₀ ← 0, v₀^max ← 0
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     if λ ≠ 0:
 *         if decoupled:  θ_{t-1} ← θ_{t-1} − γ λ θ_{t-1}     (AdamW)
 *         else:          g_t ← g_t + λ θ_{t-1}               (Adam, L2 penalty)
 *     m_t ← β₁ m_{t-1} + (1 − β₁) g_t
 *     v_t ← β₂ v_{t-1} + (1 − β₂) g_t²
 *     m̂_t ← m_t / (1 − β₁^t)
 *     if amsgrad:
 *         v_t^max ← max(v_{t-1}^max, v_t)
 *         v̂_t ← v_t^max / (1 − β₂^t)
 *     else:
 *         v̂_t ← v_t / (1 − β₂^t)
 *     θ_t ← θ_{t-1} − γ m̂_t / (√v̂_t + ε)
 * </pre>
 *
 * State: {@code "exp_avg"} (m), {@code "exp_avg_sq"} (v), {@code "step"}, and
 * {@code "max_exp_avg_sq"} (v^max) when amsgrad.
 */
public final class TextbookAdam implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;
    private final boolean maximize;
    private final boolean decoupledWeightDecay;

    private long step;
    /** m; null until the first step. */
    private double[] expAvg;
    /** v; null until the first step. */
    private double[] expAvgSq;
    /** v^max; allocated only when amsgrad. */
    private double[] maxExpAvgSq;

    /**
     * @param decoupledWeightDecay true for AdamW: decay the parameters directly instead of adding
     *     the L2 penalty's gradient
     */
    public TextbookAdam(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean amsgrad,
            boolean maximize,
            boolean decoupledWeightDecay) {
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
        this.amsgrad = amsgrad;
        this.maximize = maximize;
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, expAvg == null ? -1 : expAvg.length);
        if (expAvg == null) {
            expAvg = new double[n];
            expAvgSq = new double[n];
            if (amsgrad) {
                maxExpAvgSq = new double[n];
            }
        }
        step++;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                if (decoupledWeightDecay) {
                    params[i] = params[i] * (1 - lr * weightDecay);
                } else {
                    g = g + weightDecay * params[i];
                }
            }
            expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * g;
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            double mHat = expAvg[i] / biasCorrection1;
            double vHat;
            if (amsgrad) {
                maxExpAvgSq[i] = Math.max(maxExpAvgSq[i], expAvgSq[i]);
                vHat = maxExpAvgSq[i] / biasCorrection2;
            } else {
                vHat = expAvgSq[i] / biasCorrection2;
            }
            params[i] = params[i] - lr * mHat / (Math.sqrt(vHat) + eps);
        }
    }

    @Override
    public double[] state(String name) {
        if ("exp_avg".equals(name)) {
            return TextbookSupport.copy(expAvg);
        }
        if ("exp_avg_sq".equals(name)) {
            return TextbookSupport.copy(expAvgSq);
        }
        if ("step".equals(name)) {
            return TextbookSupport.scalar(step);
        }
        if (amsgrad && "max_exp_avg_sq".equals(name)) {
            return TextbookSupport.copy(maxExpAvgSq);
        }
        List<String> known = new ArrayList<>(List.of("exp_avg", "exp_avg_sq", "step"));
        if (amsgrad) {
            known.add("max_exp_avg_sq");
        }
        throw TextbookSupport.unknownState(decoupledWeightDecay ? "AdamW" : "Adam", name, known);
    }
}
