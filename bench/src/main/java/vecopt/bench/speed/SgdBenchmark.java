package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.SgdCoefficients;

/** SGD with Nesterov momentum and weight decay: {@code torch.optim.SGD(momentum=0.9, nesterov=True)}. */
@Measures(rule = "SGD", kwargs = {"lr=1e-6", "momentum=0.9", "nesterov=true", "weight_decay=1e-4"},
        label = "SGD momentum (Nesterov)")
public class SgdBenchmark extends RuleBenchmark {

    /** A step after the first: the buffer exists, no dampening. */
    private static final SgdCoefficients C =
            SgdCoefficients.forStep(hyperparameters(SgdBenchmark.class), false, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] b;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj bm;
    private FMatrixRMaj d;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        b = BenchData.gradients(n, 3);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        bm = FMatrixRMaj.wrap(1, n, b);
        d = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.sgdMomentum(p, from + offsets[0], g, from + offsets[1], b, from + offsets[2], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(gm, C.weightDecay(), pm, d);   // d = g + weight_decay * p
        CommonOps_FDRM.add(C.momentum(), bm, 1f, d, bm);  // b = momentum * b + d
        CommonOps_FDRM.add(d, C.momentum(), bm, d);       // u = d + momentum * b
        CommonOps_FDRM.addEquals(pm, C.negLr(), d);       // p = p - lr * u
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, b};
    }
}
