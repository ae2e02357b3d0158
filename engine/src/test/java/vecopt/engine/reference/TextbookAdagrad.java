package vecopt.engine.reference;

import java.util.Arrays;
import java.util.List;

/**
 * Adagrad, as {@code torch.optim.Adagrad}:
 *
 * <pre>
 * input: γ (lr), θ₀ (params), λ (weight_decay), τ (initial_accumulator_value), η (lr_decay),
 *        ε (eps), maximize
 * initialize: state_sum₀ ← τ
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     γ̃ ← γ / (1 + (t − 1) η)
 *     if λ ≠ 0:  g_t ← g_t + λ θ_{t-1}
 *     state_sum_t ← state_sum_{t-1} + g_t²
 *     θ_t ← θ_{t-1} − γ̃ g_t / (√state_sum_t + ε)
 * </pre>
 *
 * State: {@code "sum"}, {@code "step"}.
 */
public final class TextbookAdagrad implements TextbookOptimizer {

    private final double lr;
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulatorValue;
    private final double eps;
    private final boolean maximize;

    private long step;
    /** state_sum: the running sum of squared gradients; null until the first step. */
    private double[] sum;

    public TextbookAdagrad(
            double lr,
            double lrDecay,
            double weightDecay,
            double initialAccumulatorValue,
            double eps,
            boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(lrDecay, "lr_decay value");
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireNonNegative(
                initialAccumulatorValue, "initial_accumulator_value value");
        TextbookSupport.requireNonNegative(eps, "epsilon value");
        this.lr = lr;
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulatorValue = initialAccumulatorValue;
        this.eps = eps;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, sum == null ? -1 : sum.length);
        if (sum == null) {
            sum = new double[n];
            Arrays.fill(sum, initialAccumulatorValue);
        }
        step++;
        double clr = lr / (1 + (step - 1) * lrDecay);
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            if (weightDecay != 0) {
                g = g + weightDecay * params[i];
            }
            sum[i] = sum[i] + g * g;
            params[i] = params[i] - clr * g / (Math.sqrt(sum[i]) + eps);
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "sum" -> TextbookSupport.copy(sum);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState("Adagrad", name, List.of("sum", "step"));
        };
    }
}
