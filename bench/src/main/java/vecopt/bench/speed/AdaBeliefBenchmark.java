package vecopt.bench.speed;

import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdaBeliefCoefficients;

/**
 * AdaBelief with the authors' defaults at step 10: Adam's traffic and root, the prediction error's
 * variance {@code s} (the base class's {@code v}).
 */
@Measures(rule = "AdaBelief")
public class AdaBeliefBenchmark extends TwoMomentBenchmark {

    private static final AdaBeliefCoefficients C =
            AdaBeliefCoefficients.forStep(hyperparameters(AdaBeliefBenchmark.class), STEP, StepContext.NONE);

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adabelief(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);   // m = b1 m + (1 - b1) g
        CommonOps_FDRM.subtract(gm, mm, tmp);                         // tmp = g - m
        CommonOps_FDRM.elementMult(tmp, tmp);                         // tmp = (g - m)^2
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm);  // v = b2 v + (1 - b2) (g - m)^2
        CommonOps_FDRM.add(vm, C.eps());                              // v = v + eps
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                 // denom = sqrt(v)
        CommonOps_FDRM.scale(C.invSqrtBias2(), denom);                // denom = sqrt(v) / sqrt(bc2)
        CommonOps_FDRM.add(denom, C.eps());                           // denom = denom + eps
        CommonOps_FDRM.elementDiv(mm, denom, tmp);                    // tmp = m / denom
        CommonOps_FDRM.scale(C.paramScale(), pm);                     // p = p (1 - lr wd)
        CommonOps_FDRM.addEquals(pm, C.negStepSize(), tmp);           // p = p - lr / bc1 * tmp
    }
}
