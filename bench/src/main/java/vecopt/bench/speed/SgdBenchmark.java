package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.kernels.SgdCoefficients;

/** SGD with Nesterov momentum and weight decay: {@code torch.optim.SGD(momentum=0.9, nesterov=True)}. */
@Measures(RuleTraffic.SGD_MOMENTUM)
public class SgdBenchmark extends RuleBenchmark {

    private static final float LR = 1e-6f;
    private static final float MOMENTUM = 0.9f;
    private static final float WEIGHT_DECAY = 1e-4f;
    /** A step after the first: the buffer exists, no dampening. */
    private static final SgdCoefficients COEFFICIENTS =
            new SgdCoefficients(-LR, 1f, WEIGHT_DECAY, MOMENTUM, 1f, MOMENTUM, 1f);

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
        KERNELS.sgdMomentum(p, from, g, from, b, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(gm, WEIGHT_DECAY, pm, d);      // d = g + weight_decay * p
        CommonOps_FDRM.add(MOMENTUM, bm, 1f, d, bm);      // b = momentum * b + d
        CommonOps_FDRM.add(d, MOMENTUM, bm, d);           // u = d + momentum * b
        CommonOps_FDRM.addEquals(pm, -LR, d);             // p = p - lr * u
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
