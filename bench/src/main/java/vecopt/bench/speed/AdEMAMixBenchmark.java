package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdEMAMixCoefficients;

/** AdEMAMix with optax's defaults at step 10: Adam's root and division, one more moment's traffic. */
@Measures(rule = "AdEMAMix")
public class AdEMAMixBenchmark extends RuleBenchmark {

    private static final AdEMAMixCoefficients C =
            AdEMAMixCoefficients.forStep(hyperparameters(AdEMAMixBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] m1;
    private float[] m2;
    private float[] v;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj m1m;
    private FMatrixRMaj m2m;
    private FMatrixRMaj vm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m1 = BenchData.gradients(n, 3);
        m2 = BenchData.gradients(n, 5);
        v = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        m1m = FMatrixRMaj.wrap(1, n, m1);
        m2m = FMatrixRMaj.wrap(1, n, m2);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.ademamix(p, from + offsets[0], g, from + offsets[1], m1, from + offsets[2], m2, from + offsets[3], v, from + offsets[4], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), m1m, C.oneMinusBeta1(), gm, m1m);   // m1 = b1 m1 + (1 - b1) g
        CommonOps_FDRM.add(C.beta3(), m2m, C.oneMinusBeta3(), gm, m2m);   // m2 = b3 m2 + (1 - b3) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                         // tmp = g^2
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm);    // v = b2 v + (1 - b2) g^2
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                    // denom = sqrt(v)
        CommonOps_FDRM.scale(C.invSqrtBias2(), denom);                   // denom = sqrt(v / (1 - b2^t))
        CommonOps_FDRM.add(denom, C.eps());                              // denom += eps
        CommonOps_FDRM.add(C.invBias1(), m1m, C.alpha(), m2m, tmp);       // tmp = m1 / (1 - b1^t) + alpha m2
        CommonOps_FDRM.elementDiv(tmp, denom);                           // tmp = tmp / denom
        CommonOps_FDRM.scale(C.paramScale(), pm);                        // p = (1 - lr wd) p
        CommonOps_FDRM.addEquals(pm, C.negLr(), tmp);                    // p = p - lr tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m1, m2, v};
    }
}
