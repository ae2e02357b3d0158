package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.AdamaxCoefficients;

/** {@code torch.optim.Adamax} defaults at step 10: an infinity-norm second moment, no square root. */
@Measures(RuleTraffic.ADAMAX)
public class AdamaxBenchmark extends RuleBenchmark {

    private static final float LR = 2e-3f;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    private static final float NEG_STEP = (float) (-LR / (1 - Math.pow(BETA1, 10)));
    private static final AdamaxCoefficients COEFFICIENTS =
            new AdamaxCoefficients(1f, 0f, BETA1, 1 - BETA1, BETA2, EPS, NEG_STEP);

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] u;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj mm;
    private FMatrixRMaj um;
    private FMatrixRMaj tmp;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        u = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        um = FMatrixRMaj.wrap(1, n, u);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.adamax(p, from, g, from, m, from, u, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(BETA1, mm, 1 - BETA1, gm, mm);   // m = b1 m + (1 - b1) g
        CommonOps_FDRM.abs(gm, tmp);                         // tmp = |g|
        CommonOps_FDRM.add(tmp, EPS, tmp);                   // tmp = |g| + eps
        CommonOps_FDRM.scale(BETA2, um);                     // u = b2 u
        float[] ud = um.data;                                // EJML has no element-wise max of two matrices
        float[] td = tmp.data;
        for (int i = 0; i < ud.length; i++) {
            ud[i] = Math.max(ud[i], td[i]);                  // u = max(b2 u, |g| + eps)
        }
        CommonOps_FDRM.elementDiv(mm, um, tmp);              // tmp = m / u
        CommonOps_FDRM.addEquals(pm, NEG_STEP, tmp);         // p = p - lr / bc1 * m / u
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m, u};
    }
}
