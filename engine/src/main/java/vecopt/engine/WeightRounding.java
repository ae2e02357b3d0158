package vecopt.engine;

import vecopt.engine.kernels.StateRounding;

/**
 * How an optimizer rounds the float32 master copy of a mixed-precision parameter
 * ({@link Parameter#mixed(String, vecopt.tensor.SegmentTensor, vecopt.tensor.SegmentTensor)}) to its
 * bfloat16 or float16 weights after each step: to nearest, ties to even (the default), or
 * stochastically with counter-based random bits from the seed, the parameter's name, the step and
 * the element's index, so that the weights are the same for any number of threads and any split of
 * a step. The master copy itself is never rounded; only the weights the model reads are. float16
 * weights hold at most 65504: rounding to nearest sends a master value from 65520 up to infinity.
 */
public final class WeightRounding {

    private static final WeightRounding NEAREST_EVEN = new WeightRounding(false, 0);

    private final boolean stochastic;
    private final long seed;

    private WeightRounding(boolean stochastic, long seed) {
        this.stochastic = stochastic;
        this.seed = seed;
    }

    /**
     * The kernels' rounding of parameter {@code p}'s weights at {@code step}: nearest even, or the
     * stochastic bits of this seed, the parameter's name and the step.
     */
    StateRounding at(Parameter p, long step) {
        return stochastic ? StateRounding.stochastic(seed, GradientNoise.stream(p.name()), step) : StateRounding.NEAREST_EVEN;
    }

    /** {@return rounding to nearest, ties to even: the default} */
    public static WeightRounding nearestEven() {
        return NEAREST_EVEN;
    }

    /**
     * Stochastic rounding: a weight between two bfloat16 (or float16) values rounds to the one of
     * larger magnitude with probability equal to its distance from the other, in units of their gap.
     *
     * @param seed the seed of the random bits
     * @return the rounding
     */
    public static WeightRounding stochastic(long seed) {
        return new WeightRounding(true, seed);
    }

    /** {@return whether the weights are rounded stochastically} */
    public boolean isStochastic() {
        return stochastic;
    }

    /** {@return the seed of stochastic rounding; 0 when rounding to nearest} */
    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightRounding r && r.stochastic == stochastic && r.seed == seed;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(stochastic) * 31 + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return stochastic ? "stochastic (seed " + seed + ")" : "nearest even";
    }
}
