package vecopt.bench.speed;

import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.RAdamCoefficients;

/** {@code torch.optim.RAdam} defaults at step 10, where rho_t > 5 and the adapted step runs. */
@Measures(rule = "RAdam")
public class RAdamBenchmark extends TwoMomentBenchmark {

    private static final RAdamCoefficients C =
            RAdamCoefficients.forStep(hyperparameters(RAdamBenchmark.class), STEP, StepContext.NONE);

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.radam(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);          // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                               // tmp = g * g
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm);         // v = b2 v + (1 - b2) g * g
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                          // denom = sqrt(v)
        CommonOps_FDRM.add(denom, C.denomOffset(), denom);                     // denom += eps (an adapted step)
        CommonOps_FDRM.elementDiv(mm, denom, tmp);                             // tmp = m / denom
        CommonOps_FDRM.addEquals(pm, C.negStepSize(), tmp);                    // p -= lr rect sqrt(bc2) / bc1 * tmp
    }
}
