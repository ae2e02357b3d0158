package vecopt.bench.speed;

import java.util.SplittableRandom;

/** Seeded inputs for the speed benchmarks and the sanity check they end with. */
public final class BenchData {

    private BenchData() {
    }

    /** N(0, 1) parameters. */
    public static float[] params(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    /** Gradients of magnitude 1e-3 to 1 with random signs. */
    public static float[] gradients(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            double magnitude = Math.pow(10, random.nextDouble(-3, 0));
            a[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
        }
        return a;
    }

    /** Non-negative state, such as a second moment, of the size a gradient squared has. */
    public static float[] squares(int n, long seed) {
        float[] a = gradients(n, seed);
        for (int i = 0; i < n; i++) {
            a[i] *= a[i];
        }
        return a;
    }

    /** Throws if a benchmark drove any value to NaN or infinity: its timing would be meaningless. */
    public static void requireFinite(String name, float[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new IllegalStateException(name + "[" + i + "] = " + a[i] + " after the benchmark");
            }
        }
    }
}
