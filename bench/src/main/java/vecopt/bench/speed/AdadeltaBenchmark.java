package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdadeltaCoefficients;

/**
 * {@code torch.optim.Adadelta} with rho 0.9 and eps 1e-6 (its defaults) and lr 1e-3, small so that the
 * benchmark's billions of repeated steps stay finite: two running averages.
 */
@Measures(rule = "Adadelta", kwargs = "lr=1e-3")
public class AdadeltaBenchmark extends RuleBenchmark {

    private static final AdadeltaCoefficients C =
            AdadeltaCoefficients.forStep(hyperparameters(AdadeltaBenchmark.class), StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] v;
    private float[] x;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj vm;
    private FMatrixRMaj xm;
    private FMatrixRMaj u;
    private FMatrixRMaj tmp;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        v = BenchData.squares(n, 3);
        x = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        vm = FMatrixRMaj.wrap(1, n, v);
        xm = FMatrixRMaj.wrap(1, n, x);
        u = new FMatrixRMaj(1, n);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adadelta(p, from + offsets[0], g, from + offsets[1], v, from + offsets[2], x, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);              // tmp = g * g
        CommonOps_FDRM.add(C.rho(), vm, C.oneMinusRho(), tmp, vm);    // v = rho v + (1 - rho) g * g
        CommonOps_FDRM.add(xm, C.eps(), u);                   // u = x + eps
        CommonOps_FDRM.add(vm, C.eps(), tmp);                 // tmp = v + eps
        CommonOps_FDRM.elementDiv(u, tmp, u);                 // u = (x + eps) / (v + eps)
        CommonOps_FDRM.elementPower(u, 0.5f, u);              // u = sqrt(u)
        CommonOps_FDRM.elementMult(u, gm, u);                 // u = u * g
        CommonOps_FDRM.elementMult(u, u, tmp);                // tmp = u * u
        CommonOps_FDRM.add(C.rho(), xm, C.oneMinusRho(), tmp, xm);    // x = rho x + (1 - rho) u * u
        CommonOps_FDRM.addEquals(pm, C.negLr(), u);           // p -= lr * u
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, v, x};
    }
}
