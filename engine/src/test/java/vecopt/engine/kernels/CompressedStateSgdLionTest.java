package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vecopt.tensor.BFloat16;
import vecopt.tensor.BlockwiseQuantizer;
import vecopt.tensor.QuantizationMap;

/**
 * The compressed-state SGD-momentum and Lion kernels against the rules written from their equations
 * in double, whose buffer is rounded to the storage format after each step (dequantise, update in
 * full precision, requantise); and stochastic rounding's independence of how a step is split.
 */
class CompressedStateSgdLionTest {

    private static final double LR = 0.05;
    private static final double MOMENTUM = 0.9;
    private static final double DAMPENING = 0.1;
    private static final double LION_LR = 1e-3;
    private static final double B1 = 0.9;
    private static final double B2 = 0.99;
    private static final double LION_WD = 0.5;

    /** SGD with momentum and dampening (PyTorch's: the buffer is the gradient on the first step). */
    private static SgdCoefficients sgd(int t) {
        return t == 1 ? new SgdCoefficients((float) -LR, 1f, 0f, 0f, 1f, 1f, 0f)
                : new SgdCoefficients((float) -LR, 1f, 0f, (float) MOMENTUM, (float) (1 - DAMPENING), 1f, 0f);
    }

    private static LionCoefficients lion() {
        return new LionCoefficients(1f, (float) (1 - LION_LR * LION_WD), (float) B1, (float) (1 - B1), (float) B2,
                (float) (1 - B2), (float) -LION_LR);
    }

    /** One SGD step in double on element {@code i} from the stored buffer {@code b[i]}; returns the new parameter. */
    private static double sgdStep(double p, double g, double[] b, int i, int t) {
        b[i] = t == 1 ? g : MOMENTUM * b[i] + (1 - DAMPENING) * g;
        return p - LR * b[i];
    }

    /** One Lion step in double on element {@code i}; returns the new parameter. */
    private static double lionStep(double p, double g, double[] m, int i) {
        double c = B1 * m[i] + (1 - B1) * g;
        m[i] = B2 * m[i] + (1 - B2) * g;
        return p * (1 - LION_LR * LION_WD) - LION_LR * Math.signum(c);
    }

    private static double bf16(double x) {
        return BFloat16.toFloat(BFloat16.fromFloat((float) x));
    }

    @Test
    void sgdWithABf16BufferFollowsSgdWhoseBufferIsRoundedToBf16() {
        int n = 1000;
        SplittableRandom random = new SplittableRandom(1);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        short[] b = new short[n];
        java.util.Arrays.fill(b, (short) 0x8000);
        double[] bRef = new double[n];
        for (int t = 1; t <= 10; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-4, 2)));
                pRef[i] = sgdStep(pRef[i], g[i], bRef, i, t);
            }
            CompressedStateKernels.scalar().sgdMomentumBf16(p, 0, g, 0, b, 0, n, sgd(t), StateRounding.NEAREST_EVEN);
            for (int i = 0; i < n; i++) {
                // the update used the buffer before rounding: within float32 rounding of the reference
                assertEquals(pRef[i], p[i], 1e-6 * (1 + Math.abs(pRef[i])) + LR * Math.abs(bRef[i]) * 1e-6,
                        "p[" + i + "] step " + t);
                double rounded = bf16(bRef[i]);
                assertEquals(rounded, BFloat16.toFloat(b[i]), Math.abs(rounded) * 0x1p-8, "b[" + i + "] step " + t);
                bRef[i] = BFloat16.toFloat(b[i]); // both continue from the stored buffer
            }
        }
    }

    @Test
    void sgdWithAn8BitBufferFollowsSgdWhoseBufferIsQuantizedBlockwise() {
        int n = 256 * 5 + 17;
        int block = 256;
        SplittableRandom random = new SplittableRandom(2);
        BlockwiseQuantizer signed = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), block);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        byte[] b = new byte[n];
        float[] scales = new float[(int) signed.blocks(n)];
        double[] bRef = new double[n];
        for (int t = 1; t <= 8; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, (i / block) % 4 - 3));
                pRef[i] = sgdStep(pRef[i], g[i], bRef, i, t);
            }
            CompressedStateKernels.scalar().sgdMomentum8bit(p, 0, g, 0, b, scales, 0, n, block, sgd(t));
            float[] bGot = new float[n];
            signed.dequantize(b, 0, scales, 0, bGot, 0, n);
            double[] expected = bRef.clone();
            CompressedStateFixtures.requantize(signed, expected);
            for (int i = 0; i < n; i++) {
                assertEquals(pRef[i], p[i], 1e-6 * (1 + Math.abs(pRef[i])), "p[" + i + "] step " + t);
                // the absmax of each block is the reference's to float32 rounding, so codes may differ by one
                assertEquals(expected[i], bGot[i], 0.01 * scales[i / block] + 1e-12, "b[" + i + "] step " + t);
                bRef[i] = bGot[i];
            }
        }
    }

    @Test
    void lionWithABf16MomentumFollowsLionWhoseMomentumIsRoundedToBf16() {
        int n = 1000;
        SplittableRandom random = new SplittableRandom(3);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        short[] m = new short[n];
        double[] mRef = new double[n];
        for (int t = 1; t <= 10; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-4, 2)));
            }
            double[] mBefore = mRef.clone();
            for (int i = 0; i < n; i++) {
                pRef[i] = lionStep(pRef[i], g[i], mRef, i);
            }
            CompressedStateKernels.scalar().lionBf16(p, 0, g, 0, m, 0, n, lion(), StateRounding.NEAREST_EVEN);
            for (int i = 0; i < n; i++) {
                double c = B1 * mBefore[i] + (1 - B1) * g[i];
                if (Math.abs(c) > 1e-6 * (Math.abs(mBefore[i]) + Math.abs(g[i]))) { // a sign float32 gets right
                    assertEquals(pRef[i], p[i], 1e-6 * (1 + Math.abs(pRef[i])), "p[" + i + "] step " + t);
                }
                pRef[i] = p[i];
                double rounded = bf16(mRef[i]);
                assertEquals(rounded, BFloat16.toFloat(m[i]), Math.abs(rounded) * 0x1p-8, "m[" + i + "] step " + t);
                mRef[i] = BFloat16.toFloat(m[i]);
            }
        }
    }

    @Test
    void lionWithAn8BitMomentumFollowsLionWhoseMomentumIsQuantizedBlockwise() {
        int n = 256 * 4 + 100;
        int block = 256;
        SplittableRandom random = new SplittableRandom(4);
        BlockwiseQuantizer signed = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), block);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        byte[] m = new byte[n];
        float[] scales = new float[(int) signed.blocks(n)];
        double[] mRef = new double[n];
        for (int t = 1; t <= 8; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, (i / block) % 4 - 3));
            }
            double[] mBefore = mRef.clone();
            for (int i = 0; i < n; i++) {
                pRef[i] = lionStep(pRef[i], g[i], mRef, i);
            }
            CompressedStateKernels.scalar().lion8bit(p, 0, g, 0, m, scales, 0, n, block, lion());
            float[] mGot = new float[n];
            signed.dequantize(m, 0, scales, 0, mGot, 0, n);
            double[] expected = mRef.clone();
            CompressedStateFixtures.requantize(signed, expected);
            for (int i = 0; i < n; i++) {
                double c = B1 * mBefore[i] + (1 - B1) * g[i];
                if (Math.abs(c) > 1e-6 * (Math.abs(mBefore[i]) + Math.abs(g[i]))) {
                    assertEquals(pRef[i], p[i], 1e-6 * (1 + Math.abs(pRef[i])), "p[" + i + "] step " + t);
                }
                pRef[i] = p[i];
                assertEquals(expected[i], mGot[i], 0.01 * scales[i / block] + 1e-12, "m[" + i + "] step " + t);
                mRef[i] = mGot[i];
            }
        }
    }

    @Test
    void stochasticRoundingOfTheMomentumIsUnbiased() {
        int n = 1 << 16;
        float b0 = BFloat16.toFloat(BFloat16.fromFloat(0.3f));
        float g0 = 0.123f;
        short[] b = new short[n];
        java.util.Arrays.fill(b, BFloat16.fromFloat(b0));
        float[] p = new float[n];
        float[] g = new float[n];
        java.util.Arrays.fill(g, g0);
        CompressedStateKernels.scalar().sgdMomentumBf16(p, 0, g, 0, b, 0, n, sgd(2), StateRounding.stochastic(7, 0, 2));
        double exact = MOMENTUM * b0 + (1 - DAMPENING) * g0;
        double sum = 0;
        for (short s : b) {
            sum += BFloat16.toFloat(s);
        }
        double ulp = Math.ulp(BFloat16.toFloat(BFloat16.fromFloat((float) exact))) * 0x1p16;
        assertEquals(exact, sum / n, 5 * ulp / Math.sqrt(n) + 1e-7, "mean of stochastically rounded b");
        assertTrue(java.util.Arrays.stream(CompressedStateFixtures.boxed(b)).distinct().count() == 2, "stochastic rounding uses both neighbours");
    }

    @Test
    void stochasticRoundingBitsDoNotDependOnHowTheStepIsSplit() {
        int n = 3001;
        SplittableRandom random = new SplittableRandom(5);
        float[] p = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            g[i] = (float) random.nextGaussian();
        }
        int[] cuts = {0, 1, 64, 65, 1000, 2047, n};
        StateRounding r = StateRounding.stochastic(99, 5, 3);
        for (CompressedStateKernels k : new CompressedStateKernels[] {CompressedStateKernels.scalar(), CompressedStateKernels.get()}) {
            float[] p1 = p.clone();
            float[] p2 = p.clone();
            short[] b1 = new short[n];
            short[] b2 = new short[n];
            k.sgdMomentumBf16(p1, 0, g, 0, b1, 0, n, sgd(2), r);
            for (int c = 0; c + 1 < cuts.length; c++) {
                int from = cuts[c];
                k.sgdMomentumBf16(p2, from, g, from, b2, from, cuts[c + 1] - from, sgd(2), r);
            }
            assertArrayEquals(b1, b2, "SGD " + k.name());
            assertArrayEquals(p1, p2, "SGD " + k.name());

            float[] q1 = p.clone();
            float[] q2 = p.clone();
            short[] m1 = new short[n];
            short[] m2 = new short[n];
            k.lionBf16(q1, 0, g, 0, m1, 0, n, lion(), r);
            for (int c = 0; c + 1 < cuts.length; c++) {
                int from = cuts[c];
                k.lionBf16(q2, from, g, from, m2, from, cuts[c + 1] - from, lion(), r);
            }
            assertArrayEquals(m1, m2, "Lion " + k.name());
            assertArrayEquals(q1, q2, "Lion " + k.name());
        }
    }
}
