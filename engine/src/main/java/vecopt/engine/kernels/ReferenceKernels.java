package vecopt.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels that are not optimizers but bounds on them, for the speed benchmarks. The streaming
 * kernels {@code read<R>Write<W>} move exactly the memory traffic of a rule: they read {@code r} and
 * {@code W} arrays and write those {@code W} back in place, with one FMA per written element, so
 * their time is what a rule with that traffic cannot beat out of cache. Like the rule kernels, each
 * iteration loads all its vectors before it stores any.
 * {@link #sqrtDivide} does only Adam's square root and division per element: the bound in cache.
 *
 * <p>Every array is used over the same range {@code [from, from + n)}. The vectors are the widest the
 * hardware has, or the width {@code -Dvecopt.vectorBitSize} forces on every kernel: a bound is what
 * this machine can do, whichever width a rule's kernels run (on AVX-512 most rules run 512 bits and
 * some 256, see {@link vecopt.engine.Rule#preferredVectorBits()}). This class needs {@code jdk.incubator.vector}: call it only in
 * a JVM started with {@code --add-modules jdk.incubator.vector}. The tails run the same arithmetic one
 * element at a time.
 */
public final class ReferenceKernels {

    private static final VectorSpecies<Float> SPECIES = KernelSettings.REQUESTED_BIT_SIZE != 0
            ? PanamaOptimizerKernels.species() : FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private ReferenceKernels() {
    }

    /** Width of the vectors used, in bits. */
    public static int vectorBitSize() {
        return SPECIES.vectorBitSize();
    }

    /** {@code a = fma(c, r, a)}: reads 2 floats and writes 1 per element (plain SGD's traffic). */
    public static void read2Write1(float[] a, float[] r, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector rv = FloatVector.fromArray(SPECIES, r, i);
            cv.fma(rv, FloatVector.fromArray(SPECIES, a, i)).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = Math.fma(c, r[i], a[i]);
        }
    }

    /** {@code a = fma(c, r, a); b = fma(c, r, b)}: reads 3 floats and writes 2 per element. */
    public static void read3Write2(float[] a, float[] b, float[] r, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector rv = FloatVector.fromArray(SPECIES, r, i);
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, i);
            cv.fma(rv, av).intoArray(a, i);
            cv.fma(rv, bv).intoArray(b, i);
        }
        for (; i < end; i++) {
            float ri = r[i];
            a[i] = Math.fma(c, ri, a[i]);
            b[i] = Math.fma(c, ri, b[i]);
        }
    }

    /** The same FMA on {@code a, b, d}: reads 4 floats and writes 3 per element (Adam's traffic). */
    public static void read4Write3(float[] a, float[] b, float[] d, float[] r, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector rv = FloatVector.fromArray(SPECIES, r, i);
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, i);
            FloatVector dv = FloatVector.fromArray(SPECIES, d, i);
            cv.fma(rv, av).intoArray(a, i);
            cv.fma(rv, bv).intoArray(b, i);
            cv.fma(rv, dv).intoArray(d, i);
        }
        for (; i < end; i++) {
            float ri = r[i];
            a[i] = Math.fma(c, ri, a[i]);
            b[i] = Math.fma(c, ri, b[i]);
            d[i] = Math.fma(c, ri, d[i]);
        }
    }

    /** The same FMA on {@code a, b, d, e}: reads 5 floats and writes 4 per element (AMSGrad's traffic). */
    public static void read5Write4(float[] a, float[] b, float[] d, float[] e, float[] r, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector rv = FloatVector.fromArray(SPECIES, r, i);
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, i);
            FloatVector dv = FloatVector.fromArray(SPECIES, d, i);
            FloatVector ev = FloatVector.fromArray(SPECIES, e, i);
            cv.fma(rv, av).intoArray(a, i);
            cv.fma(rv, bv).intoArray(b, i);
            cv.fma(rv, dv).intoArray(d, i);
            cv.fma(rv, ev).intoArray(e, i);
        }
        for (; i < end; i++) {
            float ri = r[i];
            a[i] = Math.fma(c, ri, a[i]);
            b[i] = Math.fma(c, ri, b[i]);
            d[i] = Math.fma(c, ri, d[i]);
            e[i] = Math.fma(c, ri, e[i]);
        }
    }

    /**
     * {@code out = a / (sqrt(b) + eps)}: one square root and one division per element and nothing
     * else Adam does, so in cache its time is the divider's bound on Adam's.
     */
    public static void sqrtDivide(float[] out, float[] a, float[] b, int from, int n, float eps) {
        FloatVector epsv = FloatVector.broadcast(SPECIES, eps);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector denom = FloatVector.fromArray(SPECIES, b, i).sqrt().add(epsv);
            FloatVector.fromArray(SPECIES, a, i).div(denom).intoArray(out, i);
        }
        for (; i < end; i++) {
            out[i] = a[i] / ((float) Math.sqrt(b[i]) + eps);
        }
    }

    // ---- the passes of the trust-ratio rules (LAMB, LARS) ----

    /** {@code a = fma(c, r + s, a)}: reads 3 floats and writes 1 per element (LAMB's second pass). */
    public static void read3Write1(float[] a, float[] r, float[] s, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector t = FloatVector.fromArray(SPECIES, r, i).add(FloatVector.fromArray(SPECIES, s, i));
            cv.fma(t, FloatVector.fromArray(SPECIES, a, i)).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = Math.fma(c, r[i] + s[i], a[i]);
        }
    }

    /** {@code a = fma(c, r + s, a); b = fma(c, r + s, b)}: reads 4 floats and writes 2 per element (LAMB's first pass). */
    public static void read4Write2(float[] a, float[] b, float[] r, float[] s, int from, int n, float c) {
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            FloatVector t = FloatVector.fromArray(SPECIES, r, i).add(FloatVector.fromArray(SPECIES, s, i));
            FloatVector av = FloatVector.fromArray(SPECIES, a, i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, i);
            cv.fma(t, av).intoArray(a, i);
            cv.fma(t, bv).intoArray(b, i);
        }
        for (; i < end; i++) {
            float t = r[i] + s[i];
            a[i] = Math.fma(c, t, a[i]);
            b[i] = Math.fma(c, t, b[i]);
        }
    }

    /**
     * The sum of {@code a * r} over the range: reads 2 floats and writes none per element (LARS's first
     * pass, a reduction). Returned so that the reads cannot be optimised away; added in an order of its
     * own (lanes, then the tail).
     */
    public static float read2Write0(float[] a, float[] r, int from, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            acc = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, r, i), acc);
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < end; i++) {
            sum = Math.fma(a[i], r[i], sum);
        }
        return sum;
    }

    /**
     * The sum of {@code r[from, from + n)}: reads 1 float per element and writes none, the extra
     * reads of a rule of several passes (Adafactor reads its gradient three times). The sum is
     * returned so that the reads cannot be dropped.
     */
    public static float read1(float[] r, int from, int n) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int end = from + n;
        int i = from;
        for (int bound = from + SPECIES.loopBound(n); i < bound; i += LANES) {
            acc = acc.add(FloatVector.fromArray(SPECIES, r, i));
        }
        float sum = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        for (; i < end; i++) {
            sum += r[i];
        }
        return sum;
    }
}
