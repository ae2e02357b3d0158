package vecopt.engine.reference;

import java.util.Arrays;
import java.util.List;

/**
 * Rprop (resilient backpropagation), as {@code torch.optim.Rprop}:
 *
 * <pre>
 * input: θ₀ (params), γ (lr), η₋, η₊ (etas), Γ_min, Γ_max (step_sizes), maximize
 * initialize: g_prev ← 0, η ← γ (element-wise)
 * for t = 1, 2, ...
 *     g_t ← ∇f(θ_{t-1})                 (−∇f if maximize)
 *     for each element i:
 *         if g_prev g_t &gt; 0:  η ← η η₊
 *         if g_prev g_t &lt; 0:  η ← η η₋;  g_t ← 0
 *         η ← clamp(η, Γ_min, Γ_max)
 *     θ_t ← θ_{t-1} − η sign(g_t)
 *     g_prev ← g_t
 * </pre>
 *
 * The documentation clamps only the step sizes it changes; torch's code clamps every step size on
 * every step (so an {@code lr} outside the bounds is clamped on the first step), and so does this.
 * The clamp is {@code min(max(η, Γ_min), Γ_max)}.
 *
 * State: {@code "prev"}, {@code "step_size"}, {@code "step"}.
 */
public final class TextbookRprop implements TextbookOptimizer {

    private final double lr;
    private final double etaminus;
    private final double etaplus;
    private final double stepSizeMin;
    private final double stepSizeMax;
    private final boolean maximize;

    private long step;
    /** The previous step's gradient (0 where its sign had flipped); null until the first step. */
    private double[] prev;
    /** Each element's step size; null until the first step. */
    private double[] stepSize;

    public TextbookRprop(double lr, double etaminus, double etaplus, double stepSizeMin, double stepSizeMax,
                         boolean maximize) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        if (!(0 < etaminus && etaminus < 1 && 1 < etaplus)) {
            throw new IllegalArgumentException("Invalid eta values: " + etaminus + ", " + etaplus);
        }
        this.lr = lr;
        this.etaminus = etaminus;
        this.etaplus = etaplus;
        this.stepSizeMin = stepSizeMin;
        this.stepSizeMax = stepSizeMax;
        this.maximize = maximize;
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, prev == null ? -1 : prev.length);
        if (prev == null) {
            prev = new double[n];
            stepSize = new double[n];
            Arrays.fill(stepSize, lr);
        }
        step++;
        for (int i = 0; i < n; i++) {
            double g = maximize ? -grads[i] : grads[i];
            double direction = g * prev[i];
            if (direction > 0) {
                stepSize[i] = stepSize[i] * etaplus;
            } else if (direction < 0) {
                stepSize[i] = stepSize[i] * etaminus;
                g = 0;
            }
            stepSize[i] = Math.min(Math.max(stepSize[i], stepSizeMin), stepSizeMax);
            params[i] = params[i] - Math.signum(g) * stepSize[i];
            prev[i] = g;
        }
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "prev" -> TextbookSupport.copy(prev);
            case "step_size" -> TextbookSupport.copy(stepSize);
            case "step" -> TextbookSupport.scalar(step);
            case null, default ->
                    throw TextbookSupport.unknownState("Rprop", name, List.of("prev", "step_size", "step"));
        };
    }
}
