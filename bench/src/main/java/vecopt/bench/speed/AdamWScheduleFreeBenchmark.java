package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamWScheduleFreeCoefficients;
import vecopt.engine.kernels.ScheduleFreeAveraging;

/**
 * Schedule-free AdamW with the package's defaults at step 10: Adam's root and division, then the
 * schedule-free moves of y and z; Adam's traffic, with z where Adam keeps its first moment: 28 bytes per element.
 */
@Measures(rule = "AdamWScheduleFree")
public class AdamWScheduleFreeBenchmark extends RuleBenchmark {

    private static final AdamWScheduleFreeCoefficients C = AdamWScheduleFreeCoefficients.forStep(
            hyperparameters(AdamWScheduleFreeBenchmark.class),
            ScheduleFreeAveraging.steady("AdamWScheduleFree", hyperparameters(AdamWScheduleFreeBenchmark.class), STEP),
            STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] z;
    private float[] v;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj zm;
    private FMatrixRMaj vm;
    private FMatrixRMaj u;
    private FMatrixRMaj tmp;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        z = BenchData.params(n, 3);
        v = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        zm = FMatrixRMaj.wrap(1, n, z);
        vm = FMatrixRMaj.wrap(1, n, v);
        u = new FMatrixRMaj(1, n);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adamWScheduleFree(p, from + offsets[0], g, from + offsets[1], z, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);                     // tmp = g^2
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm); // v = b2 v + (1 - b2) g^2
        CommonOps_FDRM.elementPower(vm, 0.5f, tmp);                  // tmp = sqrt(v)
        CommonOps_FDRM.scale(C.invSqrtBias2(), tmp);                 // tmp = sqrt(v / (1 - b2^t))
        CommonOps_FDRM.add(tmp, C.eps());                            // tmp = tmp + eps
        CommonOps_FDRM.elementDiv(gm, tmp, u);                       // u = g / tmp
        CommonOps_FDRM.addEquals(u, C.weightDecay(), pm);            // u = u + wd y
        CommonOps_FDRM.subtract(zm, pm, tmp);                        // tmp = z - y
        if (C.lerpFromZ()) {
            CommonOps_FDRM.add(zm, C.lerpScale(), tmp, pm);          // y = z - (1 - c) (z - y)
        } else {
            CommonOps_FDRM.addEquals(pm, C.lerpScale(), tmp);        // y = y + c (z - y)
        }
        CommonOps_FDRM.addEquals(pm, C.yGradStep(), u);              // y = y + lr (beta1 (1 - c) - 1) u
        CommonOps_FDRM.addEquals(zm, C.negLr(), u);                  // z = z - lr u
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, z, v};
    }
}
