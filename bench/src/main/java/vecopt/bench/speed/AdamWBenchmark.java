package vecopt.bench.speed;

import vecopt.engine.kernels.AdamCoefficients;

/** {@code torch.optim.AdamW} (decoupled weight decay 1e-2) at step 10: Adam's kernel with a parameter scale. */
@Measures(RuleTraffic.ADAMW)
public class AdamWBenchmark extends RuleBenchmark {

    private static final double WEIGHT_DECAY = 1e-2;
    private static final AdamCoefficients COEFFICIENTS = AdamBenchmark.coefficients(WEIGHT_DECAY);

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private EjmlUnfusedAdam ejml;

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        v = BenchData.squares(n, 4);
        ejml = new EjmlUnfusedAdam(p, g, m, v, AdamBenchmark.LR, AdamBenchmark.BETA1, AdamBenchmark.BETA2,
                AdamBenchmark.EPS, WEIGHT_DECAY);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.adam(p, from, g, from, m, from, v, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        ejml.step(AdamBenchmark.STEP);
    }

    @Override
    protected float[] gradient() {
        return g;
    }

    @Override
    protected float[][] updated() {
        return new float[][] {p, m, v};
    }
}
