package vecopt.bench.speed;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.NormOps_FDRM;
import vecopt.engine.ChunkedExecutor;
import vecopt.engine.Hyperparameters;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Muon;
import vecopt.engine.Parameter;
import vecopt.engine.kernels.MuonCoefficients;
import vecopt.tensor.FloatTensor;

/**
 * Muon on a matrix of {@code size} elements, as square as the size allows (64 x 64, 256 x 256,
 * 1024 x 1024): a whole optimizer step, the momentum and the update split across threads and the
 * Newton–Schulz iteration between them on the stepping thread. Its element-wise traffic is 4 floats
 * read and 3 written (the update matrix goes out and comes back); the iteration's five rounds of
 * three matrix products, {@code 5 (2 n^3 + n^3)} FMAs for an {@code n x n} matrix, make it
 * compute-bound from a few thousand elements on.
 */
@Measures(rule = "Muon")
public class MuonBenchmark extends RuleBenchmark {

    private static final Hyperparameters H = hyperparameters(MuonBenchmark.class);

    private float[] p;
    private float[] g;
    private Muon optimizer;
    private int rows;
    private int cols;
    private FMatrixRMaj pm;
    private FMatrixRMaj gm;
    private FMatrixRMaj buffer;
    private FMatrixRMaj update;
    private FMatrixRMaj x;
    private FMatrixRMaj next;
    private FMatrixRMaj gram;
    private FMatrixRMaj polynomial;
    private FMatrixRMaj result;
    /** The bandwidth reference's stand-in for the update matrix. */
    private float[] scratch;

    @Override
    protected void allocate(int n) {
        rows = AdafactorBenchmark.rowsOf(n);
        cols = n / rows;
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        Parameter w = new Parameter("w", FloatTensor.of(p).reshape(rows, cols), FloatTensor.of(g).reshape(rows, cols));
        optimizer = new Muon(List.of(w), H);
        optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE); // no check pass: the step's own traffic only
        optimizer.allocateState();
        pm = FMatrixRMaj.wrap(rows, cols, p);
        gm = FMatrixRMaj.wrap(rows, cols, g);
        buffer = FMatrixRMaj.wrap(rows, cols, optimizer.state("w").buffer("momentum_buffer")); // either path's state
        update = new FMatrixRMaj(rows, cols);
        boolean transposed = rows > cols;
        x = transposed ? new FMatrixRMaj(cols, rows) : new FMatrixRMaj(rows, cols);
        next = new FMatrixRMaj(x.numRows, x.numCols);
        int m = Math.min(rows, cols);
        gram = new FMatrixRMaj(m, m);
        polynomial = new FMatrixRMaj(m, m);
        result = new FMatrixRMaj(rows, cols);
        scratch = BenchData.gradients(n, 3);
    }

    @Override
    protected void fusedStep(ChunkedExecutor executor) {
        if (optimizer.executor() != executor) {
            optimizer.setExecutor(executor);
        }
        optimizer.step();
    }

    /**
     * One pass reading g and updating p, the momentum and a scratch array as large as the update matrix,
     * which the step writes after the momentum and reads back for the update (r4w3).
     */
    @Override
    protected List<StreamPass> bandwidthPasses() {
        return List.of(new StreamPass(new float[][] {g}, new float[][] {p, buffer.data, scratch}));
    }

    /** The same step as EJML whole-matrix operations, on the wide orientation as PyTorch computes it. */
    @Override
    protected void ejmlStep() {
        float mu = (float) H.get("momentum");
        CommonOps_FDRM.add(mu, buffer, 1 - mu, gm, buffer);                 // B = lerp(B, g, 1 - mu)
        CommonOps_FDRM.add(1 - mu, gm, mu, buffer, update);                 // U = lerp(g, B, mu) (Nesterov)
        float norm = (float) Math.max(NormOps_FDRM.normF(update), H.get("eps"));
        boolean transposed = rows > cols;
        if (transposed) {
            CommonOps_FDRM.transpose(update, x);
        } else {
            x.setTo(update);
        }
        CommonOps_FDRM.divide(x, norm);                                      // X = U / ||U||_F
        for (int s = 0; s < (int) H.get("ns_steps"); s++) {
            CommonOps_FDRM.multTransB(x, x, gram);                           // A = X X^T
            CommonOps_FDRM.mult((float) H.get("ns_c"), gram, gram, polynomial); // c A A
            CommonOps_FDRM.addEquals(polynomial, (float) H.get("ns_b"), gram); // + b A
            CommonOps_FDRM.mult(polynomial, x, next);                        // (b A + c A A) X
            CommonOps_FDRM.add((float) H.get("ns_a"), x, 1, next, x);       // X = a X + ...
        }
        FMatrixRMaj o = transposed ? CommonOps_FDRM.transpose(x, result) : x;
        double lr = H.get("lr");
        CommonOps_FDRM.scale((float) (1 - lr * H.get("weight_decay")), pm); // p = (1 - lr wd) p
        CommonOps_FDRM.addEquals(pm, (float) (-lr * MuonCoefficients.ratio(H, rows, cols)), o);
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, buffer.data};
    }
}
