package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.RMSpropCoefficients;

/** {@code torch.optim.RMSprop} defaults (lr 1e-2, alpha 0.99, eps 1e-8, not centered, no momentum). */
@Measures(RuleTraffic.RMSPROP)
public class RMSpropBenchmark extends RuleBenchmark {

    private static final float LR = 1e-2f;
    private static final float ALPHA = 0.99f;
    private static final float EPS = 1e-8f;
    private static final RMSpropCoefficients COEFFICIENTS =
            new RMSpropCoefficients(-LR, 1f, 0f, ALPHA, 1 - ALPHA, 0f, EPS, 0f);

    private float[] p;
    private float[] g;
    private float[] v;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj vm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        v = BenchData.squares(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.rmsprop(p, from, g, from, v, from, null, 0, null, 0, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);              // tmp = g * g
        CommonOps_FDRM.add(ALPHA, vm, 1 - ALPHA, tmp, vm);    // v = alpha v + (1 - alpha) g * g
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);         // denom = sqrt(v)
        CommonOps_FDRM.add(denom, EPS, denom);                // denom += eps
        CommonOps_FDRM.elementDiv(gm, denom, tmp);            // tmp = g / denom
        CommonOps_FDRM.addEquals(pm, -LR, tmp);               // p -= lr * tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, v};
    }
}
