package vecopt.engine.kernels;

/**
 * Per-call scalars of {@link OptimizerKernels#addGradientNoise}.
 *
 * @param key the generator's key: one per seed, tensor and step, see {@link #key}
 * @param std standard deviation of the noise
 */
public record NoiseCoefficients(long key, float std) {

    /**
     * The key of the noise that tensor {@code stream} gets on step {@code step} of a run seeded with
     * {@code seed}: {@code mix64(seed ^ mix64(stream ^ mix64(step + GAMMA)))}, so that changing any one
     * of the three gives an unrelated counter sequence.
     */
    public static long key(long seed, long stream, long step) {
        return CounterGaussian.mix64(seed ^ CounterGaussian.mix64(stream ^ CounterGaussian.mix64(step + CounterGaussian.GAMMA)));
    }
}
