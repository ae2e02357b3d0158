package vecopt.bench.speed;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.NormOps_FDRM;
import vecopt.engine.Adafactor;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.Hyperparameters;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Adafactor on a matrix of {@code size} elements, as square as the size allows (64 x 64, 256 x 256,
 * 1024 x 1024): a whole optimizer step, five passes, three of them over the elements (the gradient's
 * row and column sums; the sums of squares of the parameter and the update; the update), so it reads
 * 5 floats and writes 1 per element. Weight decay 2 keeps the parameter bounded through millions of
 * steps of one fixed gradient (the relative step alone would grow it by 1% a step).
 */
@Measures(rule = "Adafactor", kwargs = "weight_decay=2")
public class AdafactorBenchmark extends RuleBenchmark {

    private static final Hyperparameters H = hyperparameters(AdafactorBenchmark.class);

    private float[] p;
    private float[] g;
    private Adafactor optimizer;
    private int rows;
    private int cols;
    private long step;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj squares;
    private FMatrixRMaj rowMean;
    private FMatrixRMaj colMean;
    private FMatrixRMaj rowVar;
    private FMatrixRMaj colVar;
    private FMatrixRMaj estimate;
    private FMatrixRMaj update;

    /** The divisor of {@code n} nearest below its square root: the rows of the squarest matrix. */
    static int rowsOf(int n) {
        int r = (int) Math.sqrt(n);
        while (r > 1 && n % r != 0) {
            r--;
        }
        return Math.max(r, 1);
    }

    @Override
    protected void allocate(int n) {
        rows = rowsOf(n);
        cols = n / rows;
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        Parameter w = new Parameter("w", FloatTensor.of(p).reshape(rows, cols), FloatTensor.of(g).reshape(rows, cols));
        optimizer = new Adafactor(List.of(w), H);
        optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE); // no check pass: the step's own traffic only
        optimizer.allocateState();
        pm = FMatrixRMaj.wrap(rows, cols, p);
        gm = FMatrixRMaj.wrap(rows, cols, g);
        squares = new FMatrixRMaj(rows, cols);
        rowMean = new FMatrixRMaj(rows, 1);
        colMean = new FMatrixRMaj(1, cols);
        rowVar = new FMatrixRMaj(rows, 1);
        colVar = new FMatrixRMaj(1, cols);
        estimate = new FMatrixRMaj(rows, cols);
        update = new FMatrixRMaj(rows, cols);
    }

    @Override
    protected void fusedStep(ChunkedExecutor executor) {
        if (optimizer.executor() != executor) {
            optimizer.setExecutor(executor);
        }
        optimizer.step();
    }

    /**
     * The same step as EJML whole-matrix operations, one pass each; EJML has no element-wise maximum
     * with a scalar, so the floor eps1^2 is a loop.
     */
    @Override
    protected void ejmlStep() {
        step++;
        double weight = Math.pow(step, H.get("beta2_decay"));
        double lr = H.get("lr");
        double rho = Math.min(lr, 1 / Math.sqrt(step));
        int n = rows * cols;
        double alpha = Math.max(H.get("eps2"), NormOps_FDRM.normF(pm) / Math.sqrt(n)) * rho;
        CommonOps_FDRM.elementMult(gm, gm, squares);                         // G^2
        CommonOps_FDRM.sumRows(squares, rowMean);                             // row sums
        CommonOps_FDRM.divide(rowMean, cols);                                 // row means
        CommonOps_FDRM.sumCols(squares, colMean);
        CommonOps_FDRM.divide(colMean, rows);                                 // column means
        CommonOps_FDRM.add((float) (1 - weight), rowVar, (float) weight, rowMean, rowVar);   // R = lerp(R, mean, w)
        CommonOps_FDRM.add((float) (1 - weight), colVar, (float) weight, colMean, colVar);   // C = lerp(C, mean, w)
        float floor = (float) Math.max(CommonOps_FDRM.elementSum(rowVar) / rows, H.get("eps1"));
        CommonOps_FDRM.mult(rowVar, colVar, estimate);                        // R C (outer product)
        CommonOps_FDRM.divide(estimate, floor);                               // V = R C / max(mean(R), eps1)
        float eps1Squared = (float) (H.get("eps1") * H.get("eps1"));
        float[] v = estimate.data;
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(v[i], eps1Squared);
        }
        CommonOps_FDRM.elementPower(estimate, 0.5f, estimate);               // sqrt(V)
        CommonOps_FDRM.elementDiv(gm, estimate, update);                     // U = G / sqrt(V)
        double rms = NormOps_FDRM.normF(update) / Math.sqrt(n);
        float stepSize = (float) (alpha / Math.max(1, rms / H.get("d")));
        CommonOps_FDRM.scale((float) (1 - lr * H.get("weight_decay")), pm);  // p = (1 - lr wd) p
        CommonOps_FDRM.addEquals(pm, -stepSize, update);                     // p = p - step U
    }

    /**
     * The three passes over the elements: the gradient's row and column sums read g; the sums of squares
     * read p and g; the update reads g and updates p (r5w1).
     */
    @Override
    protected List<StreamPass> bandwidthPasses() {
        return List.of(new StreamPass(new float[][] {g}, new float[0][]),
                new StreamPass(new float[][] {p, g}, new float[0][]),
                new StreamPass(new float[][] {g}, new float[][] {p}));
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
