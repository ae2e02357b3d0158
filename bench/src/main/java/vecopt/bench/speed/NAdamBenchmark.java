package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.NAdamCoefficients;

/** {@code torch.optim.NAdam} defaults at step 10: Nesterov momentum on Adam's moments. */
@Measures(RuleTraffic.NADAM)
public class NAdamBenchmark extends RuleBenchmark {

    private static final double LR = 2e-3;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final float EPS = 1e-8f;
    private static final long STEP = 10;
    private static final float INV_BIAS2 = (float) (1 / (1 - Math.pow(BETA2, STEP)));
    private static final float GRAD_STEP;
    private static final float MOMENTUM_STEP;

    static {
        double muProduct = 1;
        for (long t = 1; t <= STEP; t++) {
            muProduct *= mu(t);
        }
        GRAD_STEP = (float) (-LR * (1 - mu(STEP)) / (1 - muProduct));
        MOMENTUM_STEP = (float) (-LR * mu(STEP + 1) / (1 - muProduct * mu(STEP + 1)));
    }

    private static final NAdamCoefficients COEFFICIENTS = new NAdamCoefficients(1f, 0f, 1f, (float) BETA1,
            (float) (1 - BETA1), (float) BETA2, (float) (1 - BETA2), INV_BIAS2, EPS, GRAD_STEP, MOMENTUM_STEP);

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

    /** NAdam's momentum schedule with the default momentum_decay 4e-3. */
    private static double mu(long t) {
        return BETA1 * (1 - 0.5 * Math.pow(0.96, t * 4e-3));
    }

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
        KERNELS.nadam(p, from, g, from, m, from, v, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add((float) BETA1, mm, (float) (1 - BETA1), gm, mm);    // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                               // tmp = g * g
        CommonOps_FDRM.add((float) BETA2, vm, (float) (1 - BETA2), tmp, vm);   // v = b2 v + (1 - b2) g * g
        CommonOps_FDRM.scale(INV_BIAS2, vm, denom);                            // denom = v / bc2
        CommonOps_FDRM.elementPower(denom, 0.5f, denom);                       // denom = sqrt(v / bc2)
        CommonOps_FDRM.add(denom, EPS, denom);                                 // denom += eps
        CommonOps_FDRM.add(GRAD_STEP, gm, MOMENTUM_STEP, mm, tmp);             // tmp = gradStep g + momentumStep m
        CommonOps_FDRM.elementDiv(tmp, denom, tmp);                            // tmp = tmp / denom
        CommonOps_FDRM.addEquals(pm, tmp);                                     // p = p + tmp
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
