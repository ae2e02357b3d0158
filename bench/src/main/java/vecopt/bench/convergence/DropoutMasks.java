package vecopt.bench.convergence;

/**
 * Seeded dropout masks that any language can reproduce without exchanging them: element k of the
 * mask of layer {@code layer} at step {@code step} is kept iff u >= p, where u in [0, 1) is the top
 * 53 bits of splitmix64(splitmix64(seed + step * 0x9E3779B97F4A7C15 + layer) + k * 0x9E3779B97F4A7C15),
 * all arithmetic modulo 2^64. Kept elements are scaled by 1 / (1 - p) (inverted dropout, as
 * {@code torch.nn.Dropout}), so evaluation uses the activations as they are.
 * {@code bench/tools/fashion_torch.py} computes the same masks with NumPy.
 */
public final class DropoutMasks {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final double p;
    private final long seed;

    /** Drops each activation with probability {@code p}, in [0, 1). */
    public DropoutMasks(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability p must be in [0, 1), got p=" + p);
        }
        this.p = p;
        this.seed = seed;
    }

    public double p() {
        return p;
    }

    /** Writes the scaled mask (0 or 1 / (1 - p)) of {@code layer} at {@code step} into {@code mask[0, n)}. */
    public void fill(long step, int layer, float[] mask, int n) {
        float keep = (float) (1 / (1 - p));
        long base = splitmix64(seed + step * GOLDEN + layer);
        for (int k = 0; k < n; k++) {
            double u = (splitmix64(base + k * GOLDEN) >>> 11) * 0x1.0p-53;
            mask[k] = u >= p ? keep : 0f;
        }
    }

    /** Steele, Lea and Flood's splitmix64 finaliser. */
    static long splitmix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
