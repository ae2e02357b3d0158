package vecopt.bench.speed;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamCoefficients;

/** {@code torch.optim.Adam} defaults at step 10: the flagship kernel, 28 bytes per element. */
@Measures(rule = "Adam")
public class AdamBenchmark extends RuleBenchmark {

    private static final Hyperparameters H = hyperparameters(AdamBenchmark.class);
    private static final AdamCoefficients COEFFICIENTS =
            AdamCoefficients.forStep(H, AdamCoefficients.WeightDecay.BY_FLAG, STEP, StepContext.NONE);

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
        ejml = new EjmlUnfusedAdam(p, g, m, v, H.get("lr"), H.get("beta1"), H.get("beta2"), H.get("eps"), 0);
    }

    @Override
    protected void fusedKernel(int from, int n) {
        kernels.adam(p, from + offsets[0], g, from + offsets[1], m, from + offsets[2], v, from + offsets[3], n, COEFFICIENTS);
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
