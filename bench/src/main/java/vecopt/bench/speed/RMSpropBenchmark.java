package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.RMSpropCoefficients;

/** {@code torch.optim.RMSprop} defaults (lr 1e-2, alpha 0.99, eps 1e-8, not centered, no momentum). */
@Measures(rule = "RMSprop")
public class RMSpropBenchmark extends RuleBenchmark {

    private static final RMSpropCoefficients C =
            RMSpropCoefficients.forStep(hyperparameters(RMSpropBenchmark.class), StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] v;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj vm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        v = BenchData.squares(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.rmsprop(p, from + offsets[0], g, from + offsets[1], v, from + offsets[2], null, 0, null, 0, n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, gm, tmp);                          // tmp = g * g
        CommonOps_FDRM.add(C.alpha(), vm, C.oneMinusAlpha(), tmp, vm);    // v = alpha v + (1 - alpha) g * g
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                     // denom = sqrt(v)
        CommonOps_FDRM.add(denom, C.epsOutsideSqrt(), denom);             // denom += eps
        CommonOps_FDRM.elementDiv(gm, denom, tmp);                        // tmp = g / denom
        CommonOps_FDRM.addEquals(pm, C.negLr(), tmp);                     // p -= lr * tmp
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, v};
    }
}
