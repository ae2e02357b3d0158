package vecopt.bench.speed;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.mult.VectorVectorMult_FDRM;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.Hyperparameters;
import vecopt.engine.LBFGS;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * L-BFGS on {@code f(x) = |x|^2 / 2} over one vector of {@code size} elements: a whole
 * {@code step(closure)} of one iteration ({@code max_iter=1}) with a history of two pairs and no line
 * search. The closure writes the gradient {@code g = x} (one copy). With {@code lr=2} every step
 * reflects x through the minimum: the pairs are {@code y = s = -+2x}, so {@code H_diag = y's / y'y = 1},
 * {@code d = -g = -x} and {@code x -> x + 2 d = -x}. The benchmark never converges: every step stores a
 * new pair and runs both loops over a full history, on the same values for ever. The start
 * {@code x = z / (2 |z|_1)} (z Gaussian) makes even the first step's {@code t = min(1, 1 / |g|_1) lr} equal
 * {@code lr}, so the flip is exact from the start (no y from a cancellation, which would make the EJML
 * composition and the fused step part in the fourth digit); the tolerances are 0 because
 * {@code max |g|} of a long vector so scaled is below PyTorch's default {@code tolerance_grad}.
 *
 * <p>Its traffic is the rule's for these options (r29w12: y and s, y's, the pair stored, y'y, the two
 * loops' dots, axpys and fused axpy-and-dot passes, prev_flat_grad, the parameters, {@code max |g|});
 * the closure's copy (r1w1) is in the step's time but not in its bound, as the gradient's computation
 * is not in any other rule's. LBFGS runs on the calling thread: a second thread changes nothing.
 */
@Measures(rule = "LBFGS", kwargs = {"lr=2", "max_iter=1", "history_size=2", "tolerance_grad=0",
        "tolerance_change=0"})
public class LBFGSBenchmark extends RuleBenchmark {

    private static final Hyperparameters H = hyperparameters(LBFGSBenchmark.class);
    private static final int PAIRS = (int) H.get("history_size");

    private float[] p;
    private float[] g;
    /** The bandwidth reference's stand-ins for the vectors a step streams through besides p and g. */
    private float[] scratchA;
    private float[] scratchB;
    private LBFGS optimizer;
    private Optimizer.LossClosure closure;
    /** The loss at x and at -x: the closure returns it without a pass of its own. */
    private double loss;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private Ejml ejml;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        double l1 = 0;
        for (float z : p) {
            l1 += Math.abs(z);
        }
        for (int i = 0; i < n; i++) {
            p[i] = (float) (p[i] / (2 * l1)); // |x|_1 = 1/2: the first step's t is lr
        }
        g = new float[n];
        scratchA = BenchData.gradients(n, 3);
        scratchB = BenchData.gradients(n, 4);
        double squares = 0;
        for (float x : p) {
            squares += (double) x * x;
        }
        loss = squares / 2;
        optimizer = new LBFGS(List.of(new Parameter("x", FloatTensor.of(p), FloatTensor.of(g))), H);
        optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE); // the step's own checks only
        closure = () -> {
            System.arraycopy(p, 0, g, 0, p.length); // the gradient of |x|^2 / 2
            return loss;
        };
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
    }

    @Override
    protected void fusedStep(ChunkedExecutor executor) {
        optimizer.step(closure);
    }

    /**
     * The step's passes, each as the bandwidth kernel of its shape; a pass that only copies or scales one
     * vector (r1w1, which no bandwidth kernel has) shares a pass with a dot product or a maximum beside it:
     * {@code max |g|} and prev_flat_grad = g (r2w1), y = g - prev (r2w1), s = t d with y's (r3w1), the
     * pair stored with y'y (r3w2), q = -g with the first dot (r3w1), {@code H - 1} fused passes (r3w1),
     * the last axpy (r2w1), r = H_diag q with its dot (r3w1), {@code H} fused passes (r3w1) and
     * x = x + t d (r2w1).
     */
    @Override
    protected List<StreamPass> bandwidthPasses() {
        List<StreamPass> passes = new java.util.ArrayList<>();
        passes.add(new StreamPass(new float[][] {g}, new float[][] {scratchA}));                   // max |g|, prev = g
        passes.add(new StreamPass(new float[][] {g}, new float[][] {scratchB}));                   // y = g - prev
        passes.add(new StreamPass(new float[][] {g, scratchB}, new float[][] {scratchA}));         // s = t d, y's
        passes.add(new StreamPass(new float[][] {g}, new float[][] {scratchA, scratchB}));         // pair stored, y'y
        passes.add(new StreamPass(new float[][] {g, scratchB}, new float[][] {scratchA}));         // q = -g, s'q
        for (int i = 1; i < PAIRS; i++) {
            passes.add(new StreamPass(new float[][] {g, scratchB}, new float[][] {scratchA}));     // q += a y, s'q
        }
        passes.add(new StreamPass(new float[][] {g}, new float[][] {scratchA}));                   // q += a y
        passes.add(new StreamPass(new float[][] {g, scratchB}, new float[][] {scratchA}));         // r = H_diag q, y'r
        for (int i = 0; i < PAIRS; i++) {
            passes.add(new StreamPass(new float[][] {g, scratchB}, new float[][] {scratchA}));     // r += b s, y'r
        }
        passes.add(new StreamPass(new float[][] {scratchA}, new float[][] {p}));                   // x += t d
        return passes;
    }

    /** The same step as whole-vector EJML operations, one pass each, with a history of its own. */
    @Override
    protected void ejmlStep() {
        if (ejml == null) {
            ejml = new Ejml(p.length);
        }
        gm.setTo(pm); // the closure
        ejml.iterate(pm, gm);
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p};
    }

    /**
     * PyTorch's LBFGS iteration without line search, as {@code torch/optim/lbfgs.py} writes it, over
     * EJML row vectors: the direction by the two-loop recursion over a ring of pairs, then
     * {@code x = x + t d}.
     */
    private static final class Ejml {

        private final FMatrixRMaj d;
        private final FMatrixRMaj prev;
        private final FMatrixRMaj y;
        private final FMatrixRMaj s;
        private final FMatrixRMaj[] dirs = new FMatrixRMaj[PAIRS];
        private final FMatrixRMaj[] stps = new FMatrixRMaj[PAIRS];
        private final float[] ro = new float[PAIRS];
        private final float[] al = new float[PAIRS];
        private long iterations;
        private int stored;
        private int oldest;
        private float t;
        private float hDiag = 1;

        Ejml(int n) {
            d = new FMatrixRMaj(1, n);
            prev = new FMatrixRMaj(1, n);
            y = new FMatrixRMaj(1, n);
            s = new FMatrixRMaj(1, n);
            for (int i = 0; i < PAIRS; i++) {
                dirs[i] = new FMatrixRMaj(1, n);
                stps[i] = new FMatrixRMaj(1, n);
            }
        }

        void iterate(FMatrixRMaj x, FMatrixRMaj grad) {
            float lr = (float) H.get("lr");
            if (CommonOps_FDRM.elementMaxAbs(grad) <= (float) H.get("tolerance_grad")) {
                return;
            }
            iterations++;
            if (iterations == 1) {
                CommonOps_FDRM.scale(-1, grad, d);
                stored = 0;
                hDiag = 1;
            } else {
                CommonOps_FDRM.subtract(grad, prev, y);
                CommonOps_FDRM.scale(t, d, s);
                float ys = VectorVectorMult_FDRM.innerProd(y, s);
                if (ys > 1e-10) {
                    if (stored == PAIRS) {
                        oldest = (oldest + 1) % PAIRS;
                        stored--;
                    }
                    int slot = (oldest + stored) % PAIRS;
                    dirs[slot].setTo(y);
                    stps[slot].setTo(s);
                    ro[slot] = 1 / ys;
                    stored++;
                    hDiag = ys / VectorVectorMult_FDRM.innerProd(y, y);
                }
                CommonOps_FDRM.scale(-1, grad, d);                                  // q = -g
                for (int i = stored - 1; i >= 0; i--) {
                    int slot = (oldest + i) % PAIRS;
                    al[i] = VectorVectorMult_FDRM.innerProd(stps[slot], d) * ro[slot];
                    CommonOps_FDRM.addEquals(d, -al[i], dirs[slot]);              // q = q - a y
                }
                CommonOps_FDRM.scale(hDiag, d);                                     // r = H_diag q
                for (int i = 0; i < stored; i++) {
                    int slot = (oldest + i) % PAIRS;
                    float be = VectorVectorMult_FDRM.innerProd(dirs[slot], d) * ro[slot];
                    CommonOps_FDRM.addEquals(d, al[i] - be, stps[slot]);          // r = r + (a - b) s
                }
            }
            prev.setTo(grad);
            t = iterations == 1 ? Math.min(1f, 1f / CommonOps_FDRM.elementSumAbs(grad)) * lr : lr;
            if (VectorVectorMult_FDRM.innerProd(grad, d) > -(float) H.get("tolerance_change")) {
                return;
            }
            CommonOps_FDRM.addEquals(x, t, d);                                      // x = x + t d
        }
    }
}
