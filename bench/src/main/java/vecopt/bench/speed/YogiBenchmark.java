package vecopt.bench.speed;

import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.YogiCoefficients;

/** Yogi with optax's defaults at step 10: Adam's traffic and root, an additive sign update of v. */
@Measures(rule = "Yogi")
public class YogiBenchmark extends TwoMomentBenchmark {

    private static final YogiCoefficients C =
            YogiCoefficients.forStep(hyperparameters(YogiBenchmark.class), STEP, StepContext.NONE);

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.yogi(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);  // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                     // tmp = g^2
        CommonOps_FDRM.subtract(vm, tmp, denom);                     // denom = v - g^2
        float[] d = denom.data;                                      // EJML has no element-wise sign
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] > 0 ? 1f : d[i] < 0 ? -1f : 0f;               // denom = sign(v - g^2)
        }
        CommonOps_FDRM.elementMult(denom, tmp);                      // denom = sign(v - g^2) g^2
        CommonOps_FDRM.addEquals(vm, -C.oneMinusBeta2(), denom);     // v = v - (1 - b2) sign(v - g^2) g^2
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                // denom = sqrt(v)
        CommonOps_FDRM.scale(C.invSqrtBias2(), denom);               // denom = sqrt(v) / sqrt(bc2)
        CommonOps_FDRM.add(denom, C.eps());                          // denom = denom + eps
        CommonOps_FDRM.elementDiv(mm, denom, tmp);                   // tmp = m / denom
        CommonOps_FDRM.addEquals(pm, C.negStepSize(), tmp);          // p = p - lr / bc1 * tmp
    }
}
