package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.ASGDCoefficients;

/**
 * {@code torch.optim.ASGD} at step 10 with {@code t0 = 0}, so the average {@code ax} is being
 * updated ({@code mu = 1/9}) rather than copied, as it is for the first {@code t0} steps.
 */
@Measures(rule = "ASGD", kwargs = "t0=0")
public class ASGDBenchmark extends RuleBenchmark {

    private static final ASGDCoefficients C = coefficients(hyperparameters(ASGDBenchmark.class));

    private float[] p;
    private float[] g;
    private float[] ax;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj axm;
    private FMatrixRMaj tmp;

    /** The coefficients of step {@link #STEP}, from the state's eta and mu after the step before. */
    private static ASGDCoefficients coefficients(Hyperparameters h) {
        return ASGDCoefficients.forStep(h, ASGDCoefficients.eta(h, STEP - 1), ASGDCoefficients.mu(h, STEP - 1), STEP,
                StepContext.NONE);
    }

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        ax = BenchData.params(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        axm = FMatrixRMaj.wrap(1, n, ax);
        tmp = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.asgd(p, from + offsets[0], g, from + offsets[1], ax, from + offsets[2], n, C);
    }

    @Override
    protected void ejmlStep() {
        FMatrixRMaj d = gm;
        if (C.weightDecay() != 0) {
            CommonOps_FDRM.add(1f, gm, C.weightDecay(), pm, tmp);   // d = g + weight_decay * p
            d = tmp;
        }
        CommonOps_FDRM.scale(C.paramScale(), pm);            // p = (1 - lambd eta) p
        CommonOps_FDRM.addEquals(pm, C.negEta(), d);         // p = p - eta d
        if (C.averaging()) {
            CommonOps_FDRM.subtract(pm, axm, tmp);           // tmp = p - ax
            CommonOps_FDRM.addEquals(axm, C.mu(), tmp);      // ax = ax + mu (p - ax)
        } else {
            axm.setTo(pm);                                   // ax = p
        }
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, ax};
    }
}
