package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdagradCoefficients;

/** {@code torch.optim.Adagrad} defaults (lr 1e-2, eps 1e-10). */
@Measures(rule = "Adagrad")
public class AdagradBenchmark extends RuleBenchmark {

    private static final AdagradCoefficients C =
            AdagradCoefficients.forStep(hyperparameters(AdagradBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] s;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj sm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        s = BenchData.squares(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        sm = FMatrixRMaj.wrap(1, n, s);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adagrad(p, from + offsets[0], g, from + offsets[1], s, from + offsets[2], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);          // tmp = g * g
        CommonOps_FDRM.addEquals(sm, tmp);                // sum += g * g
        CommonOps_FDRM.elementPower(sm, 0.5f, denom);     // denom = sqrt(sum)
        CommonOps_FDRM.add(denom, C.eps(), denom);        // denom += eps
        CommonOps_FDRM.elementDiv(gm, denom, tmp);        // tmp = g / denom
        CommonOps_FDRM.addEquals(pm, C.negLr(), tmp);     // p -= lr * tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, s};
    }
}
