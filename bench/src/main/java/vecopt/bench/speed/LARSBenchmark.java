package vecopt.bench.speed;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.NormOps_FDRM;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.LARSCoefficients;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * LARS with optax's defaults (momentum 0.9, trust coefficient 1e-3) and weight decay 1e-4, two passes:
 * the block sums of squares of p and of g + weight_decay p, then SGD's momentum kernel with the trust
 * ratio. lr 1e-5 keeps the arrays finite over billions of calls (with a fixed gradient each call grows
 * the parameter's norm by about 10 lr times the trust coefficient); the work per element is the same.
 */
@Measures(rule = "LARS", kwargs = {"lr=1e-5", "weight_decay=1e-4"})
public class LARSBenchmark extends RuleBenchmark {

    private static final LARSCoefficients C =
            LARSCoefficients.forStep(hyperparameters(LARSBenchmark.class), StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] b;
    private TrustRatioSums sums;
    private SgdCoefficients scaled;
    private ChunkedExecutor.RangeTask norms;
    private ChunkedExecutor.RangeTask update;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj bm;
    private FMatrixRMaj u;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        b = BenchData.gradients(n, 3);
        sums = new TrustRatioSums(n);
        norms = (from, length) -> kernels.larsSumsOfSquares(p, from + offsets[0], g, from + offsets[1], length, sums.sums(),
                TrustRatioSums.offset(from), C);
        update = (from, length) -> kernels.sgdMomentum(p, from + offsets[0], g, from + offsets[1],
                b, from + offsets[2], length, scaled);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        bm = FMatrixRMaj.wrap(1, n, b);
        u = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedStep(ChunkedExecutor executor) {
        executor.run(size, TrustRatioSums.BLOCK, norms);
        scaled = C.update(sums.parameterNorm(), sums.updateNorm());
        executor.run(size, update);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(gm, C.weightDecay(), pm, u);                          // u = g + weight_decay p
        float ratio = (float) C.trustRatio(NormOps_FDRM.normF(pm), NormOps_FDRM.normF(u));
        CommonOps_FDRM.add((float) C.momentum(), bm, ratio, u, bm);             // b = momentum b + ratio u
        CommonOps_FDRM.addEquals(pm, (float) -C.lr(), bm);                      // p = p - lr b
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, b};
    }

    /** The first pass reads p and g; the second, SGD momentum's, reads g and updates p and b. */
    @Override
    protected List<StreamPass> bandwidthPasses() {
        return List.of(new StreamPass(new float[][] {p, g}, new float[0][]),
                new StreamPass(new float[][] {g}, new float[][] {p, b}));
    }
}
