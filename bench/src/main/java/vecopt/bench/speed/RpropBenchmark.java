package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.RpropCoefficients;

/**
 * {@code torch.optim.Rprop} defaults: per-element step sizes grown or shrunk by the sign of
 * {@code g * prev}, a clamp and a sign; no division, no root. The benchmark's gradient stays the same
 * from call to call, so after the first calls every sign holds; the fused kernel's compares and
 * blends cost the same either way, the scalar fallback's branches are then predictable.
 */
@Measures(rule = "Rprop")
public class RpropBenchmark extends RuleBenchmark {

    private static final RpropCoefficients C =
            RpropCoefficients.forStep(hyperparameters(RpropBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] prev;
    private float[] s;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj prevm;
    private FMatrixRMaj sm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj factor;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        prev = BenchData.gradients(n, 3);
        s = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        prevm = FMatrixRMaj.wrap(1, n, prev);
        sm = FMatrixRMaj.wrap(1, n, s);
        tmp = new FMatrixRMaj(1, n);
        factor = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.rprop(p, from + offsets[0], g, from + offsets[1], prev, from + offsets[2], s, from + offsets[3], n, C);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.elementMult(gm, prevm, tmp);          // tmp = g * prev
        float[] q = tmp.data;                                // EJML has no element-wise compare, select,
        float[] f = factor.data;                             // clamp or sign: plain loops, one pass each
        for (int i = 0; i < f.length; i++) {
            f[i] = q[i] > 0 ? C.etaplus() : q[i] < 0 ? C.etaminus() : 1f;   // factor from the sign of g * prev
        }
        CommonOps_FDRM.elementMult(sm, factor);              // s = s * factor
        float[] sd = sm.data;
        for (int i = 0; i < sd.length; i++) {
            sd[i] = Math.min(Math.max(sd[i], C.stepSizeMin()), C.stepSizeMax());   // s = clamp(s, min, max)
        }
        float[] gd = gm.data;
        float[] pd = prevm.data;
        for (int i = 0; i < pd.length; i++) {
            pd[i] = q[i] < 0 ? 0f : gd[i];                   // prev = g, 0 where the sign flipped
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.signum(pd[i]);                       // factor = sign(prev)
        }
        CommonOps_FDRM.elementMult(factor, sm, tmp);         // tmp = sign * s
        CommonOps_FDRM.subtractEquals(pm, tmp);              // p = p - sign * s
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, prev, s};
    }
}
