package vecopt.bench.speed;

import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.ADOPTCoefficients;

/** ADOPT with optax's defaults at step 10: Adam's traffic and root, a max and a clamp instead of eps added. */
@Measures(rule = "ADOPT")
public class ADOPTBenchmark extends TwoMomentBenchmark {

    private static final ADOPTCoefficients C =
            ADOPTCoefficients.forStep(hyperparameters(ADOPTBenchmark.class), STEP, StepContext.NONE);

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adopt(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                // denom = sqrt(v)
        float[] d = denom.data;                                      // EJML has no element-wise max
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(d[i], C.eps());                          // denom = max(sqrt(v), eps)
        }
        CommonOps_FDRM.elementDiv(gm, denom, tmp);                   // tmp = g / denom
        float clip = C.updateClip();
        float[] t = tmp.data;                                        // nor an element-wise clamp
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.min(Math.max(t[i], -clip), clip);            // tmp = clip(tmp)
        }
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), tmp, mm); // m = b1 m + (1 - b1) tmp
        CommonOps_FDRM.scale(C.paramScale(), pm);                    // p = (1 - lr wd) p
        CommonOps_FDRM.addEquals(pm, C.negLr(), mm);                 // p = p - lr m
        CommonOps_FDRM.elementMult(gm, gm, tmp);                     // tmp = g^2
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm); // v = b2 v + (1 - b2) g^2
    }
}
