package vecopt.bench.speed;

import org.ejml.data.FMatrixRMaj;

/**
 * A rule benchmark over Adam's layout: the parameter {@code p}, the gradient {@code g}, a first moment
 * {@code m} and a second moment {@code v} (AdaBelief's {@code s}), each also wrapped as an EJML row
 * matrix, with two scratch matrices for the unfused EJML step. 28 bytes per element for the fused step.
 */
abstract class TwoMomentBenchmark extends RuleBenchmark {

    protected float[] p;
    protected float[] g;
    protected float[] m;
    protected float[] v;
    protected FMatrixRMaj pm;
    protected FMatrixRMaj gm;
    protected FMatrixRMaj mm;
    protected FMatrixRMaj vm;
    protected FMatrixRMaj tmp;
    protected FMatrixRMaj denom;

    @Override
    protected final void allocate(int n) {
        p = BenchData.params(n, 1);
        g = BenchData.gradients(n, 2);
        m = BenchData.gradients(n, 3);
        v = BenchData.squares(n, 4);
        pm = FMatrixRMaj.wrap(1, n, p);
        gm = FMatrixRMaj.wrap(1, n, g);
        mm = FMatrixRMaj.wrap(1, n, m);
        vm = FMatrixRMaj.wrap(1, n, v);
        tmp = new FMatrixRMaj(1, n);
        denom = new FMatrixRMaj(1, n);
    }

    @Override
    protected final float[] gradient() {
        return g;
    }

    @Override
    protected final float[][] updated() {
        return new float[][] {p, m, v};
    }
}
