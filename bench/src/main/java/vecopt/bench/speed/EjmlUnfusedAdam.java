package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * Adam as a JVM user composes it from a matrix library today: one EJML {@link CommonOps_FDRM}
 * whole-array operation per term, each a separate pass over memory, with the temporaries allocated
 * once. The unfused baseline of the Adam-family benchmarks. The update is {@code torch.optim.Adam}'s
 * (eps outside the square root), with optional decoupled weight decay as in {@code AdamW}:
 * <pre>
 * p     = p * (1 - lr * weight_decay)             (only when weight_decay != 0)
 * m     = beta1 * m + (1 - beta1) * g
 * v     = beta2 * v + (1 - beta2) * g * g
 * denom = sqrt(v) / sqrt(1 - beta2^t) + eps
 * p     = p - lr / (1 - beta1^t) * m / denom
 * </pre>
 * The arrays are wrapped, not copied: {@link #step} updates the caller's {@code p}, {@code m} and {@code v}.
 */
public final class EjmlUnfusedAdam {

    private final FMatrixRMaj p;
    private final FMatrixRMaj g;
    private final FMatrixRMaj m;
    private final FMatrixRMaj v;
    private final FMatrixRMaj denom;
    private final FMatrixRMaj tmp;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    /** Wraps arrays of equal length; allocates two temporaries of that length. */
    public EjmlUnfusedAdam(float[] p, float[] g, float[] m, float[] v,
                           double lr, double beta1, double beta2, double eps, double weightDecay) {
        int n = p.length;
        if (g.length != n || m.length != n || v.length != n) {
            throw new IllegalArgumentException("p, g, m and v must have the same length, got " + n + ", "
                    + g.length + ", " + m.length + ", " + v.length);
        }
        this.p = FMatrixRMaj.wrap(1, n, p);
        this.g = FMatrixRMaj.wrap(1, n, g);
        this.m = FMatrixRMaj.wrap(1, n, m);
        this.v = FMatrixRMaj.wrap(1, n, v);
        this.denom = new FMatrixRMaj(1, n);
        this.tmp = new FMatrixRMaj(1, n);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Step {@code t} (from 1), which sets the bias corrections; eight passes, nine with weight decay. */
    public void step(long t) {
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2 = 1 - Math.pow(beta2, t);
        if (weightDecay != 0) {
            CommonOps_FDRM.scale((float) (1 - lr * weightDecay), p);          // p = p * (1 - lr * wd)
        }
        CommonOps_FDRM.add((float) beta1, m, (float) (1 - beta1), g, m);      // m = b1 m + (1 - b1) g
        CommonOps_FDRM.elementMult(g, g, tmp);                                // tmp = g * g
        CommonOps_FDRM.add((float) beta2, v, (float) (1 - beta2), tmp, v);    // v = b2 v + (1 - b2) g * g
        CommonOps_FDRM.elementPower(v, 0.5f, denom);                          // denom = sqrt(v)
        CommonOps_FDRM.divide(denom, (float) Math.sqrt(biasCorrection2));    // denom = denom / sqrt(bc2)
        CommonOps_FDRM.add(denom, (float) eps);                               // denom = denom + eps
        CommonOps_FDRM.elementDiv(m, denom, tmp);                             // tmp = m / denom
        CommonOps_FDRM.addEquals(p, (float) (-lr / biasCorrection1), tmp);   // p = p - lr / bc1 * tmp
    }
}
