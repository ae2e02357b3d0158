package vecopt.bench.kernels;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import vecopt.bench.speed.BenchData;
import vecopt.engine.Adam;
import vecopt.engine.Sgd;
import vecopt.engine.StepContext;
import vecopt.engine.kernels.AdamCoefficients;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.ReferenceKernels;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * An experiment, not part of the suite: variants of the Adam and SGD-momentum vector loops beside the
 * kernels they vary, to find what bounds them in cache. {@code adamLean} drops the gradient scale and
 * weight decay, {@code adamBlocked2}/{@code adamBlocked4} load two or four vectors of every array before
 * storing any, the {@code Staggered} pair runs over four ranges of one array 320 bytes apart beyond their
 * length (different page offsets), {@code momentumLean} drops the gradient scale, decay and Nesterov
 * terms, and {@code momentumScalar} is the scalar loop as C2 compiles it. Results: docs/benchmarks.md,
 * "In cache: what bounds Adam and SGD momentum".
 *
 * <p>Run: {@code java -cp bench/target/vecopt-bench.jar org.openjdk.jmh.Main KernelVariantsBenchmark -f 1
 * -wi 3 -i 5 -w 1 -r 1 -tu ns}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dvecopt.kernels=panama", "-Dvecopt.vectorBitSize=512"})
public class KernelVariantsBenchmark {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final OptimizerKernels K = OptimizerKernelsProvider.get();
    static final OptimizerKernels SCALAR = vecopt.engine.kernels.ScalarOptimizerKernels.INSTANCE;
    static final SgdCoefficients MOM = SgdCoefficients.forStep(Sgd.defaults().withValues(Map.of("momentum", 0.9)), false, StepContext.NONE);
    static final AdamCoefficients ADAM = AdamCoefficients.forStep(Adam.defaults(), AdamCoefficients.WeightDecay.BY_FLAG, 10, StepContext.NONE);

    @Param({"4096", "65536", "1048576"})
    public int size;
    float[] p, g, m, v, out, pool;
    int[] at = new int[4];

    @Setup
    public void setUp() {
        p = BenchData.gradients(size, 3);
        g = BenchData.gradients(size, 1);
        m = BenchData.gradients(size, 4);
        v = BenchData.squares(size, 2);
        out = new float[size];
        int stride = size + 80; // 320 bytes apart beyond the length: different page offsets
        pool = new float[4 * stride];
        for (int k = 0; k < 4; k++) {
            at[k] = k * stride;
            float[] src = k == 0 ? p : k == 1 ? g : k == 2 ? m : v;
            System.arraycopy(src, 0, pool, at[k], size);
        }
    }
    @Benchmark public float[] adamPanamaStaggered() { K.adam(pool, at[0], pool, at[1], pool, at[2], pool, at[3], size, ADAM); return pool; }
    @Benchmark public float[] adamBlocked4Staggered() { adamBlocked4(pool, at[0], pool, at[1], pool, at[2], pool, at[3], size, ADAM); return pool; }

    @Benchmark public float[] adamPanama() { K.adam(p, 0, g, 0, m, 0, v, 0, size, ADAM); return p; }
    @Benchmark public float[] adamLean() { adamLean(p, g, m, v, size, ADAM); return p; }
    @Benchmark public float[] adamBlocked4() { adamBlocked4(p, g, m, v, size, ADAM); return p; }
    @Benchmark public float[] adamBlocked2() { adamBlocked2(p, g, m, v, size, ADAM); return p; }
    @Benchmark public float[] dividerBound() { ReferenceKernels.sqrtDivide(out, m, v, 0, size, 1e-8f); return out; }
    @Benchmark public float[] momentumPanama() { K.sgdMomentum(p, 0, g, 0, m, 0, size, MOM); return p; }
    @Benchmark public float[] momentumScalar() { SCALAR.sgdMomentum(p, 0, g, 0, m, 0, size, MOM); return p; }
    @Benchmark public float[] momentumLean() { momentumLean(p, g, m, size, MOM); return p; }

    static void adamLean(float[] p, float[] g, float[] m, float[] v, int n, AdamCoefficients c) {
        FloatVector paramScale = FloatVector.broadcast(S, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(S, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(S, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(S, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(S, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(S, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(S, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(S, c.negStepSize());
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(S, m, i)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(S, v, i)));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, i);
        }
    }

    static void momentumLean(float[] p, float[] g, float[] b, int n, SgdCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(S, c.negLr());
        FloatVector momentum = FloatVector.broadcast(S, c.momentum());
        FloatVector bufferGradScale = FloatVector.broadcast(S, c.bufferGradScale());
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += S.length()) {
            FloatVector pv = FloatVector.fromArray(S, p, i);
            FloatVector d = FloatVector.fromArray(S, g, i);
            FloatVector bv = bufferGradScale.fma(d, momentum.mul(FloatVector.fromArray(S, b, i)));
            bv.intoArray(b, i);
            negLr.fma(bv, pv).intoArray(p, i);
        }
    }

    static void adamBlocked4(float[] p, float[] g, float[] m, float[] v, int n, AdamCoefficients c) { adamBlocked4(p, 0, g, 0, m, 0, v, 0, n, c); }
    static void adamBlocked4(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n, AdamCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(S, c.gradScale());
        FloatVector weightDecay = FloatVector.broadcast(S, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(S, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(S, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(S, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(S, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(S, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(S, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(S, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(S, c.negStepSize());
        int L = S.length();
        int bound = n - n % (4 * L);
        for (int i = 0; i < bound; i += 4 * L) {
            FloatVector p0 = FloatVector.fromArray(S, p, po + i), p1 = FloatVector.fromArray(S, p, po + i + L), p2 = FloatVector.fromArray(S, p, po + i + 2 * L), p3 = FloatVector.fromArray(S, p, po + i + 3 * L);
            FloatVector g0 = FloatVector.fromArray(S, g, go + i), g1 = FloatVector.fromArray(S, g, go + i + L), g2 = FloatVector.fromArray(S, g, go + i + 2 * L), g3 = FloatVector.fromArray(S, g, go + i + 3 * L);
            FloatVector m0 = FloatVector.fromArray(S, m, mo + i), m1 = FloatVector.fromArray(S, m, mo + i + L), m2 = FloatVector.fromArray(S, m, mo + i + 2 * L), m3 = FloatVector.fromArray(S, m, mo + i + 3 * L);
            FloatVector v0 = FloatVector.fromArray(S, v, vo + i), v1 = FloatVector.fromArray(S, v, vo + i + L), v2 = FloatVector.fromArray(S, v, vo + i + 2 * L), v3 = FloatVector.fromArray(S, v, vo + i + 3 * L);
            FloatVector d0 = weightDecay.fma(p0, gradScale.mul(g0)), d1 = weightDecay.fma(p1, gradScale.mul(g1)), d2 = weightDecay.fma(p2, gradScale.mul(g2)), d3 = weightDecay.fma(p3, gradScale.mul(g3));
            m0 = oneMinusBeta1.fma(d0, beta1.mul(m0)); m1 = oneMinusBeta1.fma(d1, beta1.mul(m1)); m2 = oneMinusBeta1.fma(d2, beta1.mul(m2)); m3 = oneMinusBeta1.fma(d3, beta1.mul(m3));
            v0 = oneMinusBeta2.mul(d0).fma(d0, beta2.mul(v0)); v1 = oneMinusBeta2.mul(d1).fma(d1, beta2.mul(v1)); v2 = oneMinusBeta2.mul(d2).fma(d2, beta2.mul(v2)); v3 = oneMinusBeta2.mul(d3).fma(d3, beta2.mul(v3));
            p0 = paramScale.mul(p0).add(negStepSize.mul(m0).div(v0.sqrt().fma(invSqrtBias2, eps)));
            p1 = paramScale.mul(p1).add(negStepSize.mul(m1).div(v1.sqrt().fma(invSqrtBias2, eps)));
            p2 = paramScale.mul(p2).add(negStepSize.mul(m2).div(v2.sqrt().fma(invSqrtBias2, eps)));
            p3 = paramScale.mul(p3).add(negStepSize.mul(m3).div(v3.sqrt().fma(invSqrtBias2, eps)));
            m0.intoArray(m, mo + i); m1.intoArray(m, mo + i + L); m2.intoArray(m, mo + i + 2 * L); m3.intoArray(m, mo + i + 3 * L);
            v0.intoArray(v, vo + i); v1.intoArray(v, vo + i + L); v2.intoArray(v, vo + i + 2 * L); v3.intoArray(v, vo + i + 3 * L);
            p0.intoArray(p, po + i); p1.intoArray(p, po + i + L); p2.intoArray(p, po + i + 2 * L); p3.intoArray(p, po + i + 3 * L);
        }
    }

    static void adamBlocked2(float[] p, float[] g, float[] m, float[] v, int n, AdamCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(S, c.gradScale());
        FloatVector weightDecay = FloatVector.broadcast(S, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(S, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(S, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(S, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(S, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(S, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(S, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(S, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(S, c.negStepSize());
        int L = S.length();
        int bound = n - n % (2 * L);
        for (int i = 0; i < bound; i += 2 * L) {
            FloatVector p0 = FloatVector.fromArray(S, p, i), p1 = FloatVector.fromArray(S, p, i + L);
            FloatVector g0 = FloatVector.fromArray(S, g, i), g1 = FloatVector.fromArray(S, g, i + L);
            FloatVector m0 = FloatVector.fromArray(S, m, i), m1 = FloatVector.fromArray(S, m, i + L);
            FloatVector v0 = FloatVector.fromArray(S, v, i), v1 = FloatVector.fromArray(S, v, i + L);
            FloatVector d0 = weightDecay.fma(p0, gradScale.mul(g0)), d1 = weightDecay.fma(p1, gradScale.mul(g1));
            m0 = oneMinusBeta1.fma(d0, beta1.mul(m0)); m1 = oneMinusBeta1.fma(d1, beta1.mul(m1));
            v0 = oneMinusBeta2.mul(d0).fma(d0, beta2.mul(v0)); v1 = oneMinusBeta2.mul(d1).fma(d1, beta2.mul(v1));
            p0 = paramScale.mul(p0).add(negStepSize.mul(m0).div(v0.sqrt().fma(invSqrtBias2, eps)));
            p1 = paramScale.mul(p1).add(negStepSize.mul(m1).div(v1.sqrt().fma(invSqrtBias2, eps)));
            m0.intoArray(m, i); m1.intoArray(m, i + L);
            v0.intoArray(v, i); v1.intoArray(v, i + L);
            p0.intoArray(p, i); p1.intoArray(p, i + L);
        }
    }
}
