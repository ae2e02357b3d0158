package vecopt.engine;

/**
 * How an {@link AveragedModel} folds the parameters into its averaged copy at each update after the
 * first (the first copies them, as {@code torch.optim.swa_utils.AveragedModel} does). {@code n} is the
 * number of models averaged before the update ({@code n_averaged}, at least 1 here).
 * <ul>
 *   <li>{@link Equal}: stochastic weight averaging (Izmailov et al. 2018), the equal mean of every
 *       model averaged, PyTorch's default {@code avg_fn}: {@code avg = avg + (p - avg) / (n + 1)}.</li>
 *   <li>{@link Exponential}: an exponential moving average of the weights, timm's {@code ModelEmaV2}
 *       update {@code avg = decay * avg + (1 - decay) * p}, optionally with timm {@code ModelEmaV3}'s
 *       power warm-up of the decay.</li>
 * </ul>
 */
public sealed interface Averaging permits Averaging.Equal, Averaging.Exponential {

    /** {@return the equal average of SWA, PyTorch's default} */
    static Equal equal() {
        return new Equal();
    }

    /**
     * An exponential moving average with a constant {@code decay}.
     *
     * @param decay the weight of the old average at each update, in [0, 1] (timm's default 0.9999)
     * @return the averaging
     * @throws IllegalArgumentException if {@code decay} is not in [0, 1]
     */
    static Exponential ema(double decay) {
        return new Exponential(decay, false, Exponential.DEFAULT_WARMUP_GAMMA, Exponential.DEFAULT_WARMUP_POWER, 0);
    }

    /**
     * An exponential moving average whose decay warms up as timm's {@code ModelEmaV3(use_warmup=True)}
     * with its defaults ({@code warmup_gamma} 1, {@code warmup_power} 2/3, {@code min_decay} 0), up to
     * {@code decay}.
     *
     * @param decay the ceiling the decay warms up to, in [0, 1]
     * @return the averaging
     * @throws IllegalArgumentException if {@code decay} is not in [0, 1]
     */
    static Exponential emaWithWarmup(double decay) {
        return new Exponential(decay, true, Exponential.DEFAULT_WARMUP_GAMMA, Exponential.DEFAULT_WARMUP_POWER, 0);
    }

    /** {@return the name an {@link AveragedModel} is saved under, with every setting that changes the averages} */
    String describe();

    /**
     * Stochastic weight averaging: the running mean of every model averaged, weighted equally,
     * {@code avg = avg + (p - avg) / (n + 1)} with {@code n + 1} rounded to float as ATen does.
     */
    record Equal() implements Averaging {

        @Override
        public String describe() {
            return "equal";
        }
    }

    /**
     * An exponential moving average, {@code avg = d_n * avg + (1 - d_n) * p}, where both factors are
     * computed in double and rounded to float, as PyTorch rounds the Python floats of
     * {@code decay * ema + (1 - decay) * p}. Without warm-up {@code d_n = decay}. With it, the decay
     * grows as in timm's {@code ModelEmaV3} ({@code n} being timm's {@code step - update_after_step - 1}):
     * <pre>
     * d_n = max(minDecay, min(decay, 1 - (1 + n / warmupGamma)^(-warmupPower)))
     * </pre>
     * With {@code warmupGamma} 1 and {@code warmupPower} 1 that is {@code n / (n + 1)}, the equal
     * average; timm's default power 2/3 reaches 0.999 after about 31.6 thousand updates.
     *
     * @param decay       the decay, and the warm-up's ceiling, in [0, 1] (timm's default 0.9999)
     * @param warmup      whether the decay warms up
     * @param warmupGamma the warm-up's {@code warmup_gamma}, > 0 and finite
     * @param warmupPower the warm-up's {@code warmup_power}, > 0 and finite
     * @param minDecay    the warm-up's floor, in [0, decay]
     */
    record Exponential(double decay, boolean warmup, double warmupGamma, double warmupPower, double minDecay)
            implements Averaging {

        /** timm's {@code ModelEmaV3} default {@code warmup_gamma}. */
        public static final double DEFAULT_WARMUP_GAMMA = 1.0;
        /** timm's {@code ModelEmaV3} default {@code warmup_power}. */
        public static final double DEFAULT_WARMUP_POWER = 2.0 / 3;

        /** Checks every value; the messages name the argument and its value. */
        public Exponential {
            if (!(decay >= 0 && decay <= 1)) {
                throw new IllegalArgumentException("decay must be in [0, 1], got " + decay);
            }
            if (!(warmupGamma > 0) || !Double.isFinite(warmupGamma)) {
                throw new IllegalArgumentException("warmupGamma must be > 0 and finite, got " + warmupGamma);
            }
            if (!(warmupPower > 0) || !Double.isFinite(warmupPower)) {
                throw new IllegalArgumentException("warmupPower must be > 0 and finite, got " + warmupPower);
            }
            if (!(minDecay >= 0 && minDecay <= decay)) {
                throw new IllegalArgumentException("minDecay must be in [0, decay = " + decay + "], got " + minDecay);
            }
        }

        /**
         * The decay of the update that folds in a model after {@code n >= 1} were averaged, in double
         * as Python computes timm's expression; {@link Math#pow} and the C library's {@code pow} under
         * Python were measured to differ in the last bit of 1 of 109,930 warm-up decays, and in none of
         * the floats the kernel is given.
         *
         * @param n the number of models averaged before the update, at least 1
         * @return the decay {@code d_n}, in [minDecay, decay]
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public double decayAt(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("n must be >= 1 (the first update copies), got " + n);
            }
            if (!warmup) {
                return decay;
            }
            double warm = 1 - Math.pow(1 + n / warmupGamma, -warmupPower);
            return Math.max(Math.min(warm, decay), minDecay);
        }

        @Override
        public String describe() {
            return "ema, decay=" + decay + (warmup ? ", warmup_gamma=" + warmupGamma + ", warmup_power="
                    + warmupPower + ", min_decay=" + minDecay : "");
        }
    }
}
