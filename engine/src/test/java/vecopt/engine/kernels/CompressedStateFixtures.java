package vecopt.engine.kernels;

import vecopt.tensor.BlockwiseQuantizer;

/** What the compressed-state reference tests share: the state's round trip through its storage. */
final class CompressedStateFixtures {

    private CompressedStateFixtures() {
    }

    /** Replaces {@code x} by its block-wise quantized values, as the state is stored. */
    static void requantize(BlockwiseQuantizer q, double[] x) {
        int n = x.length;
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) x[i];
        }
        byte[] codes = new byte[n];
        float[] scales = new float[(int) q.blocks(n)];
        q.quantize(f, 0, codes, 0, scales, 0, n);
        q.dequantize(codes, 0, scales, 0, f, 0, n);
        for (int i = 0; i < n; i++) {
            x[i] = f[i];
        }
    }

    /** {@code a} boxed, for assertions that compare bit patterns as values. */
    static Short[] boxed(short[] a) {
        Short[] b = new Short[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }
}
