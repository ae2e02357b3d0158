package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.SGDScheduleFreeCoefficients;
import vecopt.engine.kernels.ScheduleFreeAveraging;

/**
 * Schedule-free SGD with the package's defaults at step 10 (c = 1/10): y moves towards z and by the
 * gradient, z by the gradient; SGD momentum's traffic, 20 bytes per element.
 */
@Measures(rule = "SGDScheduleFree")
public class SGDScheduleFreeBenchmark extends RuleBenchmark {

    private static final SGDScheduleFreeCoefficients C = SGDScheduleFreeCoefficients.forStep(
            hyperparameters(SGDScheduleFreeBenchmark.class),
            ScheduleFreeAveraging.steady("SGDScheduleFree", hyperparameters(SGDScheduleFreeBenchmark.class), STEP),
            STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] z;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj zm;
    private FMatrixRMaj d;
    private FMatrixRMaj tmp;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        z = BenchData.params(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        zm = FMatrixRMaj.wrap(1, n, z);
        d = new FMatrixRMaj(1, n);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.sgdScheduleFree(p, from + offsets[0], g, from + offsets[1], z, from + offsets[2], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(gm, C.weightDecay(), pm, d);              // d = g + wd y
        CommonOps_FDRM.subtract(zm, pm, tmp);                        // tmp = z - y
        if (C.lerpFromZ()) {
            CommonOps_FDRM.add(zm, C.lerpScale(), tmp, pm);          // y = z - (1 - c) (z - y)
        } else {
            CommonOps_FDRM.addEquals(pm, C.lerpScale(), tmp);        // y = y + c (z - y)
        }
        CommonOps_FDRM.addEquals(pm, C.yGradStep(), d);              // y = y + lr (momentum (1 - c) - 1) d
        CommonOps_FDRM.addEquals(zm, C.negLr(), d);                  // z = z - lr d
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, z};
    }
}
