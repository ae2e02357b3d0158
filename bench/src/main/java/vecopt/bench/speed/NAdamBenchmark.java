package vecopt.bench.speed;

import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.NAdamCoefficients;

/** {@code torch.optim.NAdam} defaults at step 10: Nesterov momentum on Adam's moments. */
@Measures(rule = "NAdam")
public class NAdamBenchmark extends TwoMomentBenchmark {

    private static final NAdamCoefficients C = coefficients(hyperparameters(NAdamBenchmark.class));

    /** The coefficients of step {@link #STEP}, after the state's {@code mu_product} has run through steps 1 to it. */
    private static NAdamCoefficients coefficients(Hyperparameters h) {
        double muProduct = 1; // its value before the first step
        for (long t = 1; t <= STEP; t++) {
            muProduct = NAdamCoefficients.muProduct(h, muProduct, t);
        }
        return NAdamCoefficients.forStep(h, muProduct, STEP, StepContext.NONE);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.nadam(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);          // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                               // tmp = g * g
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm);         // v = b2 v + (1 - b2) g * g
        CommonOps_FDRM.scale(C.invBias2(), vm, denom);                         // denom = v / bc2
        CommonOps_FDRM.elementPower(denom, 0.5f, denom);                       // denom = sqrt(v / bc2)
        CommonOps_FDRM.add(denom, C.eps(), denom);                             // denom += eps
        CommonOps_FDRM.add(C.gradStep(), gm, C.momentumStep(), mm, tmp);       // tmp = gradStep g + momentumStep m
        CommonOps_FDRM.elementDiv(tmp, denom, tmp);                            // tmp = tmp / denom
        CommonOps_FDRM.addEquals(pm, tmp);                                     // p = p + tmp
    }
}
