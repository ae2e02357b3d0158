package vecopt.bench.speed;

import vecopt.engine.kernels.AdamCoefficients;

/** {@code torch.optim.Adam} defaults at step 10: the flagship kernel, 28 bytes per element. */
@Measures(RuleTraffic.ADAM)
public class AdamBenchmark extends RuleBenchmark {

    static final double LR = 1e-3;
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    static final long STEP = 10;

    private float[] p;
    private float[] g;
    private float[] m;
    private float[] v;
    private EjmlUnfusedAdam ejml;

    /** Adam's per-step scalars at {@link #STEP}, with decoupled weight decay {@code weightDecay}. */
    static AdamCoefficients coefficients(double weightDecay) {
        double bias1 = 1 - Math.pow(BETA1, STEP);
        double bias2 = 1 - Math.pow(BETA2, STEP);
        return new AdamCoefficients(1f, 0f, (float) (1 - LR * weightDecay), (float) BETA1, (float) (1 - BETA1),
                (float) BETA2, (float) (1 - BETA2), (float) (1 / Math.sqrt(bias2)), (float) EPS, (float) (-LR / bias1));
    }

    private static final AdamCoefficients COEFFICIENTS = coefficients(0);

    @Override
    protected void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        v = BenchData.squares(n, 4);
        ejml = new EjmlUnfusedAdam(p, g, m, v, LR, BETA1, BETA2, EPS, 0);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        KERNELS.adam(p, from, g, from, m, from, v, from, n, COEFFICIENTS);
    }

    @Override
    protected void ejmlStep() {
        ejml.step(STEP);
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
