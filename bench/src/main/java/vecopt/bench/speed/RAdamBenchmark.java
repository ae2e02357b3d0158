package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.RAdamCoefficients;

/** {@code torch.optim.RAdam} defaults at step 10, where rho_t > 5 and the adapted step runs. */
@Measures(RuleTraffic.RADAM)
public class RAdamBenchmark extends RuleBenchmark {

    private static final double LR = 1e-3;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final float EPS = 1e-8f;
    private static final long STEP = 10;
    private static final float NEG_STEP;

    static {
        double bias1 = 1 - Math.pow(BETA1, STEP);
        double bias2 = 1 - Math.pow(BETA2, STEP);
        double rhoInf = 2 / (1 - BETA2) - 1;
        double rhoT = rhoInf - 2 * STEP * Math.pow(BETA2, STEP) / bias2;
        double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        NEG_STEP = (float) (-LR / bias1 * rect * Math.sqrt(bias2));
    }

    private static final RAdamCoefficients COEFFICIENTS = new RAdamCoefficients(1f, 0f, 1f, (float) BETA1,
            (float) (1 - BETA1), (float) BETA2, (float) (1 - BETA2), 1f, EPS, NEG_STEP);

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj mm;
    private FMatrixRMaj vm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        v = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.radam(p, from, g, from, m, from, v, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add((float) BETA1, mm, (float) (1 - BETA1), gm, mm);    // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                               // tmp = g * g
        CommonOps_FDRM.add((float) BETA2, vm, (float) (1 - BETA2), tmp, vm);   // v = b2 v + (1 - b2) g * g
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                          // denom = sqrt(v)
        CommonOps_FDRM.add(denom, EPS, denom);                                 // denom += eps
        CommonOps_FDRM.elementDiv(mm, denom, tmp);                             // tmp = m / denom
        CommonOps_FDRM.addEquals(pm, NEG_STEP, tmp);                           // p -= lr rect sqrt(bc2) / bc1 * tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m, v};
    }
}
