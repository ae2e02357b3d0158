package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * One exponential-moving-average update of {@code vecopt.engine.AveragedModel} ({@code Averaging.ema}),
 * {@code avg = decay * avg + (1 - decay) * p}: not a rule, a pass beside one after each step. It reads
 * two arrays and writes one, plain SGD's traffic, so the suite files it under SGD ({@code @Measures}) with
 * SGD's bandwidth reference; the report names its own arrays. The EJML composition is PyTorch's in-place
 * idiom {@code avg.mul_(decay).add_(p, alpha=1 - decay)}, two passes.
 *
 * <p>SWA's pass ({@code averageEqual}) moves the same arrays with a division per element; it runs once
 * per epoch rather than once per step, so the suite does not spend a benchmark's runs on it.
 */
@Measures(rule = "SGD", label = "Weight averaging: EMA (AveragedModel)", arrays = "p, avg → avg")
public class EmaAveragingBenchmark extends RuleBenchmark {

    /** Near the decays in use (timm's default is 0.9998 to 0.9999): the average moves little per call. */
    private static final double DECAY = 0.999;
    private static final float D = (float) DECAY;
    private static final float ONE_MINUS_D = (float) (1 - DECAY);

    private float[] p;
    private float[] avg;
    private FMatrixRMaj pm;
    private FMatrixRMaj avgm;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        avg = BenchData.params(n, 2);
        pm = FMatrixRMaj.wrap(1, n, p);
        avgm = FMatrixRMaj.wrap(1, n, avg);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.averageEma(avg, from + offsets[0], p, from + offsets[1], n, D, ONE_MINUS_D);
    }

    @Override
    protected void ejmlStep() {
        CommonOps_FDRM.scale(D, avgm);                 // avg = decay * avg
        CommonOps_FDRM.addEquals(avgm, ONE_MINUS_D, pm); // avg = avg + (1 - decay) * p
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
