package vecopt.engine.kernels;

/**
 * How compressed optimizer state is rounded when it is stored: to nearest, ties to even, or
 * stochastically with counter-based random bits. The bits of element {@code i} are
 * {@link CounterGaussian#bits}{@code (key, i)}, 32 of them: the lower 16 round the first moment, the
 * upper 16 the second. They depend on the key and the element's index in its parameter only, never on
 * threads or on how a step is split.
 *
 * @param stochastic whether to round stochastically
 * @param key        the counter key of this parameter and step; ignored when rounding to nearest
 */
public record StateRounding(boolean stochastic, long key) {

    /** Round to nearest, ties to even. */
    public static final StateRounding NEAREST_EVEN = new StateRounding(false, 0);

    /** Stochastic rounding with the bits of {@code seed}, the parameter's index {@code parameter} and step {@code step}. */
    public static StateRounding stochastic(long seed, long parameter, long step) {
        long key = CounterGaussian.mix64(CounterGaussian.mix64(CounterGaussian.mix64(seed) ^ parameter) + step * CounterGaussian.GAMMA);
        return new StateRounding(true, key);
    }

    /**
     * This rounding for one state buffer of a parameter, {@code buffer} a hash of its name: stochastic
     * rounding gets bits of its own per buffer (its lower 16 per element), rounding to nearest stays as it is.
     *
     * @param buffer the buffer's hash
     * @return the buffer's rounding
     */
    public StateRounding forBuffer(long buffer) {
        return stochastic ? new StateRounding(true, CounterGaussian.mix64(key ^ CounterGaussian.mix64(buffer))) : this;
    }
}
