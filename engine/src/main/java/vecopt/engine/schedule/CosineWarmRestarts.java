package vecopt.engine.schedule;

/**
 * Cosine annealing restarted every cycle (SGDR, Loshchilov and Hutter): the first cycle lasts
 * {@code firstPeriod} steps and each next one {@code periodMultiplier} times longer. Within a cycle
 * of length T_i at position T_cur: {@code min + (initial - min) * (1 + cos(pi * T_cur / T_i)) / 2}.
 * PyTorch's {@code CosineAnnealingWarmRestarts} stepped once per epoch.
 *
 * @param firstPeriod steps of the first cycle
 * @param periodMultiplier growth of each cycle's length over the last
 * @param min the value at the end of each cycle
 */
public record CosineWarmRestarts(long firstPeriod, long periodMultiplier, double min) implements Schedule {

    /** Checks that the periods are positive and {@code min} finite. */
    public CosineWarmRestarts {
        Checks.positive("firstPeriod", firstPeriod);
        Checks.positive("periodMultiplier", periodMultiplier);
        Checks.finite("min", min);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        long period = firstPeriod;
        long position = t;
        if (periodMultiplier == 1) {
            position = t % period; // every cycle alike: no loop over t / period cycles
        }
        while (position >= period) { // at most 63 times: the periods at least double
            position -= period;
            period = period > Long.MAX_VALUE / periodMultiplier ? Long.MAX_VALUE : period * periodMultiplier;
        }
        return min + (initial - min) * (1 + Math.cos(Math.PI * position / period)) / 2;
    }
}
