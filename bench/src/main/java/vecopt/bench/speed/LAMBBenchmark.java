package vecopt.bench.speed;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.NormOps_FDRM;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.LAMBCoefficients;

/**
 * LAMB with optax's defaults at step 10, two passes: the moments and the block sums of squares, then
 * the update scaled by the trust ratio. lr 1e-7 keeps the arrays finite over billions of calls (with a
 * fixed gradient each call grows the parameter's norm by about lr); the work per element is the same.
 */
@Measures(rule = "LAMB", kwargs = "lr=1e-7")
public class LAMBBenchmark extends RuleBenchmark {

    private static final LAMBCoefficients C =
            LAMBCoefficients.forStep(hyperparameters(LAMBBenchmark.class), STEP, StepContext.NONE);

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private TrustRatioSums sums;
    private float stepScale;
    private ChunkedExecutor.RangeTask moments;
    private ChunkedExecutor.RangeTask update;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj mm;
    private FMatrixRMaj vm;
    private FMatrixRMaj tmp;
    private FMatrixRMaj denom;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        v = BenchData.squares(n, 4);
        sums = new TrustRatioSums(n);
        moments = (from, length) -> kernels.lambMoments(p, from + offsets[0], g, from + offsets[1],
                m, from + offsets[2], v, from + offsets[3], length, sums.sums(), TrustRatioSums.offset(from), C);
        update = (from, length) -> kernels.lambUpdate(p, from + offsets[0], m, from + offsets[2],
                v, from + offsets[3], length, C, stepScale);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedStep(ChunkedExecutor executor) {
        executor.run(size, TrustRatioSums.BLOCK, moments);
        stepScale = C.stepScale(sums.parameterNorm(), sums.updateNorm());
        executor.run(size, update);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.add(C.beta1(), mm, C.oneMinusBeta1(), gm, mm);     // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(gm, gm, tmp);                          // tmp = g^2
        CommonOps_FDRM.add(C.beta2(), vm, C.oneMinusBeta2(), tmp, vm);     // v = b2 v + (1 - b2) g^2
        CommonOps_FDRM.elementPower(vm, 0.5f, denom);                     // denom = sqrt(v)
        CommonOps_FDRM.scale(C.invSqrtBias2(), denom);                    // denom = sqrt(v / (1 - b2^t))
        CommonOps_FDRM.add(denom, C.eps());                               // denom += eps
        CommonOps_FDRM.scale(C.invBias1(), mm, tmp);                      // tmp = m / (1 - b1^t)
        CommonOps_FDRM.elementDiv(tmp, denom);                            // tmp = Adam's direction
        CommonOps_FDRM.addEquals(tmp, C.weightDecay(), pm);               // u = tmp + weight_decay p
        double ratio = C.trustRatio(NormOps_FDRM.normF(pm), NormOps_FDRM.normF(tmp));
        CommonOps_FDRM.addEquals(pm, (float) (-C.lr() * ratio), tmp);     // p = p - lr ratio u
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m, v};
    }

    /** The first pass reads p and g and updates m and v; the second reads m and v and updates p. */
    @Override
    protected List<StreamPass> bandwidthPasses() {
        return List.of(new StreamPass(new float[][] {p, g}, new float[][] {m, v}),
                new StreamPass(new float[][] {m, v}, new float[][] {p}));
    }
}
