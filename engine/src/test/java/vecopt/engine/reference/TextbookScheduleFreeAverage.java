package vecopt.engine.reference;

/**
 * The averaging weight and learning rate of one schedule-free step, shared by
 * {@link TextbookSGDScheduleFree} and {@link TextbookAdamWScheduleFree}: Defazio et al. 2024, section 2
 * ({@code c_{t+1} = γ_t² / Σ_{i≤t} γ_i²} during warm-up, the uniform average after it), in the
 * authors' package's general form with the polynomial weights {@code t^r} and the largest learning
 * rate so far to the power {@code weight_lr_power}.
 *
 * <pre>
 * γ_t        = γ · min(1, t / T_warmup)                     (γ when T_warmup = 0)
 * γ_max      = max(γ_1, ..., γ_t)
 * w_t        = t^r · γ_max^weight_lr_power
 * c_{t+1}    = w_t / (w_1 + ... + w_t)                      (0 when the sum is 0)
 * </pre>
 */
final class TextbookScheduleFreeAverage {

    /** The step's learning rate {@code γ_t}. */
    final double lr;
    /** {@code γ_max} after the step. */
    final double lrMax;
    /** {@code w_1 + ... + w_t}. */
    final double weightSum;
    /** {@code c_{t+1}}. */
    final double c;

    /**
     * @param lrMax     {@code γ_max} before step {@code t}, below every rate (-1) before the first
     * @param weightSum the weights' sum before step {@code t}
     */
    TextbookScheduleFreeAverage(double lr, double warmupSteps, double r, double weightLrPower, long t,
                                double lrMax, double weightSum) {
        this.lr = warmupSteps == 0 ? lr : lr * Math.min(1, t / warmupSteps);
        this.lrMax = Math.max(lrMax, this.lr);
        double w = Math.pow(t, r) * Math.pow(this.lrMax, weightLrPower);
        this.weightSum = weightSum + w;
        this.c = this.weightSum == 0 ? 0 : w / this.weightSum;
    }

    /** Throws unless {@code 0 < momentum < 1}, with the package's wording. */
    static void requireMomentum(double momentum) {
        if (!(momentum > 0 && momentum < 1)) {
            throw new IllegalArgumentException("Momentum must be between 0 and 1 exclusive: " + momentum);
        }
    }
}
