package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.LionCoefficients;

/** Lion with the paper's defaults and weight decay 0.1: one buffer, a sign instead of a square root, 20 bytes per element. */
@Measures(rule = "Lion", kwargs = "weight_decay=0.1")
public class LionBenchmark extends RuleBenchmark {

    private static final LionCoefficients C =
            LionCoefficients.forStep(hyperparameters(LionBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] m;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj mm;
    private FMatrixRMaj tmp;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.lion(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, tmp);  // c = b1 m + (1 - b1) g
        float[] t = tmp.data;                                        // EJML has no element-wise sign
        for (int i = 0; i < t.length; i++) {
            t[i] = t[i] > 0 ? 1f : t[i] < 0 ? -1f : 0f;               // tmp = sign(c)
        }
        CommonOps_FDRM.scale(C.paramScale(), pm);                    // p = p (1 - lr wd)
        CommonOps_FDRM.addEquals(pm, C.negLr(), tmp);                // p = p - lr sign(c)
        CommonOps_FDRM.add(C.beta2(), mm, C.oneMinusBeta2(), gm, mm);  // m = b2 m + (1 - b2) g
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m};
    }
}
