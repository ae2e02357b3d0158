package vecopt.bench.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The EJML composition is Adam (and AdamW): compared with a plain float64 loop of PyTorch's formula. */
class EjmlUnfusedAdamTest {

    private static final double LR = 1e-2;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.01})
    void matchesADoubleLoop(double weightDecay) {
        int n = 1001;
        SplittableRandom random = new SplittableRandom(7);
        float[] p = new float[n];
        float[] m = new float[n];
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) random.nextGaussian();
        }
        double[] pd = new double[n];
        double[] md = new double[n];
        double[] vd = new double[n];
        for (int i = 0; i < n; i++) {
            pd[i] = p[i];
        }
        float[] g = new float[n];
        EjmlUnfusedAdam adam = new EjmlUnfusedAdam(p, g, m, v, LR, BETA1, BETA2, EPS, weightDecay);
        for (int t = 1; t <= 5; t++) {
            for (int i = 0; i < n; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextDouble(-3, 0)));
            }
            adam.step(t);
            double bc1 = 1 - Math.pow(BETA1, t);
            double bc2 = 1 - Math.pow(BETA2, t);
            for (int i = 0; i < n; i++) {
                double gi = g[i];
                pd[i] *= 1 - LR * weightDecay;
                md[i] = BETA1 * md[i] + (1 - BETA1) * gi;
                vd[i] = BETA2 * vd[i] + (1 - BETA2) * gi * gi;
                pd[i] -= LR / bc1 * md[i] / (Math.sqrt(vd[i]) / Math.sqrt(bc2) + EPS);
            }
            for (int i = 0; i < n; i++) {
                assertEquals(md[i], m[i], 1e-5 * Math.max(1e-3, Math.abs(md[i])), "m[" + i + "] step " + t);
                assertEquals(vd[i], v[i], 1e-5 * Math.abs(vd[i]) + 1e-30, "v[" + i + "] step " + t);
                assertEquals(pd[i], p[i], 2e-6 * Math.max(1, Math.abs(pd[i])), "p[" + i + "] step " + t);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rejectsArraysOfDifferentLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EjmlUnfusedAdam(
                new float[4], new float[4], new float[3], new float[4], LR, BETA1, BETA2, EPS, 0));
        assertEquals("p, g, m and v must have the same length, got 4, 4, 3, 4", e.getMessage());
    }
}
