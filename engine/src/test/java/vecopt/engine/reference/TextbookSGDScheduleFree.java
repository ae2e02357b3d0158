package vecopt.engine.reference;

import java.util.List;

/**
 * Schedule-free SGD, from Defazio et al. 2024, "The Road Less Scheduled", equations (1)-(3) with the
 * averaging of {@link TextbookScheduleFreeAverage}, weight decay taken at y as the authors'
 * {@code SGDScheduleFree} does, and maximize. The parameters hold y; x is not stored but recovered
 * from y and z ({@code y = (1 − β) z + β x}), so the state is what the engine keeps.
 *
 * <pre>
 * input: γ (lr), β (momentum), λ (weight_decay), T_warmup (warmup_steps), r, weight_lr_power, maximize
 * initialize: z_1 = x_1 = y_1 (the parameters)
 * for t = 1, 2, ...
 *     g_t     ← ∇f(y_t) + λ y_t                    (−∇f if maximize)
 *     x_t     ← (y_t − (1 − β) z_t) / β
 *     z_{t+1} ← z_t − γ_t g_t
 *     x_{t+1} ← (1 − c_{t+1}) x_t + c_{t+1} z_{t+1}
 *     y_{t+1} ← (1 − β) z_{t+1} + β x_{t+1}
 * </pre>
 *
 * <p>State: {@code "z"}, {@code "step"}, and the scalars {@code "weight_sum"} and {@code "lr_max"}.
 * {@link #evalPoint} gives x, what the optimizer's eval mode puts in the parameters.
 */
public final class TextbookSGDScheduleFree implements TextbookOptimizer {

    private final double lr;
    private final double momentum;
    private final double weightDecay;
    private final double warmupSteps;
    private final double r;
    private final double weightLrPower;
    private final boolean maximize;

    private long step;
    private double weightSum;
    private double lrMax = -1;
    private double[] z;

    public TextbookSGDScheduleFree(double lr, double momentum, double weightDecay, double warmupSteps, double r,
                                   double weightLrPower, boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookScheduleFreeAverage.requireMomentum(momentum);
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(warmupSteps, "warmup_steps value");
        TextbookSupport.requireNonNegative(r, "r value");
        TextbookSupport.requireNonNegative(weightLrPower, "weight_lr_power value");
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.warmupSteps = warmupSteps;
        this.r = r;
        this.weightLrPower = weightLrPower;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, z == null ? -1 : z.length);
        if (step == 0) {
            z = params.clone();
        }
        step++;
        TextbookScheduleFreeAverage a = new TextbookScheduleFreeAverage(lr, warmupSteps, r, weightLrPower, step,
                lrMax, weightSum);
        lrMax = a.lrMax;
        weightSum = a.weightSum;
        double beta = momentum;
        for (int i = 0; i < n; i++) {
            double y = params[i];
            double g = (maximize ? -grads[i] : grads[i]) + weightDecay * y;
            double x = (y - (1 - beta) * z[i]) / beta;
            z[i] = z[i] - a.lr * g;
            x = (1 - a.c) * x + a.c * z[i];
            params[i] = (1 - beta) * z[i] + beta * x;
        }
    }

    /** x, the average to evaluate, for parameters holding y: {@code (y − (1 − β) z) / β}; y itself before the first step. */
    public double[] evalPoint(double[] params) {
        double[] x = params.clone();
        for (int i = 0; step > 0 && i < x.length; i++) {
            x[i] = (params[i] - (1 - momentum) * z[i]) / momentum;
        }
        return x;
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "z" -> TextbookSupport.copy(z);
            case "step" -> TextbookSupport.scalar(step);
            case "weight_sum" -> TextbookSupport.scalar(weightSum);
            case "lr_max" -> TextbookSupport.scalar(lrMax);
            case null, default -> throw TextbookSupport.unknownState(
                    "SGDScheduleFree", name, List.of("z", "step", "weight_sum", "lr_max"));
        };
    }
}
