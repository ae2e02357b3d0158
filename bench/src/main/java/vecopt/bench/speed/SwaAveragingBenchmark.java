package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * One stochastic-weight-averaging update of {@code vecopt.engine.AveragedModel} ({@code Averaging.equal}),
 * {@code avg = avg + (p - avg) / (n + 1)}, with a division per element: not a rule, a pass beside one. It
 * reads two arrays and writes one, plain SGD's traffic, so the suite files it under SGD ({@code @Measures})
 * with SGD's bandwidth reference; the report names its own arrays. The EJML composition is what PyTorch's
 * default {@code avg_fn} runs, one pass per operation: {@code d = p - avg; d = d / (n + 1); avg = avg + d}.
 */
@Measures(rule = "SGD", label = "SWA equal average (AveragedModel)", arrays = "p, avg → avg")
public class SwaAveragingBenchmark extends RuleBenchmark {

    /** n_averaged + 1: not a power of two, so the division rounds as it does at most counts. */
    private static final float COUNT = 10;

    private float[] p;
    private float[] avg;
    private FMatrixRMaj pm;
    private FMatrixRMaj avgm;
    private FMatrixRMaj d;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        avg = BenchData.params(n, 2);
        pm = FMatrixRMaj.wrap(1, n, p);
        avgm = FMatrixRMaj.wrap(1, n, avg);
        d = new FMatrixRMaj(1, n);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.averageEqual(avg, from, p, from, n, COUNT);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.subtract(pm, avgm, d); // d = p - avg
        CommonOps_FDRM.divide(d, COUNT);      // d = d / (n + 1)
        CommonOps_FDRM.addEquals(avgm, d);    // avg = avg + d
    }

    /** The model's parameters: read, not written. */
    @Override
    protected float[] gradient() {
        return p;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {avg};
    }
}
