package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdaBeliefCoefficients;

/** AdaBelief with the authors' defaults at step 10: Adam's traffic and root, the prediction error's variance. */
@Measures(rule = "AdaBelief")
public class AdaBeliefBenchmark extends RuleBenchmark {

    private static final AdaBeliefCoefficients C =
            AdaBeliefCoefficients.forStep(hyperparameters(AdaBeliefBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] s;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj mm;
    private FMatrixRMaj sm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        s = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        sm = FMatrixRMaj.wrap(1, n, s);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.adabelief(p, from, g, from, m, from, s, from, n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);   // m = b1 m + (1 - b1) g
        CommonOps_FDRM.subtract(gm, mm, tmp);                         // tmp = g - m
        CommonOps_FDRM.elementMult(tmp, tmp);                         // tmp = (g - m)^2
        CommonOps_FDRM.add(C.beta2(), sm, C.oneMinusBeta2(), tmp, sm);  // s = b2 s + (1 - b2) (g - m)^2
        CommonOps_FDRM.add(sm, C.eps());                              // s = s + eps
        CommonOps_FDRM.elementPower(sm, 0.5f, denom);                 // denom = sqrt(s)
        CommonOps_FDRM.scale(C.invSqrtBias2(), denom);                // denom = sqrt(s) / sqrt(bc2)
        CommonOps_FDRM.add(denom, C.eps());                           // denom = denom + eps
        CommonOps_FDRM.elementDiv(mm, denom, tmp);                    // tmp = m / denom
        CommonOps_FDRM.scale(C.paramScale(), pm);                     // p = p (1 - lr wd)
        CommonOps_FDRM.addEquals(pm, C.negStepSize(), tmp);           // p = p - lr / bc1 * tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m, s};
    }
}
