package vecopt.engine.reference;

import java.util.List;

/**
 * Schedule-free AdamW, from Defazio et al. 2024, "The Road Less Scheduled", Algorithm 1, with the
 * authors' {@code AdamWScheduleFree} conventions where they differ from the paper's listing: the
 * second moment is bias-corrected inside the root (the paper scales γ_t by √(1 − β₂^t) instead), the
 * averaging is {@link TextbookScheduleFreeAverage}'s (the paper's γ_t² weights are its
 * {@code weight_lr_power = 2}, {@code r = 0} during warm-up), and the decay is added to the normalised
 * gradient at y, so it moves y and z alike; plus maximize. As {@link TextbookSGDScheduleFree}, x is
 * recovered from y and z rather than stored.
 *
 * <pre>
 * input: γ (lr), β₁, β₂ (betas), ε (eps), λ (weight_decay), T_warmup, r, weight_lr_power, maximize
 * initialize: z_1 = x_1 = y_1 (the parameters), v_0 = 0
 * for t = 1, 2, ...
 *     g_t     ← ∇f(y_t)                                      (−∇f if maximize)
 *     v_t     ← β₂ v_{t−1} + (1 − β₂) g_t²
 *     u_t     ← g_t / (√(v_t / (1 − β₂^t)) + ε) + λ y_t
 *     x_t     ← (y_t − (1 − β₁) z_t) / β₁
 *     z_{t+1} ← z_t − γ_t u_t
 *     x_{t+1} ← (1 − c_{t+1}) x_t + c_{t+1} z_{t+1}
 *     y_{t+1} ← (1 − β₁) z_{t+1} + β₁ x_{t+1}
 * </pre>
 *
 * <p>State: {@code "z"}, {@code "exp_avg_sq"} (v), {@code "step"}, and the scalars
 * {@code "weight_sum"} and {@code "lr_max"}.
 */
public final class TextbookAdamWScheduleFree implements TextbookOptimizer {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final double warmupSteps;
    private final double r;
    private final double weightLrPower;
    private final boolean maximize;

    private long step;
    private double weightSum;
    private double lrMax = -1;
    private double[] z;
    private double[] expAvgSq;

    public TextbookAdamWScheduleFree(double lr, double beta1, double beta2, double eps, double weightDecay,
                                     double warmupSteps, double r, double weightLrPower, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        if (!(beta1 > 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Invalid beta parameter at index 0 (x is recovered by dividing by it): "
                    + beta1);
        }
        TextbookSupport.requireBeta(beta2, 1);
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(warmupSteps, "warmup_steps value");
        TextbookSupport.requireNonNegative(r, "r value");
        TextbookSupport.requireNonNegative(weightLrPower, "weight_lr_power value");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.warmupSteps = warmupSteps;
        this.r = r;
        this.weightLrPower = weightLrPower;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, z == null ? -1 : z.length);
        if (expAvgSq == null) {
            expAvgSq = new double[n];
        }
        if (step == 0) {
            z = params.clone();
        }
        step++;
        TextbookScheduleFreeAverage a = new TextbookScheduleFreeAverage(lr, warmupSteps, r, weightLrPower, step,
                lrMax, weightSum);
        lrMax = a.lrMax;
        weightSum = a.weightSum;
        double bias2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double y = params[i];
            double g = maximize ? -grads[i] : grads[i];
            expAvgSq[i] = beta2 * expAvgSq[i] + (1 - beta2) * g * g;
            double u = g / (Math.sqrt(expAvgSq[i] / bias2) + eps) + weightDecay * y;
            double x = (y - (1 - beta1) * z[i]) / beta1;
            z[i] = z[i] - a.lr * u;
            x = (1 - a.c) * x + a.c * z[i];
            params[i] = (1 - beta1) * z[i] + beta1 * x;
        }
    }

    /** x, the average to evaluate, for parameters holding y: {@code (y − (1 − β₁) z) / β₁}; y itself before the first step. */
    public double[] evalPoint(double[] params) {
        double[] x = params.clone();
        for (int i = 0; step > 0 && i < x.length; i++) {
            x[i] = (params[i] - (1 - beta1) * z[i]) / beta1;
        }
        return x;
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "z" -> TextbookSupport.copy(z);
            case "exp_avg_sq" -> TextbookSupport.copy(expAvgSq);
            case "step" -> TextbookSupport.scalar(step);
            case "weight_sum" -> TextbookSupport.scalar(weightSum);
            case "lr_max" -> TextbookSupport.scalar(lrMax);
            case null, default -> throw TextbookSupport.unknownState(
                    "AdamWScheduleFree", name, List.of("z", "exp_avg_sq", "step", "weight_sum", "lr_max"));
        };
    }
}
