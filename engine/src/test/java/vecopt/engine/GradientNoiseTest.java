package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.tensor.FloatTensor;

/**
 * Annealed Gaussian gradient noise: its distribution (mean, variance {@code eta / (1 + t)^0.55},
 * shape, tails, independence) and its reproducibility whatever the threads, chunks and kernels.
 */
class GradientNoiseTest {

    private static final int N = 1 << 20;

    private static void assertRejected(Executable call, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsNegativeOrNonFiniteEtaAndGamma() {
        assertRejected(() -> GradientNoise.of(-0.1, 1), "eta must be >= 0, got -0.1");
        assertRejected(() -> GradientNoise.of(Double.NaN, 1), "eta must be finite, got NaN");
        assertRejected(() -> GradientNoise.of(Double.POSITIVE_INFINITY, 1), "eta must be finite, got Infinity");
        assertRejected(() -> GradientNoise.of(1, 1).withGamma(-0.55), "gamma must be >= 0, got -0.55");
        assertRejected(() -> GradientNoise.of(1, 1).withGamma(Double.NaN), "gamma must be finite, got NaN");
        Optimizer o = RuleCases.create("SGD", Map.of(), RuleCases.parameters(1, 3));
        assertRejected(() -> o.setGradientNoise(null), "noise must not be null; GradientNoise.none() turns it off");
        assertEquals(GradientNoise.none(), o.gradientNoise());
    }

    @Test
    void theDefaultsAreThePapers() {
        GradientNoise noise = GradientNoise.of(0.3, 7);
        assertEquals(0.55, noise.gamma());
        assertEquals(0.3, noise.variance(0));
        assertEquals(0.3 / Math.pow(100, 0.55), noise.variance(99), 1e-15);
        assertEquals(new GradientNoise(0.3, 1.0, 7), noise.withGamma(1.0));
        assertFalse(GradientNoise.none().enabled());
        assertFalse(GradientNoise.of(0, 1).enabled());
    }

    /** The noise one step adds to zero gradients of {@code n} elements after {@code t} completed steps. */
    private static float[] noise(GradientNoise noise, String name, int n, int t, OptimizerKernels kernels,
                                 ChunkedExecutor executor) {
        Parameter w = Parameter.of(name, FloatTensor.zeros(n));
        Optimizer sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.0)).withKernels(kernels);
        sgd.setExecutor(executor);
        sgd.setGradientNoise(noise);
        for (int s = 0; s <= t; s++) {
            w.grad().fill(0f);
            sgd.step();
        }
        assertEquals(t + 1, sgd.state(name).step());
        return w.grad().toArray();
    }

    private static float[] noise(GradientNoise noise, String name, int n, int t) {
        return noise(noise, name, n, t, OptimizerKernelsProvider.get(), ChunkedExecutor.callingThread());
    }

    @Test
    void meanIsZeroAndVarianceIsEtaOverOnePlusTToTheGamma() {
        GradientNoise noise = GradientNoise.of(0.3, 2026);
        for (int t : new int[] {0, 4, 19}) {
            float[] z = noise(noise, "w", N, t);
            double sum = 0;
            double squares = 0;
            for (float x : z) {
                sum += x;
                squares += (double) x * x;
            }
            double variance = noise.variance(t);
            double mean = sum / N;
            double sampleVariance = squares / N - mean * mean;
            assertEquals(0, mean, 5 * Math.sqrt(variance / N), "mean at t=" + t);
            // the sample variance of N normal values has relative standard deviation sqrt(2 / N)
            assertEquals(variance, sampleVariance, 5 * Math.sqrt(2.0 / N) * variance, "variance at t=" + t);
        }
    }

    @Test
    void theNoiseIsNormalByKolmogorovSmirnovAndInItsTailsAndKurtosis() {
        double std = Math.sqrt(0.5);
        float[] z = noise(GradientNoise.of(0.5, 99), "encoder.layer.0.weight", N, 0);
        double[] u = new double[N];
        double fourth = 0;
        int beyond3 = 0;
        int beyond4 = 0;
        for (int i = 0; i < N; i++) {
            double x = z[i] / std;
            u[i] = x;
            fourth += x * x * x * x;
            beyond3 += Math.abs(x) > 3 ? 1 : 0;
            beyond4 += Math.abs(x) > 4 ? 1 : 0;
        }
        Arrays.sort(u);
        double d = 0;
        for (int i = 0; i < N; i++) {
            double f = normalCdf(u[i]);
            d = Math.max(d, Math.max(f - (double) i / N, (double) (i + 1) / N - f));
        }
        assertTrue(d < 1.95 / Math.sqrt(N), "Kolmogorov-Smirnov D = " + d + " (critical value at 0.001: "
                + 1.95 / Math.sqrt(N) + ")");
        assertEquals(3, fourth / N, 5 * Math.sqrt(96.0 / N), "kurtosis");
        assertBinomial(beyond3, 2 * normalCdf(-3), "|z| > 3");
        assertBinomial(beyond4, 2 * normalCdf(-4), "|z| > 4");
    }

    private static void assertBinomial(int count, double p, String what) {
        double expected = N * p;
        assertEquals(expected, count, 5 * Math.sqrt(expected * (1 - p)), what);
    }

    /** Pearson's correlation of two equally long samples. */
    private static double correlation(float[] a, int aFrom, float[] b, int bFrom, int n) {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < n; i++) {
            double x = a[aFrom + i];
            double y = b[bFrom + i];
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
        }
        double cov = sab / n - sa / n * sb / n;
        return cov / Math.sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
    }

    @Test
    void neighboursStepsParametersAndSeedsAreUncorrelated() {
        GradientNoise noise = GradientNoise.of(1, 5);
        float[] step0 = noise(noise, "w", N, 0);
        float[] step1 = noise(noise, "w", N, 1);
        float[] other = noise(noise, "v", N, 0);
        float[] reseeded = noise(GradientNoise.of(1, 6), "w", N, 0);
        double bound = 5 / Math.sqrt(N);
        // elements 2k and 2k + 1 share one 64-bit hash (its two halves)
        float[] even = new float[N / 2];
        float[] odd = new float[N / 2];
        for (int k = 0; k < N / 2; k++) {
            even[k] = step0[2 * k];
            odd[k] = step0[2 * k + 1];
        }
        assertEquals(0, correlation(even, 0, odd, 0, N / 2), 5 / Math.sqrt(N / 2.0), "pair halves");
        assertEquals(0, correlation(step0, 0, step0, 1, N - 1), bound, "lag 1");
        assertEquals(0, correlation(step0, 0, step0, 2, N - 2), bound, "lag 2");
        assertEquals(0, correlation(step0, 0, step1, 0, N), bound, "steps 0 and 1");
        assertEquals(0, correlation(step0, 0, other, 0, N), bound, "parameters w and v");
        assertEquals(0, correlation(step0, 0, reseeded, 0, N), bound, "seeds 5 and 6");
        // |z| of neighbours: dependence that keeps the sign out of the correlation
        float[] magnitude = step0.clone();
        for (int i = 0; i < N; i++) {
            magnitude[i] = Math.abs(magnitude[i]);
        }
        assertEquals(0, correlation(magnitude, 0, magnitude, 1, N - 1), bound, "|z| lag 1");
    }

    @Test
    void theSameSeedGivesTheSameBitsWhateverTheThreadsAndKernels() {
        GradientNoise noise = GradientNoise.of(0.01, 77);
        int n = 300_007;
        float[] want = noise(noise, "w", n, 2, OptimizerKernelsProvider.scalar(), ChunkedExecutor.callingThread());
        for (OptimizerKernels kernels : List.of(OptimizerKernelsProvider.scalar(), OptimizerKernelsProvider.get())) {
            for (int threads = 1; threads <= 4; threads++) {
                try (ChunkedExecutor executor = ChunkedExecutor.withThreads(threads, 1000)) {
                    float[] got = noise(noise, "w", n, 2, kernels, executor);
                    assertArrayEquals(want, got, kernels.name() + " on " + threads + " threads");
                }
            }
        }
        assertFalse(Arrays.equals(want, noise(GradientNoise.of(0.01, 78), "w", n, 2)), "another seed");
        assertFalse(Arrays.equals(want, noise(noise, "w", n, 3)), "another step");
    }

    @Test
    void aParameterHasTheSameNoiseAloneAmongOthersAndInAView() {
        GradientNoise noise = GradientNoise.of(2, 3);
        float[] alone = noise(noise, "b", 1000, 0);
        Parameter a = Parameter.of("a", FloatTensor.zeros(77));
        Parameter b = Parameter.of("b", FloatTensor.zeros(1000));
        Sgd sgd = new Sgd(List.of(a), Sgd.defaults().with("lr", 0.0));
        sgd.addParamGroup(List.of(b));
        sgd.setGradientNoise(noise);
        sgd.step();
        assertArrayEquals(alone, b.grad().toArray());
        // the noise is keyed by name and index, not by where the gradient lives
        float[] big = new float[1200];
        Parameter view = new Parameter("b", FloatTensor.view(new float[1200], 100, 1000), FloatTensor.view(big, 200, 1000));
        Sgd other = new Sgd(List.of(view), Sgd.defaults().with("lr", 0.0));
        other.setGradientNoise(noise);
        other.step();
        assertArrayEquals(alone, Arrays.copyOfRange(big, 200, 1200));
        assertArrayEquals(new float[200], Arrays.copyOfRange(big, 0, 200), "outside the view");
    }

    @Test
    void noiseIsAddedToTheGradientsInPlaceBeforeTheUpdateAndDecays() {
        Parameter w = Parameter.of("w", FloatTensor.zeros(4096));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 1.0));
        sgd.setGradientNoise(GradientNoise.of(1, 11));
        w.grad().fill(0.25f);
        sgd.step();
        float[] g = w.grad().toArray();
        float[] p = w.value().toArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(-g[i], p[i], "the update used the noisy gradient at " + i);
        }
        assertTrue(Arrays.stream(box(g)).anyMatch(x -> x != 0.25f));
    }

    private static Float[] box(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    @Test
    void aSkippedStepsRetryGetsTheSameNoise() {
        Parameter w = Parameter.of("w", FloatTensor.zeros(64));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.0));
        sgd.setGradientNoise(GradientNoise.of(1, 12));
        sgd.setNonFinitePolicy(NonFinitePolicy.SKIP);
        w.grad().setFlat(5, Float.NaN);
        sgd.step();
        assertEquals(1, sgd.skippedSteps());
        float[] skipped = w.grad().toArray();
        w.grad().fill(0f);
        sgd.step();
        float[] taken = w.grad().toArray();
        for (int i = 0; i < 64; i++) {
            if (i != 5) {
                assertEquals(skipped[i], taken[i], "element " + i);
            }
        }
        assertTrue(Float.isNaN(skipped[5]));
    }

    @Test
    void noNoiseLeavesTheGradientsAlone() {
        Parameter w = Parameter.of("w", FloatTensor.zeros(64));
        w.grad().fill(0.5f);
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults());
        sgd.setGradientNoise(GradientNoise.of(0.5, 1));
        sgd.setGradientNoise(GradientNoise.none());
        sgd.step();
        assertArrayEquals(FloatTensor.filled(0.5f, 64).toArray(), w.grad().toArray());
    }

    @Test
    void streamsAreFnv1aOfTheUtf8Name() {
        assertEquals(0xcbf29ce484222325L, GradientNoise.stream(""));
        assertEquals(0xaf63dc4c8601ec8cL, GradientNoise.stream("a"));
    }

    private static double normalCdf(double x) {
        return vecopt.engine.kernels.NormalDistribution.cdf(x);
    }
}
