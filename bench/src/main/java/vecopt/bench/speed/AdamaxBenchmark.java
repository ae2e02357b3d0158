package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamaxCoefficients;

/** {@code torch.optim.Adamax} defaults at step 10: an infinity-norm second moment, no square root. */
@Measures(rule = "Adamax")
public class AdamaxBenchmark extends RuleBenchmark {

    private static final AdamaxCoefficients C =
            AdamaxCoefficients.forStep(hyperparameters(AdamaxBenchmark.class), STEP, StepContext.NONE);

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
        kernels.adamax(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], u, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);   // m = b1 m + (1 - b1) g
        CommonOps_FDRM.abs(gm, tmp);                         // tmp = |g|
        CommonOps_FDRM.add(tmp, C.eps(), tmp);               // tmp = |g| + eps
        CommonOps_FDRM.scale(C.beta2(), um);                 // u = b2 u
        float[] ud = um.data;                                // EJML has no element-wise max of two matrices
        float[] td = tmp.data;
        for (int i = 0; i < ud.length; i++) {
            ud[i] = Math.max(ud[i], td[i]);                  // u = max(b2 u, |g| + eps)
        }
        CommonOps_FDRM.elementDiv(mm, um, tmp);              // tmp = m / u
        CommonOps_FDRM.addEquals(pm, C.negStepSize(), tmp);  // p = p - lr / bc1 * m / u
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
