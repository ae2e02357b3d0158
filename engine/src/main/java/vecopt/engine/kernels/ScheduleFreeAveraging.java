package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;

/**
 * Schedule-free's per-step learning rate and averaging weight (Defazio et al. 2024, "The Road Less
 * Scheduled", section 2 and its warm-up weighting; the authors' {@code schedulefree} package), in
 * double, once per step and parameter:
 * <pre>
 * lr_t         = lr * min(t / warmup_steps, 1)               (lr itself when warmup_steps is 0)
 * lr_max_t     = max(lr_max_{t-1}, lr_t)                      (lr_max_0 = -1)
 * weight_t     = t^r * lr_max_t^weight_lr_power
 * weight_sum_t = weight_sum_{t-1} + weight_t                  (weight_sum_0 = 0)
 * c_{t+1}      = weight_t / weight_sum_t                      (0 while weight_sum_t is 0)
 * </pre>
 * With the defaults ({@code r = 0}, {@code weight_lr_power = 2}, no warm-up) {@code c_{t+1} = 1 / t}:
 * x is the uniform average of the z iterates. The package's warm-up is {@code (k + 1) / warmup_steps}
 * for {@code k < warmup_steps}; the {@code min} gives the same values for whole numbers of steps and
 * keeps a fractional length from overshooting 1.
 *
 * @param lr        the step's learning rate {@code lr_t}, warm-up applied
 * @param lrMax     {@code lr_max_t}, the scalar state {@code lr_max} after the step
 * @param weightSum {@code weight_sum_t}, the scalar state {@code weight_sum} after the step
 * @param ckp1      {@code c_{t+1}}, the weight of the new z in the average x
 */
public record ScheduleFreeAveraging(double lr, double lrMax, double weightSum, double ckp1) {

    /** The scalar state's value before the first step: {@code lr_max} starts below any learning rate. */
    public static final double INITIAL_LR_MAX = -1;

    /**
     * The averaging of step {@code step} (1-based) of a parameter whose scalars {@code lr_max} and
     * {@code weight_sum} are {@code lrMax} and {@code weightSum} before it.
     *
     * @throws IllegalArgumentException naming {@code rule} and the step if the weight or its sum
     *     overflows double (huge {@code r} or {@code weight_lr_power}); the step then writes nothing
     */
    public static ScheduleFreeAveraging forStep(String rule, Hyperparameters h, long step, double lrMax,
                                                double weightSum) {
        double warmup = h.get("warmup_steps");
        double lr = h.get("lr") * (warmup == 0 ? 1 : Math.min(step / warmup, 1));
        double newLrMax = Math.max(lrMax, lr);
        double weight = Math.pow(step, h.get("r")) * Math.pow(newLrMax, h.get("weight_lr_power"));
        double newWeightSum = weightSum + weight;
        if (!Double.isFinite(weight) || !Double.isFinite(newWeightSum)) {
            throw new IllegalArgumentException(rule + "'s coefficient weight_sum (t^r * lr_max^weight_lr_power"
                    + " summed) is " + newWeightSum + " at step " + step + ", outside the float64 range; lower r,"
                    + " weight_lr_power or lr");
        }
        double ckp1 = newWeightSum == 0 ? 0 : weight / newWeightSum;
        return new ScheduleFreeAveraging(lr, newLrMax, newWeightSum, ckp1);
    }

    /** The averaging of step {@code step} when every step up to it had the hyperparameters {@code h} (benchmarks, tests). */
    public static ScheduleFreeAveraging steady(String rule, Hyperparameters h, long step) {
        ScheduleFreeAveraging a = forStep(rule, h, 1, INITIAL_LR_MAX, 0);
        for (long t = 2; t <= step; t++) {
            a = forStep(rule, h, t, a.lrMax(), a.weightSum());
        }
        return a;
    }

    /**
     * {@code torch.lerp}'s two forms as one fma, for a weight {@code w} of the interpolation from
     * {@code start} to {@code end}: {@code fma(lerpScale(w), end - start, lerpFromEnd(w) ? end : start)},
     * that is {@code start + w (end - start)} for {@code |w| < 0.5} and {@code end - (1 - w)(end - start)}
     * otherwise, so a weight of 1 gives {@code end} exactly.
     */
    static float lerpScale(double w) {
        return (float) (lerpFromEnd(w) ? w - 1 : w);
    }

    /** Whether {@link #lerpScale} measures from {@code end}: {@code |w| >= 0.5}. */
    static boolean lerpFromEnd(double w) {
        return !(Math.abs(w) < 0.5);
    }
}
