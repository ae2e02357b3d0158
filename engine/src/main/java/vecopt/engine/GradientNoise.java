package vecopt.engine;

import java.nio.charset.StandardCharsets;
import vecopt.engine.kernels.NoiseCoefficients;

/**
 * Annealed Gaussian gradient noise (Neelakantan et al., "Adding Gradient Noise Improves Learning for
 * Very Deep Networks", 2015): before the update, every gradient element gets independent noise of
 * variance {@code eta / (1 + t)^gamma}, where {@code t} is the parameter's number of completed steps
 * (0 on its first step, PyTorch's {@code state["step"]} before the step) and {@code gamma} is 0.55
 * unless set.
 *
 * <p>The noise is reproducible: it is a function of the seed, the parameter's name, {@code t} and the
 * element's index alone (a counter-based generator, see
 * {@link vecopt.engine.kernels.OptimizerKernels#addGradientNoise}), so the same seed gives the same
 * bits whatever the thread count, the chunking or the kernels (scalar or SIMD, any width). A skipped
 * step does not advance {@code t}: its retry gets the same noise.
 *
 * <p>The noise is added to the gradient arrays in place (one read and one write of each gradient per
 * step): after {@link Optimizer#step()} they hold the noisy gradients, which are what clipping, the
 * non-finite check and the update then use (the order of TensorFlow's {@code optimize_loss}: noise,
 * then clipping).
 *
 * @param eta   variance at {@code t = 0}; 0 for no noise
 * @param gamma decay exponent of the variance
 * @param seed  the run's seed
 */
public record GradientNoise(double eta, double gamma, long seed) {

    /** The paper's decay exponent. */
    public static final double DEFAULT_GAMMA = 0.55;

    /** Checks that {@code eta} and {@code gamma} are finite and not negative. */
    public GradientNoise {
        check("eta", eta);
        check("gamma", gamma);
    }

    /** {@return no noise, the default} */
    public static GradientNoise none() {
        return new GradientNoise(0, DEFAULT_GAMMA, 0);
    }

    /**
     * Noise of variance {@code eta / (1 + t)^0.55}, seeded with {@code seed}.
     *
     * @param eta the variance at the first step, as in the paper
     * @param seed the seed of the counter-based generator
     * @return the noise settings
     */
    public static GradientNoise of(double eta, long seed) {
        return new GradientNoise(eta, DEFAULT_GAMMA, seed);
    }

    /**
     * The same noise with another decay exponent.
     *
     * @param gamma the decay exponent
     * @return the new settings
     */
    public GradientNoise withGamma(double gamma) {
        return new GradientNoise(eta, gamma, seed);
    }

    /** {@return whether any noise is added, that is {@code eta > 0}} */
    public boolean enabled() {
        return eta > 0;
    }

    /**
     * {@code eta / (1 + t)^gamma}, the variance after {@code t} completed steps.
     *
     * @param t completed steps
     * @return the variance
     */
    public double variance(long t) {
        return eta / Math.pow(1.0 + t, gamma);
    }

    /** The kernel's coefficients for the parameter called {@code name} after {@code t} completed steps. */
    NoiseCoefficients coefficients(String name, long t) {
        return new NoiseCoefficients(NoiseCoefficients.key(seed, stream(name), t), (float) Math.sqrt(variance(t)));
    }

    /** A parameter's noise stream: the 64-bit FNV-1a hash of its name in UTF-8, stable across runs. */
    static long stream(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    private static void check(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + Hyperparameter.format(value));
        }
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + Hyperparameter.format(value));
        }
    }
}
