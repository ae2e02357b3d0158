package vecopt.engine.schedule;

/**
 * The one-cycle policy (Smith and Topin), as PyTorch's {@code OneCycleLR} with two phases: the
 * learning rate climbs from {@code maxLr / divFactor} to {@code maxLr} over the first
 * {@code pctStart} of {@code totalSteps}, then anneals to {@code maxLr / (divFactor * finalDivFactor)};
 * momentum (or Adam's beta1) moves the opposite way between {@code maxMomentum} and
 * {@code baseMomentum}. Cosine or linear annealing. Values are absolute, not relative to the group's.
 * The last defined step is {@code totalSteps}, as in PyTorch, which refuses to step further: so does
 * {@link HyperparameterScheduler#step()}, with an {@link IllegalStateException} that leaves the scheduler
 * at {@code totalSteps}.
 *
 * @param maxLr the largest learning rate, reached at the end of the warm-up
 * @param totalSteps the last defined step
 * @param pctStart the fraction of {@code totalSteps} spent warming up
 * @param cosine cosine annealing if true, linear if false
 * @param divFactor {@code maxLr} over the starting learning rate
 * @param finalDivFactor the starting learning rate over the final one
 * @param baseMomentum the momentum at the peak learning rate
 * @param maxMomentum the momentum at the start and the end
 */
public record OneCycle(double maxLr, long totalSteps, double pctStart, boolean cosine, double divFactor,
                       double finalDivFactor, double baseMomentum, double maxMomentum) {

    /** Checks every component. */
    public OneCycle {
        Checks.positive("maxLr", maxLr);
        Checks.positive("totalSteps", totalSteps);
        Checks.inOpenUnit("pctStart", pctStart);
        Checks.positive("divFactor", divFactor);
        Checks.positive("finalDivFactor", finalDivFactor);
        Checks.nonNegative("baseMomentum", baseMomentum);
        Checks.nonNegative("maxMomentum", maxMomentum);
        if (pctStart * totalSteps == 1) {
            throw new IllegalArgumentException("pctStart * totalSteps must not be 1 (a warm-up ending at step 0, where"
                    + " PyTorch's OneCycleLR divides by zero), got pctStart " + pctStart + " and totalSteps " + totalSteps);
        }
    }

    /**
     * PyTorch's defaults: 30% warm-up, cosine, div 25, final div 1e4, momentum 0.85 to 0.95.
     *
     * @param maxLr the largest learning rate
     * @param totalSteps the last defined step
     * @return the schedule
     */
    public static OneCycle of(double maxLr, long totalSteps) {
        return new OneCycle(maxLr, totalSteps, 0.3, true, 25, 1e4, 0.85, 0.95);
    }

    /** {@return the learning-rate schedule} */
    public Schedule learningRate() {
        double initial = maxLr / divFactor;
        return (t, ignored) -> twoPhases(t, initial, maxLr, initial / finalDivFactor);
    }

    /** {@return the momentum schedule, for {@code momentum} or {@code beta1}} */
    public Schedule momentum() {
        return (t, ignored) -> twoPhases(t, maxMomentum, baseMomentum, maxMomentum);
    }

    private double twoPhases(long t, double start, double peak, double end) {
        Checks.step(t);
        if (t > totalSteps) {
            throw new IllegalStateException("a one-cycle schedule has " + totalSteps + " steps after its start and cannot"
                    + " take step " + t + "; like PyTorch's OneCycleLR it refuses to step past its end");
        }
        double peakStep = pctStart * totalSteps - 1;
        double lastStep = totalSteps - 1;
        if (t <= peakStep) {
            return anneal(start, peak, t / peakStep);
        }
        return anneal(peak, end, (t - peakStep) / (lastStep - peakStep));
    }

    private double anneal(double from, double to, double fraction) {
        if (cosine) {
            return to + (from - to) / 2 * (Math.cos(Math.PI * fraction) + 1);
        }
        return (to - from) * fraction + from;
    }
}
