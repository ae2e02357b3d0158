package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.SgdCoefficients;

/** SGD without momentum, with weight decay: {@code torch.optim.SGD(weight_decay=1e-4)}. */
@Measures(rule = "SGD", kwargs = {"lr=1e-6", "weight_decay=1e-4"})
public class SgdPlainBenchmark extends RuleBenchmark {

    private static final SgdCoefficients C =
            SgdCoefficients.forStep(hyperparameters(SgdPlainBenchmark.class), false, StepContext.NONE);

    private float[] p;
    private float[] g;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj d;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        d = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.sgd(p, from + offsets[0], g, from + offsets[1], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(gm, C.weightDecay(), pm, d);   // d = g + weight_decay * p
        CommonOps_FDRM.addEquals(pm, C.negLr(), d);       // p = p - lr * d
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p};
    }
}
