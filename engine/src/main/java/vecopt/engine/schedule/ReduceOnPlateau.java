package vecopt.engine.schedule;

import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.ParamGroup;

/**
 * Multiplies every group's learning rate by {@code factor} when a metric has not improved for more
 * than {@code patience} steps, as PyTorch's {@code ReduceLROnPlateau}: improvement is relative
 * ({@code threshold} fraction) or absolute, for a metric to minimize or maximize; after a reduction
 * {@code cooldown} steps pass before bad steps count again; the rate never goes below {@code minLr},
 * and changes smaller than {@code eps} are skipped.
 */
public final class ReduceOnPlateau {

    private final List<ParamGroup> groups;
    private final boolean maximize;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final boolean relative;
    private final int cooldown;
    private final double minLr;
    private final double eps;

    private double best;
    private int badSteps;
    private int cooldownLeft;

    public ReduceOnPlateau(Optimizer optimizer, boolean maximize, double factor, int patience, double threshold,
                           boolean relative, int cooldown, double minLr, double eps) {
        if (!(factor >= 0 && factor < 1)) {
            throw new IllegalArgumentException("factor must be in [0, 1), got " + factor);
        }
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("patience and cooldown must be >= 0, got " + patience + ", " + cooldown);
        }
        this.groups = optimizer.paramGroups();
        this.maximize = maximize;
        this.factor = factor;
        this.patience = patience;
        this.threshold = Checks.nonNegative("threshold", threshold);
        this.relative = relative;
        this.cooldown = cooldown;
        this.minLr = Checks.nonNegative("minLr", minLr);
        this.eps = Checks.nonNegative("eps", eps);
        this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** PyTorch's defaults: minimize, factor 0.1, patience 10, relative threshold 1e-4, no cooldown. */
    public static ReduceOnPlateau of(Optimizer optimizer) {
        return new ReduceOnPlateau(optimizer, false, 0.1, 10, 1e-4, true, 0, 0, 1e-8);
    }

    /** Records this step's metric and reduces the learning rate if it has plateaued. */
    public void step(double metric) {
        if (Double.isNaN(metric)) {
            throw new IllegalArgumentException("metric must not be NaN");
        }
        if (isBetter(metric)) {
            best = metric;
            badSteps = 0;
        } else {
            badSteps++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badSteps = 0;
        }
        if (badSteps > patience) {
            for (ParamGroup g : groups) {
                double old = g.lr();
                double reduced = Math.max(old * factor, minLr);
                if (old - reduced > eps) {
                    g.set("lr", reduced);
                }
            }
            cooldownLeft = cooldown;
            badSteps = 0;
        }
    }

    private boolean isBetter(double metric) {
        if (maximize) {
            return relative ? metric > best * (1 + threshold) : metric > best + threshold;
        }
        return relative ? metric < best * (1 - threshold) : metric < best - threshold;
    }
}
