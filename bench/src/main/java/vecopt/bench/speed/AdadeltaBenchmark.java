package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.AdadeltaCoefficients;

/** {@code torch.optim.Adadelta} with rho 0.9 and eps 1e-6 (its defaults) and lr 1e-3: two running averages. */
@Measures(RuleTraffic.ADADELTA)
public class AdadeltaBenchmark extends RuleBenchmark {

    private static final float LR = 1e-3f; // small, so the benchmark's repeated steps stay finite
    private static final float RHO = 0.9f;
    private static final float EPS = 1e-6f;
    private static final AdadeltaCoefficients COEFFICIENTS = new AdadeltaCoefficients(-LR, 1f, 0f, RHO, 1 - RHO, EPS);

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
        KERNELS.adadelta(p, from, g, from, v, from, x, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);              // tmp = g * g
        CommonOps_FDRM.add(RHO, vm, 1 - RHO, tmp, vm);        // v = rho v + (1 - rho) g * g
        CommonOps_FDRM.add(xm, EPS, u);                       // u = x + eps
        CommonOps_FDRM.add(vm, EPS, tmp);                     // tmp = v + eps
        CommonOps_FDRM.elementDiv(u, tmp, u);                 // u = (x + eps) / (v + eps)
        CommonOps_FDRM.elementPower(u, 0.5f, u);              // u = sqrt(u)
        CommonOps_FDRM.elementMult(u, gm, u);                 // u = u * g
        CommonOps_FDRM.elementMult(u, u, tmp);                // tmp = u * u
        CommonOps_FDRM.add(RHO, xm, 1 - RHO, tmp, xm);        // x = rho x + (1 - rho) u * u
        CommonOps_FDRM.addEquals(pm, -LR, u);                 // p -= lr * u
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
