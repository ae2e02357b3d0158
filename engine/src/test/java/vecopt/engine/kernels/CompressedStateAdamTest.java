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
 * The compressed-state Adam kernels against Adam written from the paper in double, whose moments are
 * rounded to the storage format after each step; and the properties stochastic rounding promises.
 */
class CompressedStateAdamTest {

    private static final double LR = 1e-2;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    private static AdamCoefficients coefficients(int step) {
        return AdamKernelParityTest.coefficients(step, LR, B1, B2, EPS, 0, false, false);
    }

    /** One textbook Adam step in double on element {@code i}; returns the new parameter. */
    private static double adamStep(double p, double g, double[] m, double[] v, int i, int t) {
        m[i] = B1 * m[i] + (1 - B1) * g;
        v[i] = B2 * v[i] + (1 - B2) * g * g;
        double mHat = m[i] / (1 - Math.pow(B1, t));
        double vHat = v[i] / (1 - Math.pow(B2, t));
        return p - LR * mHat / (Math.sqrt(vHat) + EPS);
    }

    @Test
    void bf16MomentsFollowTextbookAdamWhoseMomentsAreRoundedToBf16() {
        int n = 1000;
        SplittableRandom random = new SplittableRandom(1);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        short[] m = new short[n];
        short[] v = new short[n];
        double[] mRef = new double[n];
        double[] vRef = new double[n];
        for (int t = 1; t <= 10; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-4, 2)));
                pRef[i] = adamStep(pRef[i], g[i], mRef, vRef, i, t);
                mRef[i] = BFloat16.toFloat(BFloat16.fromFloat((float) mRef[i]));
                vRef[i] = BFloat16.toFloat(BFloat16.fromFloat((float) vRef[i]));
            }
            CompressedStateKernels.scalar().adamBf16(p, 0, g, 0, m, v, 0, n, coefficients(t), StateRounding.NEAREST_EVEN);
            for (int i = 0; i < n; i++) {
                assertEquals(mRef[i], BFloat16.toFloat(m[i]), Math.abs(mRef[i]) * 0x1p-7, "m[" + i + "] step " + t);
                assertEquals(vRef[i], BFloat16.toFloat(v[i]), Math.abs(vRef[i]) * 0x1p-7, "v[" + i + "] step " + t);
                assertEquals(pRef[i], p[i], 2e-5 * (1 + Math.abs(pRef[i])) + LR * t * 0x1p-7, "p[" + i + "] step " + t);
            }
        }
    }

    @Test
    void stochasticRoundingOfMomentsIsUnbiased() {
        // Every element has the same state and gradient; only its random bits differ.
        int n = 1 << 16;
        float m0 = BFloat16.toFloat(BFloat16.fromFloat(0.3f));
        float g0 = 0.123f;
        short[] m = new short[n];
        short[] v = new short[n];
        java.util.Arrays.fill(m, BFloat16.fromFloat(m0));
        float[] p = new float[n];
        float[] g = new float[n];
        java.util.Arrays.fill(g, g0);
        CompressedStateKernels.scalar().adamBf16(p, 0, g, 0, m, v, 0, n, coefficients(1), StateRounding.stochastic(7, 0, 1));
        double exact = B1 * m0 + (1 - B1) * g0;
        double sum = 0;
        for (short s : m) {
            sum += BFloat16.toFloat(s);
        }
        double ulp = Math.ulp(BFloat16.toFloat(BFloat16.fromFloat((float) exact))) * 0x1p16;
        assertEquals(exact, sum / n, 5 * ulp / Math.sqrt(n) + 1e-7, "mean of stochastically rounded m");
        long distinct = java.util.Arrays.stream(CompressedStateFixtures.boxed(m)).distinct().count();
        assertEquals(2, distinct, "stochastic rounding uses both neighbours");
    }

    @Test
    void stochasticRoundingBitsDoNotDependOnHowTheStepIsSplit() {
        int n = 3001;
        SplittableRandom random = new SplittableRandom(2);
        float[] p = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            g[i] = (float) random.nextGaussian();
        }
        for (CompressedStateKernels k : new CompressedStateKernels[] {CompressedStateKernels.scalar(), CompressedStateKernels.get()}) {
            float[] p1 = p.clone();
            float[] p2 = p.clone();
            short[] m1 = new short[n];
            short[] v1 = new short[n];
            short[] m2 = new short[n];
            short[] v2 = new short[n];
            StateRounding r = StateRounding.stochastic(99, 5, 3);
            k.adamBf16(p1, 0, g, 0, m1, v1, 0, n, coefficients(3), r);
            int[] cuts = {0, 1, 64, 65, 1000, 2047, n};
            for (int c = 0; c + 1 < cuts.length; c++) {
                int from = cuts[c];
                k.adamBf16(p2, from, g, from, m2, v2, from, cuts[c + 1] - from, coefficients(3), r);
            }
            assertArrayEquals(m1, m2, k.name());
            assertArrayEquals(v1, v2, k.name());
            assertArrayEquals(p1, p2, k.name());
        }
    }

    @Test
    void eightBitMomentsFollowTextbookAdamWhoseMomentsAreQuantizedBlockwise() {
        int n = 256 * 6 + 40;
        int block = 256;
        SplittableRandom random = new SplittableRandom(3);
        BlockwiseQuantizer signed = new BlockwiseQuantizer(QuantizationMap.dynamicSigned(), block);
        BlockwiseQuantizer unsigned = new BlockwiseQuantizer(QuantizationMap.dynamicUnsigned(), block);
        float[] p = new float[n];
        double[] pRef = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
            pRef[i] = p[i];
        }
        int blocks = (int) signed.blocks(n);
        byte[] m = new byte[n];
        byte[] v = new byte[n];
        float[] ms = new float[blocks];
        float[] vs = new float[blocks];
        double[] mRef = new double[n];
        double[] vRef = new double[n];
        for (int t = 1; t <= 10; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, (i / block) % 4 - 3));
                pRef[i] = adamStep(pRef[i], g[i], mRef, vRef, i, t);
            }
            CompressedStateFixtures.requantize(signed, mRef);
            CompressedStateFixtures.requantize(unsigned, vRef);
            CompressedStateKernels.scalar().adam8bit(p, 0, g, 0, m, ms, v, vs, 0, n, block, coefficients(t));
            float[] mGot = new float[n];
            float[] vGot = new float[n];
            signed.dequantize(m, 0, ms, 0, mGot, 0, n);
            unsigned.dequantize(v, 0, vs, 0, vGot, 0, n);
            for (int i = 0; i < n; i++) {
                double mTol = 0.008 * ms[i / block] + 1e-12;
                double vTol = 0.004 * vs[i / block] + 1e-15;
                assertEquals(mRef[i], mGot[i], mTol, "m[" + i + "] step " + t);
                assertEquals(vRef[i], vGot[i], vTol, "v[" + i + "] step " + t);
            }
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(pRef[i] - p[i]));
        }
        assertTrue(worst < 10 * LR * 0.1, "parameters drift from the reference by " + worst);
    }

    @Test
    void eightBitStateFromZeroCodesAndScalesStartsAtZeroMoments() {
        int n = 300;
        float[] p = new float[n];
        float[] g = new float[n];
        java.util.Arrays.fill(g, 0.5f);
        byte[] m = new byte[n];
        byte[] v = new byte[n];
        float[] ms = new float[2];
        float[] vs = new float[2];
        CompressedStateKernels.scalar().adam8bit(p, 0, g, 0, m, ms, v, vs, 0, n, 256, coefficients(1));
        // First Adam step from zero moments moves each parameter by -lr * sign(g) (eps aside).
        assertEquals(-LR, p[0], 1e-6);
        assertEquals(0.05f, ms[0], 1e-7); // (1 - beta1) * g: every element is the absmax
        assertEquals(2.5e-4f, vs[1], 1e-10);
    }

    @Test
    void mixedPrecisionKeepsAFloat32MasterAndWritesItsRoundedWeights() {
        int n = 777;
        SplittableRandom random = new SplittableRandom(4);
        float[] master = new float[n];
        double[] pRef = new double[n];
        short[] w = new short[n];
        for (int i = 0; i < n; i++) {
            master[i] = (float) random.nextGaussian();
            pRef[i] = master[i];
            w[i] = BFloat16.fromFloat(master[i]);
        }
        float[] m = new float[n];
        float[] v = new float[n];
        double[] mRef = new double[n];
        double[] vRef = new double[n];
        for (int t = 1; t <= 20; t++) {
            short[] g = new short[n];
            for (int i = 0; i < n; i++) {
                g[i] = BFloat16.fromFloat((float) (random.nextGaussian() * 0.1));
                pRef[i] = adamStep(pRef[i], BFloat16.toFloat(g[i]), mRef, vRef, i, t);
            }
            CompressedStateKernels.scalar().adamMixedBf16(w, 0, g, 0, master, m, v, 0, n, coefficients(t),
                    StateRounding.NEAREST_EVEN);
            for (int i = 0; i < n; i++) {
                assertEquals(pRef[i], master[i], 1e-5 * (1 + Math.abs(pRef[i])), "master[" + i + "] step " + t);
                assertEquals(BFloat16.fromFloat(master[i]), w[i], "weight " + i + " is the master rounded");
            }
        }
    }

    @Test
    void gradientScaleUndoesAPowerOfTwoLossScaleExactly() {
        int n = 500;
        SplittableRandom random = new SplittableRandom(5);
        float[] master = new float[n];
        short[] g = new short[n];
        short[] scaled = new short[n];
        for (int i = 0; i < n; i++) {
            master[i] = (float) random.nextGaussian();
            g[i] = BFloat16.fromFloat((float) (random.nextGaussian() * 1e-3));
            scaled[i] = BFloat16.fromFloat(BFloat16.toFloat(g[i]) * 65536f); // exact: a power of two
        }
        float[] master2 = master.clone();
        short[] w1 = new short[n];
        short[] w2 = new short[n];
        float[][] state = {new float[n], new float[n], new float[n], new float[n]};
        AdamCoefficients c = coefficients(1);
        AdamCoefficients unscale = new AdamCoefficients(c.gradScale() / 65536f, c.weightDecay(), c.paramScale(), c.beta1(),
                c.oneMinusBeta1(), c.beta2(), c.oneMinusBeta2(), c.invSqrtBias2(), c.eps(), c.negStepSize());
        for (CompressedStateKernels k : new CompressedStateKernels[] {CompressedStateKernels.scalar(), CompressedStateKernels.get()}) {
            k.adamMixedBf16(w1, 0, g, 0, master, state[0], state[1], 0, n, c, StateRounding.NEAREST_EVEN);
            k.adamMixedBf16(w2, 0, scaled, 0, master2, state[2], state[3], 0, n, unscale, StateRounding.NEAREST_EVEN);
            assertArrayEquals(master, master2, k.name());
            assertArrayEquals(w1, w2, k.name());
        }
    }

    @Test
    void stochasticWeightRoundingLetsUpdatesSmallerThanAnUlpAccumulateOnAverage() {
        // 1 has bf16 ulp 2^-7; each step moves the master by about 1e-3, far less than half of it.
        int n = 4096;
        float[] master = new float[n];
        java.util.Arrays.fill(master, 1f);
        short[] nearest = new short[n];
        short[] stochastic = new short[n];
        float[] master2 = master.clone();
        float[][] s = {new float[n], new float[n], new float[n], new float[n]};
        short[] g = new short[n];
        java.util.Arrays.fill(g, BFloat16.fromFloat(1f)); // positive gradients: the weights decrease
        AdamCoefficients c = AdamKernelParityTest.coefficients(1, 1e-3, 0.9, 0.999, 1e-8, 0, false, false);
        CompressedStateKernels.scalar().adamMixedBf16(nearest, 0, g, 0, master, s[0], s[1], 0, n, c, StateRounding.NEAREST_EVEN);
        CompressedStateKernels.scalar().adamMixedBf16(stochastic, 0, g, 0, master2, s[2], s[3], 0, n, c,
                StateRounding.stochastic(1, 2, 1));
        assertEquals(BFloat16.fromFloat(1f), nearest[0], "nearest rounding loses the step");
        double mean = 0;
        for (short h : stochastic) {
            mean += BFloat16.toFloat(h) / n;
        }
        assertEquals(master2[0], mean, 4 * 0x1p-8 / Math.sqrt(n), "stochastic rounding keeps it on average");
    }
}
