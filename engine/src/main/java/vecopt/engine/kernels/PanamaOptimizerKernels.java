package vecopt.engine.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernels: the scalar kernels' operations, in the same order, on {@link FloatVector}s.
 * Each loop runs its vector body up to {@code loopBound} and hands the tail to
 * {@link ScalarOptimizerKernels}, so the tail is the reference itself. The rules' element-wise
 * kernels also hand it a head when their arrays are humongous and share their misalignment
 * ({@link HeapAlignment#peel}), so that the vector accesses start on cache lines. The peel is in the
 * kernel and its vector loop in a method of its own ({@code adamBody}, {@code sgdMomentumBody}, ...):
 * small warm-up arrays never take the peel, so C2 compiles that branch as a trap, and the first call
 * over humongous arrays deoptimizes the method that holds it. With the loop in the same method, that
 * call then ran its loop in the interpreter and C1's code until C2 recompiled it (SGD with momentum:
 * 40 ms instead of 9 for a first step over 16Mi elements); in a method of its own, the loop keeps
 * C2's code.
 *
 * <p>Every rule runs its vector loop, at every size. None hands its whole range to the scalar loop
 * in the hope that C2 auto-vectorizes it: C2 does so only when every array is indexed by the same
 * offset variable, and a step passes each tensor's own offset, so there the scalar loop ran one
 * element per instruction (plain SGD 0.38 ns per element at 64Ki against 0.03; docs/benchmarks.md,
 * "Small calls").
 *
 * <p>Loaded by name from {@link OptimizerKernelsProvider} only when {@code jdk.incubator.vector} is
 * readable. The species must be a {@code static final} constant for C2 to intrinsify the vector
 * operations, so one class has one width: this class runs the JVM's default width
 * ({@code -Dvecopt.vectorBitSize}, else 256), and {@link #atWidth} makes a copy of it at another
 * width, a hidden class defined from this class's own bytes whose class data is the width its
 * species reads. Same bytecode, same order of operations: the parity tests at each width cover the copies.
 */
final class PanamaOptimizerKernels implements OptimizerKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED
            .withShape(VectorShape.forBitSize(bitSize(requestedBitSize())));
    private static final int LANES = SPECIES.length();
    /** Longs of the same width, for the noise generator's 64-bit arithmetic: one per pair of floats. */
    private static final VectorSpecies<Long> LONG_SPECIES = SPECIES.withLanes(long.class);
    /** Ints of the same width: the noise generator's 32 random bits per float. */
    private static final VectorSpecies<Integer> INT_SPECIES = SPECIES.withLanes(int.class);
    /** Float vectors per 32 accumulators of {@link #sumOfSquares}: 8, 4 or 2 at 128, 256 or 512 bits. */
    private static final int SUM_VECTORS = SUM_OF_SQUARES_LANES / LANES;
    private static final ScalarOptimizerKernels TAIL = ScalarOptimizerKernels.INSTANCE;
    /**
     * Refuses where vector code would be slower than the scalar loops or would not run: vectors
     * narrower than 128 bits, or no C2 compiler to intrinsify them.
     *
     * @throws UnsupportedOperationException saying why
     */
    PanamaOptimizerKernels() {
        if (preferredBitSize() < 128) {
            throw new UnsupportedOperationException("this CPU's vectors are " + preferredBitSize()
                    + " bits wide, narrower than the 128 the kernels need");
        }
        if (!JitCheck.c2Enabled()) {
            throw new UnsupportedOperationException(
                    "the C2 compiler is off (-Xint or -XX:TieredStopAtLevel below 4), so vector code would be slower");
        }
    }

    /**
     * This class's width as asked for: a copy's class data ({@link #atWidth}), else
     * {@code -Dvecopt.vectorBitSize}, else 0 for the default.
     */
    private static int requestedBitSize() {
        try {
            Integer copyWidth = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME, Integer.class);
            return copyWidth != null ? copyWidth : Math.max(0, KernelSettings.REQUESTED_BIT_SIZE);
        } catch (IllegalAccessException e) {
            throw new AssertionError("a class's own lookup reads its class data", e);
        }
    }

    /**
     * These kernels at {@code bits} (capped at the hardware's width): this class if that is its own
     * width, else a new copy of it as a hidden class whose species is that wide. Call once per width
     * and keep the result: each copy is a class of its own, compiled on its own.
     *
     * @throws UnsupportedOperationException if this CPU or JVM cannot run vector kernels
     * @throws IllegalStateException if the class file cannot be read or defined again
     */
    static OptimizerKernels atWidth(int bits) {
        if (bitSize(bits) == SPECIES.vectorBitSize()) {
            return new PanamaOptimizerKernels();
        }
        byte[] bytes;
        try (InputStream in = PanamaOptimizerKernels.class.getResourceAsStream("PanamaOptimizerKernels.class")) {
            if (in == null) {
                throw new IllegalStateException("PanamaOptimizerKernels.class is not readable as a resource");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read PanamaOptimizerKernels.class", e);
        }
        try {
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, bitSize(bits), true);
            return (OptimizerKernels) copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class))
                    .invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the " + bits + "-bit copy of the Panama kernels", e);
        }
    }

    /** The requested width, or 256 when none was, never wider than the hardware's own. */
    private static int bitSize(int requested) {
        int preferred = preferredBitSize();
        return Math.min(requested == 0 ? 256 : requested, preferred);
    }

    /** The species every kernel uses, for {@link ReferenceKernels}: one width choice, not two. */
    static VectorSpecies<Float> species() {
        return SPECIES;
    }

    /** Largest width the hardware runs natively, in bits. */
    static int preferredBitSize() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public int vectorBitSize() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.sgd(p, pOff, g, gOff, head, c);
            pOff += head; gOff += head;
            n -= head;
        }
        sgdBody(p, pOff, g, gOff, n, c);
    }

    /**
     * The vector loop of {@link #sgd} and its tail: a method of its own, see the class comment. Four
     * vectors per iteration, then one: C2 unrolls a one-vector loop whose arrays share one offset
     * variable but not this one, whose arrays have their own (as every call from a step passes them),
     * and at 64Ki elements it took 1.5x the four-vector loop's time (4.3-4.7 against 2.8-2.9 us in a
     * probe, docs/benchmarks.md "Small calls"). Same operations per element, so the same bits.
     */
    private void sgdBody(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        int unrolledBound = n - n % (4 * LANES);
        int i = 0;
        for (; i < unrolledBound; i += 4 * LANES) {
            FloatVector p0 = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector p1 = FloatVector.fromArray(SPECIES, p, pOff + i + LANES);
            FloatVector p2 = FloatVector.fromArray(SPECIES, p, pOff + i + 2 * LANES);
            FloatVector p3 = FloatVector.fromArray(SPECIES, p, pOff + i + 3 * LANES);
            FloatVector g0 = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector g1 = FloatVector.fromArray(SPECIES, g, gOff + i + LANES);
            FloatVector g2 = FloatVector.fromArray(SPECIES, g, gOff + i + 2 * LANES);
            FloatVector g3 = FloatVector.fromArray(SPECIES, g, gOff + i + 3 * LANES);
            if (clipping) {
                g0 = clamp(g0, gradClip, negGradClip);
                g1 = clamp(g1, gradClip, negGradClip);
                g2 = clamp(g2, gradClip, negGradClip);
                g3 = clamp(g3, gradClip, negGradClip);
            }
            negLr.fma(weightDecay.fma(p0, gradScale.mul(g0)), p0).intoArray(p, pOff + i);
            negLr.fma(weightDecay.fma(p1, gradScale.mul(g1)), p1).intoArray(p, pOff + i + LANES);
            negLr.fma(weightDecay.fma(p2, gradScale.mul(g2)), p2).intoArray(p, pOff + i + 2 * LANES);
            negLr.fma(weightDecay.fma(p3, gradScale.mul(g3)), p3).intoArray(p, pOff + i + 3 * LANES);
        }
        int bound = SPECIES.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            negLr.fma(d, pv).intoArray(p, pOff + i);
        }
        TAIL.sgd(p, pOff + i, g, gOff + i, n - i, c);
    }

    @Override
    public void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, b, bOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.sgdMomentum(p, pOff, g, gOff, b, bOff, head, c);
            pOff += head; gOff += head; bOff += head;
            n -= head;
        }
        sgdMomentumBody(p, pOff, g, gOff, b, bOff, n, c);
    }

    /** The vector loop of {@link #sgdMomentum} and its tail: a method of its own, see the class comment. */
    private void sgdMomentumBody(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector momentum = FloatVector.broadcast(SPECIES, c.momentum());
        FloatVector bufferGradScale = FloatVector.broadcast(SPECIES, c.bufferGradScale());
        FloatVector lookahead = FloatVector.broadcast(SPECIES, c.lookahead());
        FloatVector nesterovGradScale = FloatVector.broadcast(SPECIES, c.nesterovGradScale());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            bv = bufferGradScale.fma(d, momentum.mul(bv));
            FloatVector u = lookahead.fma(bv, nesterovGradScale.mul(d));
            bv.intoArray(b, bOff + i);
            negLr.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.sgdMomentum(p, pOff + i, g, gOff + i, b, bOff + i, n - i, c);
    }

    // ---- Adagrad, RMSprop, Adadelta ----

    @Override
    public void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, s, sOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adagrad(p, pOff, g, gOff, s, sOff, head, c);
            pOff += head; gOff += head; sOff += head;
            n -= head;
        }
        adagradBody(p, pOff, g, gOff, s, sOff, n, c);
    }

    /** The vector loop of {@link #adagrad} and its tail: a method of its own, see the class comment. */
    private void adagradBody(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector sv = FloatVector.fromArray(SPECIES, s, sOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            sv = d.fma(d, sv);
            sv.intoArray(s, sOff + i);
            pv.add(negLr.mul(d).div(sv.sqrt().add(eps))).intoArray(p, pOff + i);
        }
        TAIL.adagrad(p, pOff + i, g, gOff + i, s, sOff + i, n - i, c);
    }

    @Override
    public void rmsprop(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                        float[] b, int bOff, int n, RMSpropCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.rmsprop(p, pOff, g, gOff, v, vOff, a, aOff, b, bOff, head, c);
            pOff += head; gOff += head; vOff += head; aOff += head; bOff += head;
            n -= head;
        }
        rmspropBody(p, pOff, g, gOff, v, vOff, a, aOff, b, bOff, n, c);
    }

    /** The vector loop of {@link #rmsprop} and its tail: a method of its own, see the class comment. */
    private void rmspropBody(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                             float[] b, int bOff, int n, RMSpropCoefficients c) {
        boolean centered = a != null;
        boolean momentum = b != null;
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector alpha = FloatVector.broadcast(SPECIES, c.alpha());
        FloatVector oneMinusAlpha = FloatVector.broadcast(SPECIES, c.oneMinusAlpha());
        FloatVector epsInsideSqrt = FloatVector.broadcast(SPECIES, c.epsInsideSqrt());
        FloatVector epsOutsideSqrt = FloatVector.broadcast(SPECIES, c.epsOutsideSqrt());
        FloatVector momentumDecay = FloatVector.broadcast(SPECIES, c.momentum());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector e = oneMinusAlpha.mul(d);
            vv = e.fma(d, alpha.mul(vv));
            vv.intoArray(v, vOff + i);
            FloatVector w = vv;
            if (centered) {
                FloatVector av = oneMinusAlpha.fma(d, alpha.mul(FloatVector.fromArray(SPECIES, a, aOff + i)));
                av.intoArray(a, aOff + i);
                w = av.neg().fma(av, vv);
            }
            FloatVector avg = w.add(epsInsideSqrt).sqrt().add(epsOutsideSqrt);
            if (momentum) {
                FloatVector bv = momentumDecay.mul(FloatVector.fromArray(SPECIES, b, bOff + i)).add(d.div(avg));
                bv.intoArray(b, bOff + i);
                negLr.fma(bv, pv).intoArray(p, pOff + i);
            } else {
                pv.add(negLr.mul(d).div(avg)).intoArray(p, pOff + i);
            }
        }
        TAIL.rmsprop(p, pOff + i, g, gOff + i, v, vOff + i, a, aOff + i, b, bOff + i, n - i, c);
    }

    @Override
    public void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                         int n, AdadeltaCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, v, vOff, x, xOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adadelta(p, pOff, g, gOff, v, vOff, x, xOff, head, c);
            pOff += head; gOff += head; vOff += head; xOff += head;
            n -= head;
        }
        adadeltaBody(p, pOff, g, gOff, v, vOff, x, xOff, n, c);
    }

    /** The vector loop of {@link #adadelta} and its tail: a method of its own, see the class comment. */
    private void adadeltaBody(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                              int n, AdadeltaCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector rho = FloatVector.broadcast(SPECIES, c.rho());
        FloatVector oneMinusRho = FloatVector.broadcast(SPECIES, c.oneMinusRho());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector xv = FloatVector.fromArray(SPECIES, x, xOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            vv = oneMinusRho.mul(d).fma(d, rho.mul(vv));
            FloatVector u = xv.add(eps).div(vv.add(eps)).sqrt().mul(d);
            vv.intoArray(v, vOff + i);
            oneMinusRho.mul(u).fma(u, rho.mul(xv)).intoArray(x, xOff + i);
            negLr.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.adadelta(p, pOff + i, g, gOff + i, v, vOff + i, x, xOff + i, n - i, c);
    }

    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----

    @Override
    public void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, AdamCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adam(p, pOff, g, gOff, m, mOff, v, vOff, head, c);
        }
        int i = head + adamBody(p, pOff + head, g, gOff + head, m, mOff + head, v, vOff + head, null, 0, n - head, c);
        TAIL.adam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff, vMax, vMaxOff);
        if (head > 0) {
            TAIL.adamAmsgrad(p, pOff, g, gOff, m, mOff, v, vOff, vMax, vMaxOff, head, c);
        }
        int i = head + adamBody(p, pOff + head, g, gOff + head, m, mOff + head, v, vOff + head, vMax, vMaxOff + head,
                n - head, c);
        TAIL.adamAmsgrad(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, vMax, vMaxOff + i, n - i, c);
    }

    /**
     * The vector body of both Adam kernels, AMSGrad when {@code vMax} is not null (a loop-invariant
     * test that C2 unswitches); returns where the tail starts.
     */
    private static int adamBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        boolean amsgrad = vMax != null;
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(SPECIES, v, vOff + i)));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            if (amsgrad) {
                vv = FloatVector.fromArray(SPECIES, vMax, vMaxOff + i).max(vv);
                vv.intoArray(vMax, vMaxOff + i);
            }
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, pOff + i);
        }
        return i;
    }

    @Override
    public void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                       int n, AdamaxCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, u, uOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adamax(p, pOff, g, gOff, m, mOff, u, uOff, head, c);
            pOff += head; gOff += head; mOff += head; uOff += head;
            n -= head;
        }
        adamaxBody(p, pOff, g, gOff, m, mOff, u, uOff, n, c);
    }

    /** The vector loop of {@link #adamax} and its tail: a method of its own, see the class comment. */
    private void adamaxBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                            int n, AdamaxCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            FloatVector uv = beta2.mul(FloatVector.fromArray(SPECIES, u, uOff + i)).max(d.abs().add(eps));
            mv.intoArray(m, mOff + i);
            uv.intoArray(u, uOff + i);
            pv.add(negStepSize.mul(mv).div(uv)).intoArray(p, pOff + i);
        }
        TAIL.adamax(p, pOff + i, g, gOff + i, m, mOff + i, u, uOff + i, n - i, c);
    }

    @Override
    public void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, NAdamCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.nadam(p, pOff, g, gOff, m, mOff, v, vOff, head, c);
            pOff += head; gOff += head; mOff += head; vOff += head;
            n -= head;
        }
        nadamBody(p, pOff, g, gOff, m, mOff, v, vOff, n, c);
    }

    /** The vector loop of {@link #nadam} and its tail: a method of its own, see the class comment. */
    private void nadamBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                           int n, NAdamCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invBias2 = FloatVector.broadcast(SPECIES, c.invBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector gradStep = FloatVector.broadcast(SPECIES, c.gradStep());
        FloatVector momentumStep = FloatVector.broadcast(SPECIES, c.momentumStep());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(SPECIES, v, vOff + i)));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.mul(invBias2).sqrt().add(eps);
            FloatVector step = gradStep.fma(d, momentumStep.mul(mv));
            paramScale.fma(pv, step.div(denom)).intoArray(p, pOff + i);
        }
        TAIL.nadam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, RAdamCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.radam(p, pOff, g, gOff, m, mOff, v, vOff, head, c);
            pOff += head; gOff += head; mOff += head; vOff += head;
            n -= head;
        }
        radamBody(p, pOff, g, gOff, m, mOff, v, vOff, n, c);
    }

    /** The vector loop of {@link #radam} and its tail: a method of its own, see the class comment. */
    private void radamBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                           int n, RAdamCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector rootScale = FloatVector.broadcast(SPECIES, c.rootScale());
        FloatVector denomOffset = FloatVector.broadcast(SPECIES, c.denomOffset());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(SPECIES, v, vOff + i)));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = rootScale.fma(vv.sqrt(), denomOffset);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, pOff + i);
        }
        TAIL.radam(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    /**
     * {@code g} clamped to {@code [negClip, clip]} as {@link ScalarOptimizerKernels#clamp} does; NaN stays NaN.
     * The kernels skip it when the bound is infinite (where it changes nothing), a loop-invariant test
     * that C2 unswitches, so the unclipped loop has no extra instruction.
     */
    private static FloatVector clamp(FloatVector g, FloatVector clip, FloatVector negClip) {
        return g.blend(clip, g.compare(VectorOperators.GT, clip)).blend(negClip, g.compare(VectorOperators.LT, negClip));
    }

    // ---- Lion, AdaBelief, Yogi ----

    @Override
    public void lion(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n, LionCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.lion(p, pOff, g, gOff, m, mOff, head, c);
            pOff += head; gOff += head; mOff += head;
            n -= head;
        }
        lionBody(p, pOff, g, gOff, m, mOff, n, c);
    }

    /** The vector loop of {@link #lion} and its tail: a method of its own, see the class comment. */
    private void lionBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n, LionCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, mOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector cv = oneMinusBeta1.fma(d, beta1.mul(mv));
            oneMinusBeta2.fma(d, beta2.mul(mv)).intoArray(m, mOff + i);
            negLr.fma(sign(cv), paramScale.mul(pv)).intoArray(p, pOff + i);
        }
        TAIL.lion(p, pOff + i, g, gOff + i, m, mOff + i, n - i, c);
    }

    @Override
    public void adabelief(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] s, int sOff,
                          int n, AdaBeliefCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, s, sOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adabelief(p, pOff, g, gOff, m, mOff, s, sOff, head, c);
            pOff += head; gOff += head; mOff += head; sOff += head;
            n -= head;
        }
        adabeliefBody(p, pOff, g, gOff, m, mOff, s, sOff, n, c);
    }

    /** The vector loop of {@link #adabelief} and its tail: a method of its own, see the class comment. */
    private void adabeliefBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] s, int sOff,
                               int n, AdaBeliefCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector mOld = FloatVector.fromArray(SPECIES, m, mOff + i);
            FloatVector r = beta1.mul(d.sub(mOld));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(mOld));
            FloatVector sv = oneMinusBeta2.mul(r).fma(r, beta2.mul(FloatVector.fromArray(SPECIES, s, sOff + i))).add(eps);
            mv.intoArray(m, mOff + i);
            sv.intoArray(s, sOff + i);
            FloatVector denom = sv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, pOff + i);
        }
        TAIL.adabelief(p, pOff + i, g, gOff + i, m, mOff + i, s, sOff + i, n - i, c);
    }

    @Override
    public void yogi(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, YogiCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.yogi(p, pOff, g, gOff, m, mOff, v, vOff, head, c);
            pOff += head; gOff += head; mOff += head; vOff += head;
            n -= head;
        }
        yogiBody(p, pOff, g, gOff, m, mOff, v, vOff, n, c);
    }

    /** The vector loop of {@link #yogi} and its tail: a method of its own, see the class comment. */
    private void yogiBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                          int n, YogiCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(SPECIES, c.negStepSize());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
            FloatVector vOld = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector diff = d.neg().fma(d, vOld);
            FloatVector vv = diff.blend(vOld, diff.compare(VectorOperators.EQ, zero))
                    .blend(beta2.mul(d).fma(d, diff), diff.compare(VectorOperators.GT, zero))
                    .blend(oneMinusBeta2.mul(d).fma(d, vOld), diff.compare(VectorOperators.LT, zero));
            mv.intoArray(m, mOff + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            pv.add(negStepSize.mul(mv).div(denom)).intoArray(p, pOff + i);
        }
        TAIL.yogi(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    // ---- ADOPT, AdEMAMix ----

    @Override
    public void adopt(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, ADOPTCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m, mOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adopt(p, pOff, g, gOff, m, mOff, v, vOff, head, c);
            pOff += head; gOff += head; mOff += head; vOff += head;
            n -= head;
        }
        adoptBody(p, pOff, g, gOff, m, mOff, v, vOff, n, c);
    }

    /** The vector loop of {@link #adopt} and its tail: a method of its own, see the class comment. */
    private void adoptBody(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                           int n, ADOPTCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        int bound = SPECIES.loopBound(n);
        int i = 0;
        if (c.firstStep()) {
            for (; i < bound; i += LANES) {
                FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
                FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
                d.mul(d).intoArray(v, vOff + i);
            }
            TAIL.adopt(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
            return;
        }
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector updateClip = FloatVector.broadcast(SPECIES, c.updateClip());
        FloatVector negUpdateClip = FloatVector.broadcast(SPECIES, -c.updateClip());
        boolean clippingUpdate = c.updateClip() < Float.POSITIVE_INFINITY;
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, mOff + i);
            FloatVector vOld = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector x = d.div(vOld.sqrt().max(eps));
            if (clippingUpdate) {
                x = clamp(x, updateClip, negUpdateClip);
            }
            mv = oneMinusBeta1.fma(x, beta1.mul(mv));
            mv.intoArray(m, mOff + i);
            negLr.fma(mv, paramScale.mul(pv)).intoArray(p, pOff + i);
            oneMinusBeta2.mul(d).fma(d, beta2.mul(vOld)).intoArray(v, vOff + i);
        }
        TAIL.adopt(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void ademamix(float[] p, int pOff, float[] g, int gOff, float[] m1, int m1Off, float[] m2, int m2Off,
                         float[] v, int vOff, int n, AdEMAMixCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, m1, m1Off, m2, m2Off, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.ademamix(p, pOff, g, gOff, m1, m1Off, m2, m2Off, v, vOff, head, c);
            pOff += head; gOff += head; m1Off += head; m2Off += head; vOff += head;
            n -= head;
        }
        ademamixBody(p, pOff, g, gOff, m1, m1Off, m2, m2Off, v, vOff, n, c);
    }

    /** The vector loop of {@link #ademamix} and its tail: a method of its own, see the class comment. */
    private void ademamixBody(float[] p, int pOff, float[] g, int gOff, float[] m1, int m1Off, float[] m2, int m2Off,
                              float[] v, int vOff, int n, AdEMAMixCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta3 = FloatVector.broadcast(SPECIES, c.beta3());
        FloatVector oneMinusBeta3 = FloatVector.broadcast(SPECIES, c.oneMinusBeta3());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invBias1 = FloatVector.broadcast(SPECIES, c.invBias1());
        FloatVector alpha = FloatVector.broadcast(SPECIES, c.alpha());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector fast = FloatVector.fromArray(SPECIES, m1, m1Off + i);
            FloatVector slow = FloatVector.fromArray(SPECIES, m2, m2Off + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            fast = oneMinusBeta1.fma(d, beta1.mul(fast));
            slow = oneMinusBeta3.fma(d, beta3.mul(slow));
            vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(vv));
            fast.intoArray(m1, m1Off + i);
            slow.intoArray(m2, m2Off + i);
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            FloatVector u = alpha.fma(slow, invBias1.mul(fast));
            negLr.fma(u.div(denom), paramScale.mul(pv)).intoArray(p, pOff + i);
        }
        TAIL.ademamix(p, pOff + i, g, gOff + i, m1, m1Off + i, m2, m2Off + i, v, vOff + i, n - i, c);
    }

    /**
     * {@link ScalarOptimizerKernels#sign} on lanes: 1 where {@code x > 0}, -1 where {@code x < 0},
     * +0 for either zero, and {@code x} itself (NaN) where it is neither.
     */
    private static FloatVector sign(FloatVector x) {
        FloatVector zero = FloatVector.zero(SPECIES);
        return x.blend(FloatVector.broadcast(SPECIES, 1f), x.compare(VectorOperators.GT, zero))
                .blend(FloatVector.broadcast(SPECIES, -1f), x.compare(VectorOperators.LT, zero))
                .blend(zero, x.compare(VectorOperators.EQ, zero));
    }

    // ---- Schedule-free SGD and AdamW ----

    @Override
    public void sgdScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, int n,
                                SGDScheduleFreeCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, z, zOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.sgdScheduleFree(p, pOff, g, gOff, z, zOff, head, c);
            pOff += head; gOff += head; zOff += head;
            n -= head;
        }
        sgdScheduleFreeBody(p, pOff, g, gOff, z, zOff, n, c);
    }

    /** The vector loop of {@link #sgdScheduleFree} and its tail: a method of its own, see the class comment. */
    private void sgdScheduleFreeBody(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, int n,
                                     SGDScheduleFreeCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector lerpScale = FloatVector.broadcast(SPECIES, c.lerpScale());
        FloatVector yGradStep = FloatVector.broadcast(SPECIES, c.yGradStep());
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        boolean first = c.firstStep();
        boolean fromZ = c.lerpFromZ();
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector y = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector zo = first ? y : FloatVector.fromArray(SPECIES, z, zOff + i);
            FloatVector d = weightDecay.fma(y, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector q = lerpScale.fma(zo.sub(y), fromZ ? zo : y);
            yGradStep.fma(d, q).intoArray(p, pOff + i);
            negLr.fma(d, zo).intoArray(z, zOff + i);
        }
        TAIL.sgdScheduleFree(p, pOff + i, g, gOff + i, z, zOff + i, n - i, c);
    }

    @Override
    public void adamWScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, float[] v, int vOff,
                                  int n, AdamWScheduleFreeCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, z, zOff, v, vOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.adamWScheduleFree(p, pOff, g, gOff, z, zOff, v, vOff, head, c);
            pOff += head; gOff += head; zOff += head; vOff += head;
            n -= head;
        }
        adamWScheduleFreeBody(p, pOff, g, gOff, z, zOff, v, vOff, n, c);
    }

    /** The vector loop of {@link #adamWScheduleFree} and its tail: a method of its own, see the class comment. */
    private void adamWScheduleFreeBody(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, float[] v, int vOff,
                                       int n, AdamWScheduleFreeCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector lerpScale = FloatVector.broadcast(SPECIES, c.lerpScale());
        FloatVector yGradStep = FloatVector.broadcast(SPECIES, c.yGradStep());
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negLr());
        boolean first = c.firstStep();
        boolean fromZ = c.lerpFromZ();
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector y = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector zo = first ? y : FloatVector.fromArray(SPECIES, z, zOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(vv));
            vv.intoArray(v, vOff + i);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            FloatVector u = weightDecay.fma(y, d.div(denom));
            FloatVector q = lerpScale.fma(zo.sub(y), fromZ ? zo : y);
            yGradStep.fma(u, q).intoArray(p, pOff + i);
            negLr.fma(u, zo).intoArray(z, zOff + i);
        }
        TAIL.adamWScheduleFree(p, pOff + i, g, gOff + i, z, zOff + i, v, vOff + i, n - i, c);
    }

    @Override
    public void scheduleFreeEval(float[] p, int pOff, float[] z, int zOff, float[] y, int yOff, int n,
                                 ScheduleFreeEvalCoefficients c) {
        FloatVector lerpScale = FloatVector.broadcast(SPECIES, c.lerpScale());
        boolean fromZ = c.lerpFromZ();
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector yv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector zv = FloatVector.fromArray(SPECIES, z, zOff + i);
            yv.intoArray(y, yOff + i);
            lerpScale.fma(zv.sub(yv), fromZ ? zv : yv).intoArray(p, pOff + i);
        }
        TAIL.scheduleFreeEval(p, pOff + i, z, zOff + i, y, yOff + i, n - i, c);
    }

    // ---- Rprop, ASGD ----

    @Override
    public void rprop(float[] p, int pOff, float[] g, int gOff, float[] prev, int prevOff, float[] s, int sOff,
                      int n, RpropCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, prev, prevOff, s, sOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.rprop(p, pOff, g, gOff, prev, prevOff, s, sOff, head, c);
            pOff += head; gOff += head; prevOff += head; sOff += head;
            n -= head;
        }
        rpropBody(p, pOff, g, gOff, prev, prevOff, s, sOff, n, c);
    }

    /** The vector loop of {@link #rprop} and its tail: a method of its own, see the class comment. */
    private void rpropBody(float[] p, int pOff, float[] g, int gOff, float[] prev, int prevOff, float[] s, int sOff,
                           int n, RpropCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector etaminus = FloatVector.broadcast(SPECIES, c.etaminus());
        FloatVector etaplus = FloatVector.broadcast(SPECIES, c.etaplus());
        FloatVector stepSizeMin = FloatVector.broadcast(SPECIES, c.stepSizeMin());
        FloatVector stepSizeMax = FloatVector.broadcast(SPECIES, c.stepSizeMax());
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector prevv = FloatVector.fromArray(SPECIES, prev, prevOff + i);
            FloatVector sv = FloatVector.fromArray(SPECIES, s, sOff + i);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector q = d.mul(prevv);
            VectorMask<Float> flipped = q.compare(VectorOperators.LT, zero);
            FloatVector factor = one.blend(etaplus, q.compare(VectorOperators.GT, zero)).blend(etaminus, flipped);
            sv = sv.mul(factor).max(stepSizeMin).min(stepSizeMax);
            d = d.blend(zero, flipped);
            FloatVector sign = zero.blend(one, d.compare(VectorOperators.GT, zero))
                    .sub(zero.blend(one, d.compare(VectorOperators.LT, zero)));
            sv.intoArray(s, sOff + i);
            d.intoArray(prev, prevOff + i);
            sign.neg().fma(sv, pv).intoArray(p, pOff + i);
        }
        TAIL.rprop(p, pOff + i, g, gOff + i, prev, prevOff + i, s, sOff + i, n - i, c);
    }

    @Override
    public void asgd(float[] p, int pOff, float[] g, int gOff, float[] ax, int axOff, int n, ASGDCoefficients c) {
        int head = HeapAlignment.peel(n, p, pOff, g, gOff, ax, axOff);
        if (head > 0) { // humongous arrays sharing their misalignment: a scalar head up to a cache line
            TAIL.asgd(p, pOff, g, gOff, ax, axOff, head, c);
            pOff += head; gOff += head; axOff += head;
            n -= head;
        }
        asgdBody(p, pOff, g, gOff, ax, axOff, n, c);
    }

    /** The vector loop of {@link #asgd} and its tail: a method of its own, see the class comment. */
    private void asgdBody(float[] p, int pOff, float[] g, int gOff, float[] ax, int axOff, int n, ASGDCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector negEta = FloatVector.broadcast(SPECIES, c.negEta());
        FloatVector mu = FloatVector.broadcast(SPECIES, c.mu());
        // all lanes take the new iterate while mu is 1: a loop-invariant mask, not a branch per element
        VectorMask<Float> copy = SPECIES.maskAll(!c.averaging());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector av = FloatVector.fromArray(SPECIES, ax, axOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            pv = negEta.fma(d, paramScale.mul(pv));
            av.add(pv.sub(av).mul(mu)).blend(pv, copy).intoArray(ax, axOff + i);
            pv.intoArray(p, pOff + i);
        }
        TAIL.asgd(p, pOff + i, g, gOff + i, ax, axOff + i, n - i, c);
    }

    // ---- Lookahead ----

    @Override
    public void lookaheadSync(float[] p, int pOff, float[] slow, int slowOff, int n, float alpha) {
        FloatVector a = FloatVector.broadcast(SPECIES, alpha);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector sv = FloatVector.fromArray(SPECIES, slow, slowOff + i);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            sv = pv.sub(sv).fma(a, sv);
            sv.intoArray(slow, slowOff + i);
            sv.intoArray(p, pOff + i);
        }
        TAIL.lookaheadSync(p, pOff + i, slow, slowOff + i, n - i, alpha);
    }

    // ---- Gradient accumulation ----

    @Override
    public void accumulate(float[] acc, int accOff, float[] g, int gOff, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector av = FloatVector.fromArray(SPECIES, acc, accOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            av.add(gv).intoArray(acc, accOff + i);
        }
        TAIL.accumulate(acc, accOff + i, g, gOff + i, n - i);
    }

    @Override
    public void accumulateMean(float[] g, int gOff, float[] acc, int accOff, int n, float k) {
        FloatVector kv = FloatVector.broadcast(SPECIES, k);
        FloatVector zero = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector av = FloatVector.fromArray(SPECIES, acc, accOff + i);
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + i);
            av.add(gv).div(kv).intoArray(g, gOff + i);
            zero.intoArray(acc, accOff + i);
        }
        TAIL.accumulateMean(g, gOff + i, acc, accOff + i, n - i, k);
    }

    // ---- Passes over a gradient alone ----

    /**
     * The 32 accumulators are {@link #SUM_VECTORS} vectors side by side (lane {@code j} of vector
     * {@code k} is accumulator {@code k * LANES + j}), so each accumulator sees the elements the scalar
     * kernel gives it, in the same order, at every width. Unused vectors are folded away by C2, the
     * count being a constant.
     */
    @Override
    public double sumOfSquares(float[] g, int off, int n) {
        float[] lanes = LANE_SCRATCH.get().lanes;
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            sum += blockSquares(g, off + b, Math.min(SUM_OF_SQUARES_BLOCK, n - b), lanes);
        }
        return sum;
    }

    @Override
    public void blockSumsOfSquares(float[] g, int off, int n, double[] sums, int sumsOff) {
        float[] lanes = LANE_SCRATCH.get().lanes;
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k++) {
            sums[k] = blockSquares(g, off + b, Math.min(SUM_OF_SQUARES_BLOCK, n - b), lanes);
        }
    }

    /** One block's sum of {@link #sumOfSquares}, with {@code lanes} as scratch for its accumulators. */
    private static double blockSquares(float[] g, int base, int length, float[] lanes) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int bound = length - length % SUM_OF_SQUARES_LANES;
        for (int i = 0; i < bound; i += SUM_OF_SQUARES_LANES) {
            int at = base + i;
            FloatVector x0 = FloatVector.fromArray(SPECIES, g, at);
            FloatVector x1 = FloatVector.fromArray(SPECIES, g, at + LANES);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            if (SUM_VECTORS > 2) {
                FloatVector x2 = FloatVector.fromArray(SPECIES, g, at + 2 * LANES);
                FloatVector x3 = FloatVector.fromArray(SPECIES, g, at + 3 * LANES);
                a2 = x2.fma(x2, a2);
                a3 = x3.fma(x3, a3);
            }
            if (SUM_VECTORS > 4) {
                FloatVector x4 = FloatVector.fromArray(SPECIES, g, at + 4 * LANES);
                FloatVector x5 = FloatVector.fromArray(SPECIES, g, at + 5 * LANES);
                FloatVector x6 = FloatVector.fromArray(SPECIES, g, at + 6 * LANES);
                FloatVector x7 = FloatVector.fromArray(SPECIES, g, at + 7 * LANES);
                a4 = x4.fma(x4, a4);
                a5 = x5.fma(x5, a5);
                a6 = x6.fma(x6, a6);
                a7 = x7.fma(x7, a7);
            }
        }
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, LANES);
        if (SUM_VECTORS > 2) {
            a2.intoArray(lanes, 2 * LANES);
            a3.intoArray(lanes, 3 * LANES);
        }
        if (SUM_VECTORS > 4) {
            a4.intoArray(lanes, 4 * LANES);
            a5.intoArray(lanes, 5 * LANES);
            a6.intoArray(lanes, 6 * LANES);
            a7.intoArray(lanes, 7 * LANES);
        }
        ScalarOptimizerKernels.accumulateSquares(g, base, bound, length, lanes);
        return ScalarOptimizerKernels.blockSum(g, base, length, lanes);
    }

    /**
     * One 64-bit counter per pair of elements: a {@link LongVector} of {@code LANES / 2} counters is
     * mixed and reinterpreted as {@code LANES} ints, low word first (the Vector API reinterprets lanes
     * in little-endian order), which gives element {@code 2k} the low and {@code 2k + 1} the high word
     * of pair {@code k}'s hash, as {@link CounterGaussian#bits} does. An odd first index is handled by
     * the scalar kernel so that vectors start on a pair.
     *
     * <p>The work is three small loops over chunks of {@link #NOISE_CHUNK} elements that stay in L1
     * (random bits; probabilities and their logarithms; the Gaussian and its addition): as one loop
     * body it is too big for C2 to inline whole, and a vector that crosses a call that is not
     * inlined is boxed, which made the kernel slower than the scalar one.
     */
    @Override
    public void addGradientNoise(float[] g, int off, int n, long index, NoiseCoefficients c) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) {
            TAIL.addGradientNoise(g, off, 1, index, c);
            i = 1;
        }
        int bound = i + SPECIES.loopBound(n - i);
        if (bound > i) {
            NoiseScratch scratch = NOISE_SCRATCH.get();
            int[] bits = scratch.bits;
            float[] probabilities = scratch.probabilities;
            float[] logs = scratch.logs;
            for (int from = i; from < bound; from += NOISE_CHUNK) {
                int length = Math.min(NOISE_CHUNK, bound - from); // a multiple of LANES
                randomBits(c.key(), index + from, bits, length);
                probabilitiesAndLogs(bits, probabilities, logs, length);
                addGaussians(g, off + from, c.std(), bits, probabilities, logs, length);
            }
        }
        TAIL.addGradientNoise(g, off + bound, n - bound, index + bound, c);
    }

    /**
     * One thread's accumulator arrays for the reductions (sums of squares, dots, LAMB's and LARS's norms,
     * Adafactor's sums), so that no call allocates: a step calls them once per parameter. Each call
     * overwrites what it reads, or zeroes it first (LAMB and LARS, which accumulate in place).
     */
    static final class LaneScratch { // not private: the hidden copies at other widths construct it too
        final float[] lanes = new float[Math.max(2 * ADAFACTOR_LANES, SUM_OF_SQUARES_LANES)];
        final float[] moreLanes = new float[SUM_OF_SQUARES_LANES];
    }

    private static final ThreadLocal<LaneScratch> LANE_SCRATCH = ThreadLocal.withInitial(LaneScratch::new);

    /** Elements per chunk of {@link #addGradientNoise}; a multiple of every {@code LANES}. */
    private static final int NOISE_CHUNK = 512;

    /** One thread's chunk buffers of {@link #addGradientNoise}, so that no call allocates. */
    static final class NoiseScratch { // not private: the hidden copies at other widths construct it too
        final int[] bits = new int[NOISE_CHUNK];
        final float[] probabilities = new float[NOISE_CHUNK];
        final float[] logs = new float[NOISE_CHUNK];
    }

    private static final ThreadLocal<NoiseScratch> NOISE_SCRATCH = ThreadLocal.withInitial(NoiseScratch::new);

    /** {@code j * GAMMA} for each long lane {@code j}: the counters of one vector's pairs, less the first. */
    private static final long[] LANE_GAMMAS = laneGammas();

    private static long[] laneGammas() {
        long[] a = new long[LONG_SPECIES.length()];
        for (int j = 0; j < a.length; j++) {
            a[j] = j * CounterGaussian.GAMMA;
        }
        return a;
    }

    /** The random bits of elements {@code [first, first + length)}, {@code first} even. */
    private static void randomBits(long key, long first, int[] bits, int length) {
        LongVector counter = LongVector.broadcast(LONG_SPECIES, key + (first >>> 1) * CounterGaussian.GAMMA)
                .add(LongVector.fromArray(LONG_SPECIES, LANE_GAMMAS, 0));
        LongVector advance = LongVector.broadcast(LONG_SPECIES, (long) (LANES / 2) * CounterGaussian.GAMMA);
        for (int j = 0; j < length; j += LANES) {
            mix64(counter).reinterpretAsInts().intoArray(bits, j);
            counter = counter.add(advance);
        }
    }

    /** The probability {@code p} of {@link CounterGaussian#gaussian} and {@code log(p)}, for each element. */
    private static void probabilitiesAndLogs(int[] bits, float[] probabilities, float[] logs, int length) {
        for (int j = 0; j < length; j += LANES) {
            IntVector odd = IntVector.fromArray(INT_SPECIES, bits, j).lanewise(VectorOperators.LSHR, 9)
                    .lanewise(VectorOperators.LSHL, 1).lanewise(VectorOperators.OR, 1);
            FloatVector p = ((FloatVector) odd.convert(VectorOperators.I2F, 0)).mul(0x1p-25f);
            p.intoArray(probabilities, j);
            log(p).intoArray(logs, j);
        }
    }

    /** {@code g = fma(std, z, g)} with {@code z} from each element's bits, probability and its logarithm. */
    private static void addGaussians(float[] g, int gOff, float std, int[] bits, float[] probabilities, float[] logs,
                                     int length) {
        FloatVector stdv = FloatVector.broadcast(SPECIES, std);
        for (int j = 0; j < length; j += LANES) {
            IntVector u = IntVector.fromArray(INT_SPECIES, bits, j);
            FloatVector p = FloatVector.fromArray(SPECIES, probabilities, j);
            FloatVector lp = FloatVector.fromArray(SPECIES, logs, j);
            FloatVector z = gaussian(u, p, lp);
            stdv.fma(z, FloatVector.fromArray(SPECIES, g, gOff + j)).intoArray(g, gOff + j);
        }
    }

    /** {@link CounterGaussian#mix64} on every lane. */
    private static LongVector mix64(LongVector z) {
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    /**
     * {@link CounterGaussian#gaussian} on every lane, given {@code p} and {@code log(p)}: both regions'
     * numerators and denominators, blended before the one division each lane needs.
     */
    private static FloatVector gaussian(IntVector u, FloatVector p, FloatVector logP) {
        FloatVector q = p.sub(0.5f);
        // central region
        FloatVector r = FloatVector.broadcast(SPECIES, CounterGaussian.CONST1).sub(q.mul(q));
        FloatVector num = q.neg().mul(horner(r, CounterGaussian.A3, CounterGaussian.A2, CounterGaussian.A1,
                CounterGaussian.A0));
        FloatVector den = horner(r, CounterGaussian.B3, CounterGaussian.B2, CounterGaussian.B1, 1f);
        // tail
        FloatVector t = logP.neg().sqrt().sub(CounterGaussian.CONST2);
        FloatVector tailNum = horner(t, CounterGaussian.C3, CounterGaussian.C2, CounterGaussian.C1, CounterGaussian.C0);
        FloatVector tailDen = horner(t, CounterGaussian.D2, CounterGaussian.D1, 1f);
        var central = q.compare(VectorOperators.GE, -CounterGaussian.SPLIT);
        FloatVector magnitude = tailNum.blend(num, central).div(tailDen.blend(den, central));
        return magnitude.reinterpretAsInts().lanewise(VectorOperators.OR, u.lanewise(VectorOperators.LSHL, 31))
                .reinterpretAsFloats();
    }

    /** {@code fma(fma(fma(c0, x, c1), x, c2), x, c3)}, the scalar Horner chains' order. */
    private static FloatVector horner(FloatVector x, float c0, float c1, float c2, float c3) {
        FloatVector y = FloatVector.broadcast(SPECIES, c0).fma(x, FloatVector.broadcast(SPECIES, c1));
        y = y.fma(x, FloatVector.broadcast(SPECIES, c2));
        return y.fma(x, FloatVector.broadcast(SPECIES, c3));
    }

    /** {@code fma(fma(c0, x, c1), x, c2)}. */
    private static FloatVector horner(FloatVector x, float c0, float c1, float c2) {
        FloatVector y = FloatVector.broadcast(SPECIES, c0).fma(x, FloatVector.broadcast(SPECIES, c1));
        return y.fma(x, FloatVector.broadcast(SPECIES, c2));
    }

    /**
     * {@link CounterGaussian#log} on every lane. Kept in small methods: one too big for C2 to inline
     * would box its vectors at the call, which cost 20x.
     */
    private static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector mantissa = bits.lanewise(VectorOperators.AND, 0x007FFFFF).lanewise(VectorOperators.OR, 0x3F000000);
        // m < sqrt(1/2) compared as the bits of positive floats; then m + m by one more in the exponent
        IntVector small = IntVector.zero(INT_SPECIES)
                .blend(1, mantissa.compare(VectorOperators.LT, Float.floatToRawIntBits(CounterGaussian.SQRT_HALF)));
        FloatVector f = mantissa.add(small.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(1f);
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126).sub(small);
        return logOfMantissa(f, (FloatVector) e.convert(VectorOperators.I2F, 0));
    }

    /** The polynomial part of {@link CounterGaussian#log} and its sum with {@code e * ln 2}. */
    private static FloatVector logOfMantissa(FloatVector f, FloatVector ef) {
        FloatVector z = f.mul(f);
        FloatVector y = horner(f, CounterGaussian.L1, CounterGaussian.L2, CounterGaussian.L3, CounterGaussian.L4,
                CounterGaussian.L5);
        y = y.fma(f, FloatVector.broadcast(SPECIES, CounterGaussian.L6));
        y = y.fma(f, FloatVector.broadcast(SPECIES, CounterGaussian.L7));
        y = y.fma(f, FloatVector.broadcast(SPECIES, CounterGaussian.L8));
        y = y.fma(f, FloatVector.broadcast(SPECIES, CounterGaussian.L9));
        y = y.mul(f).mul(z);
        y = ef.fma(FloatVector.broadcast(SPECIES, CounterGaussian.LN2_LO), y);
        y = z.fma(FloatVector.broadcast(SPECIES, -0.5f), y);
        return ef.fma(FloatVector.broadcast(SPECIES, CounterGaussian.LN2_HI), f.add(y));
    }

    /** {@code fma(fma(fma(fma(c0, x, c1), x, c2), x, c3), x, c4)}. */
    private static FloatVector horner(FloatVector x, float c0, float c1, float c2, float c3, float c4) {
        return horner(x, c0, c1, c2, c3).fma(x, FloatVector.broadcast(SPECIES, c4));
    }

    // ---- Weight averaging ----

    @Override
    public void averageEqual(float[] avg, int avgOff, float[] p, int pOff, int n, float count) {
        FloatVector c = FloatVector.broadcast(SPECIES, count);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector av = FloatVector.fromArray(SPECIES, avg, avgOff + i);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            av.add(pv.sub(av).div(c)).intoArray(avg, avgOff + i);
        }
        TAIL.averageEqual(avg, avgOff + i, p, pOff + i, n - i, count);
    }

    @Override
    public void averageEma(float[] avg, int avgOff, float[] p, int pOff, int n, float decay, float oneMinusDecay) {
        FloatVector d = FloatVector.broadcast(SPECIES, decay);
        FloatVector c = FloatVector.broadcast(SPECIES, oneMinusDecay);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector av = FloatVector.fromArray(SPECIES, avg, avgOff + i);
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            d.mul(av).add(c.mul(pv)).intoArray(avg, avgOff + i);
        }
        TAIL.averageEma(avg, avgOff + i, p, pOff + i, n - i, decay, oneMinusDecay);
    }

    @Override
    public void swapRanges(float[] a, int aOff, float[] b, int bOff, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector av = FloatVector.fromArray(SPECIES, a, aOff + i);
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + i);
            bv.intoArray(a, aOff + i);
            av.intoArray(b, bOff + i);
        }
        TAIL.swapRanges(a, aOff + i, b, bOff + i, n - i);
    }

    // ---- LBFGS: dot products and axpy over slices of its flat vector ----

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float[] lanes = LANE_SCRATCH.get().lanes;
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            int xb = xOff + b;
            int yb = yOff + b;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            int bound = length - length % SUM_OF_SQUARES_LANES;
            for (int i = 0; i < bound; i += SUM_OF_SQUARES_LANES) {
                a0 = product(x, xb + i, y, yb + i, a0);
                a1 = product(x, xb + i + LANES, y, yb + i + LANES, a1);
                if (SUM_VECTORS > 2) {
                    a2 = product(x, xb + i + 2 * LANES, y, yb + i + 2 * LANES, a2);
                    a3 = product(x, xb + i + 3 * LANES, y, yb + i + 3 * LANES, a3);
                }
                if (SUM_VECTORS > 4) {
                    a4 = product(x, xb + i + 4 * LANES, y, yb + i + 4 * LANES, a4);
                    a5 = product(x, xb + i + 5 * LANES, y, yb + i + 5 * LANES, a5);
                    a6 = product(x, xb + i + 6 * LANES, y, yb + i + 6 * LANES, a6);
                    a7 = product(x, xb + i + 7 * LANES, y, yb + i + 7 * LANES, a7);
                }
            }
            store(lanes, a0, a1, a2, a3, a4, a5, a6, a7);
            ScalarOptimizerKernels.accumulateProducts(x, xb, y, yb, bound, length, lanes);
            sum += ScalarOptimizerKernels.laneSum(lanes);
        }
        return sum;
    }

    /** {@code fma(x, y, a)} on the vectors at {@code x[xAt]} and {@code y[yAt]}. */
    private static FloatVector product(float[] x, int xAt, float[] y, int yAt, FloatVector a) {
        return FloatVector.fromArray(SPECIES, x, xAt).fma(FloatVector.fromArray(SPECIES, y, yAt), a);
    }

    /** The 32 accumulators, as {@code SUM_VECTORS} vectors, into {@code lanes} in lane order. */
    private static void store(float[] lanes, FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3,
                              FloatVector a4, FloatVector a5, FloatVector a6, FloatVector a7) {
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, LANES);
        if (SUM_VECTORS > 2) {
            a2.intoArray(lanes, 2 * LANES);
            a3.intoArray(lanes, 3 * LANES);
        }
        if (SUM_VECTORS > 4) {
            a4.intoArray(lanes, 4 * LANES);
            a5.intoArray(lanes, 5 * LANES);
            a6.intoArray(lanes, 6 * LANES);
            a7.intoArray(lanes, 7 * LANES);
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            av.fma(FloatVector.fromArray(SPECIES, x, xOff + i), FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        TAIL.axpy(a, x, xOff + i, y, yOff + i, n - i);
    }

    @Override
    public void negate(float[] x, int xOff, float[] out, int outOff, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i).neg().intoArray(out, outOff + i);
        }
        TAIL.negate(x, xOff + i, out, outOff + i, n - i);
    }

    @Override
    public void scale(float a, float[] x, int xOff, float[] out, int outOff, int n) {
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            av.mul(FloatVector.fromArray(SPECIES, x, xOff + i)).intoArray(out, outOff + i);
        }
        TAIL.scale(a, x, xOff + i, out, outOff + i, n - i);
    }

    @Override
    public void subtract(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xOff + i).sub(FloatVector.fromArray(SPECIES, y, yOff + i))
                    .intoArray(out, outOff + i);
        }
        TAIL.subtract(x, xOff + i, y, yOff + i, out, outOff + i, n - i);
    }

    @Override
    public float maxAbsScaled(float a, float[] x, int xOff, int n) {
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        IntVector max = IntVector.zero(INT_SPECIES);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            max = max.max(av.mul(FloatVector.fromArray(SPECIES, x, xOff + i)).reinterpretAsInts().and(0x7FFFFFFF));
        }
        int m = max.reduceLanes(VectorOperators.MAX);
        return Float.intBitsToFloat(Math.max(m, Float.floatToRawIntBits(TAIL.maxAbsScaled(a, x, xOff + i, n - i))));
    }

    @Override
    public double axpyDot(float a, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff, int n) {
        FloatVector av = FloatVector.broadcast(SPECIES, a);
        float[] lanes = LANE_SCRATCH.get().lanes;
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            int xb = xOff + b;
            int yb = yOff + b;
            int zb = zOff + b;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            int bound = length - length % SUM_OF_SQUARES_LANES;
            for (int i = 0; i < bound; i += SUM_OF_SQUARES_LANES) {
                a0 = axpyProduct(av, x, xb + i, y, yb + i, z, zb + i, a0);
                a1 = axpyProduct(av, x, xb + i + LANES, y, yb + i + LANES, z, zb + i + LANES, a1);
                if (SUM_VECTORS > 2) {
                    a2 = axpyProduct(av, x, xb + i + 2 * LANES, y, yb + i + 2 * LANES, z, zb + i + 2 * LANES, a2);
                    a3 = axpyProduct(av, x, xb + i + 3 * LANES, y, yb + i + 3 * LANES, z, zb + i + 3 * LANES, a3);
                }
                if (SUM_VECTORS > 4) {
                    a4 = axpyProduct(av, x, xb + i + 4 * LANES, y, yb + i + 4 * LANES, z, zb + i + 4 * LANES, a4);
                    a5 = axpyProduct(av, x, xb + i + 5 * LANES, y, yb + i + 5 * LANES, z, zb + i + 5 * LANES, a5);
                    a6 = axpyProduct(av, x, xb + i + 6 * LANES, y, yb + i + 6 * LANES, z, zb + i + 6 * LANES, a6);
                    a7 = axpyProduct(av, x, xb + i + 7 * LANES, y, yb + i + 7 * LANES, z, zb + i + 7 * LANES, a7);
                }
            }
            store(lanes, a0, a1, a2, a3, a4, a5, a6, a7);
            ScalarOptimizerKernels.axpyAccumulate(a, x, xb, y, yb, z, zb, bound, length, lanes);
            sum += ScalarOptimizerKernels.laneSum(lanes);
        }
        return sum;
    }

    /** {@code y = fma(a, x, y)} on one vector, then {@code fma(z, y, acc)}. */
    private static FloatVector axpyProduct(FloatVector a, float[] x, int xAt, float[] y, int yAt, float[] z, int zAt,
                                           FloatVector acc) {
        FloatVector v = a.fma(FloatVector.fromArray(SPECIES, x, xAt), FloatVector.fromArray(SPECIES, y, yAt));
        v.intoArray(y, yAt);
        return FloatVector.fromArray(SPECIES, z, zAt).fma(v, acc);
    }

    // ---- LAMB, LARS: the passes of the trust-ratio rules ----

    /**
     * The vector body of each block keeps the 32 accumulators of {@link #sumOfSquares} in two small
     * arrays: the vector at block position {@code i} adds into lanes {@code i % 32} onwards, so every
     * accumulator sees the elements the scalar kernel gives it, in the same order, at every width. The
     * block's tail and its sums are the scalar kernel's.
     */
    @Override
    public void lambMoments(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            int n, double[] sums, int sumsOff, LAMBCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(SPECIES, c.oneMinusBeta2());
        FloatVector invBias1 = FloatVector.broadcast(SPECIES, c.invBias1());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        LaneScratch scratch = LANE_SCRATCH.get();
        float[] pLanes = scratch.lanes;
        float[] uLanes = scratch.moreLanes;
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k += 2) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            Arrays.fill(pLanes, 0, SUM_OF_SQUARES_LANES, 0f);
            Arrays.fill(uLanes, 0f);
            int bound = SPECIES.loopBound(length);
            for (int i = 0; i < bound; i += LANES) {
                int at = b + i;
                FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + at);
                FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + at);
                FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
                FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + at)));
                FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(SPECIES, v, vOff + at)));
                mv.intoArray(m, mOff + at);
                vv.intoArray(v, vOff + at);
                FloatVector u = weightDecay.fma(pv, invBias1.mul(mv).div(vv.sqrt().fma(invSqrtBias2, eps)));
                int lane = i & (SUM_OF_SQUARES_LANES - 1);
                pv.fma(pv, FloatVector.fromArray(SPECIES, pLanes, lane)).intoArray(pLanes, lane);
                u.fma(u, FloatVector.fromArray(SPECIES, uLanes, lane)).intoArray(uLanes, lane);
            }
            ScalarOptimizerKernels.lambMomentsOfBlock(p, pOff + b, g, gOff + b, m, mOff + b, v, vOff + b, bound, length,
                    c, pLanes, uLanes);
            ScalarOptimizerKernels.lambBlockSums(p, pOff + b, m, mOff + b, v, vOff + b, length, c, pLanes, uLanes,
                    sums, k);
        }
    }

    @Override
    public void lambUpdate(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, int n, LAMBCoefficients c,
                           float stepScale) {
        FloatVector invBias1 = FloatVector.broadcast(SPECIES, c.invBias1());
        FloatVector invSqrtBias2 = FloatVector.broadcast(SPECIES, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(SPECIES, c.eps());
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        FloatVector scale = FloatVector.broadcast(SPECIES, stepScale);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector mv = FloatVector.fromArray(SPECIES, m, mOff + i);
            FloatVector vv = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector u = weightDecay.fma(pv, invBias1.mul(mv).div(vv.sqrt().fma(invSqrtBias2, eps)));
            scale.fma(u, pv).intoArray(p, pOff + i);
        }
        TAIL.lambUpdate(p, pOff + i, m, mOff + i, v, vOff + i, n - i, c, stepScale);
    }

    /** As {@link #lambMoments}: lanes in two small arrays, the block's tail and sums the scalar kernel's. */
    @Override
    public void larsSumsOfSquares(float[] p, int pOff, float[] g, int gOff, int n, double[] sums, int sumsOff,
                                  LARSCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(SPECIES, c.weightDecay());
        LaneScratch scratch = LANE_SCRATCH.get();
        float[] pLanes = scratch.lanes;
        float[] uLanes = scratch.moreLanes;
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k += 2) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            Arrays.fill(pLanes, 0, SUM_OF_SQUARES_LANES, 0f);
            Arrays.fill(uLanes, 0f);
            int bound = SPECIES.loopBound(length);
            for (int i = 0; i < bound; i += LANES) {
                int at = b + i;
                FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + at);
                FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + at);
                FloatVector u = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
                int lane = i & (SUM_OF_SQUARES_LANES - 1);
                pv.fma(pv, FloatVector.fromArray(SPECIES, pLanes, lane)).intoArray(pLanes, lane);
                u.fma(u, FloatVector.fromArray(SPECIES, uLanes, lane)).intoArray(uLanes, lane);
            }
            ScalarOptimizerKernels.larsSquaresOfBlock(p, pOff + b, g, gOff + b, bound, length, c, pLanes, uLanes);
            ScalarOptimizerKernels.larsBlockSums(p, pOff + b, g, gOff + b, length, c, pLanes, uLanes, sums, k);
        }
    }

    // ---- Adafactor ----

    /** Float vectors per 32 lanes of Adafactor's sums: 8, 4 or 2 at 128, 256 or 512 bits. */
    private static final int ADAFACTOR_VECTORS = ADAFACTOR_LANES / LANES;

    /** The gradient as the kernels read it: {@code gradScale * clamp(g)}. */
    private static FloatVector scaledGradient(float[] g, int at, FloatVector gradScale, FloatVector gradClip,
                                              FloatVector negGradClip, boolean clipping) {
        FloatVector gv = FloatVector.fromArray(SPECIES, g, at);
        return gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
    }

    /**
     * Each row's 32 lanes live in {@code ADAFACTOR_VECTORS} vectors, {@code a0} for columns 0 to
     * {@code LANES - 1} of every 32, {@code a1} for the next {@code LANES}, and so on; the row's last
     * {@code cols % 32} columns go to the scalar kernel's lanes, which hold the vectors' lanes by then.
     * With {@code |gradScale| = 1} and no clamp the gradient is squared as it is (the sign does not
     * change {@code d * d}): one product fewer per element, the same bits.
     */
    @Override
    public void adafactorSquareSums(float[] g, int gOff, int rows, int cols, float[] rowSums, int rowOff,
                                    float[] colSums, int colOff, AdafactorCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        boolean plain = !clipping && Math.abs(c.gradScale()) == 1f;
        float[] lanes = LANE_SCRATCH.get().lanes;
        int bound = cols - cols % ADAFACTOR_LANES;
        for (int r = 0; r < rows; r++) {
            int row = gOff + r * cols;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector a4 = a0;
            FloatVector a5 = a0;
            FloatVector a6 = a0;
            FloatVector a7 = a0;
            for (int col = 0; col < bound; col += ADAFACTOR_LANES) {
                a0 = squareInto(g, row, colSums, colOff, col, a0, gradScale, gradClip, negGradClip, clipping, plain);
                a1 = squareInto(g, row, colSums, colOff, col + LANES, a1, gradScale, gradClip, negGradClip, clipping, plain);
                if (ADAFACTOR_VECTORS > 2) {
                    a2 = squareInto(g, row, colSums, colOff, col + 2 * LANES, a2, gradScale, gradClip, negGradClip,
                            clipping, plain);
                    a3 = squareInto(g, row, colSums, colOff, col + 3 * LANES, a3, gradScale, gradClip, negGradClip,
                            clipping, plain);
                }
                if (ADAFACTOR_VECTORS > 4) {
                    a4 = squareInto(g, row, colSums, colOff, col + 4 * LANES, a4, gradScale, gradClip, negGradClip,
                            clipping, plain);
                    a5 = squareInto(g, row, colSums, colOff, col + 5 * LANES, a5, gradScale, gradClip, negGradClip,
                            clipping, plain);
                    a6 = squareInto(g, row, colSums, colOff, col + 6 * LANES, a6, gradScale, gradClip, negGradClip,
                            clipping, plain);
                    a7 = squareInto(g, row, colSums, colOff, col + 7 * LANES, a7, gradScale, gradClip, negGradClip,
                            clipping, plain);
                }
            }
            storeLanes(lanes, 0, a0, a1, a2, a3, a4, a5, a6, a7);
            ScalarOptimizerKernels.squareSumsOfRow(g, row, bound, cols, lanes, colSums, colOff, c);
            rowSums[rowOff + r] = (float) ScalarOptimizerKernels.laneSum(lanes);
        }
    }

    /** One vector of a row: its squares added to its lanes {@code acc} and to its columns' sums. */
    private static FloatVector squareInto(float[] g, int row, float[] colSums, int colOff, int col, FloatVector acc,
                                          FloatVector gradScale, FloatVector gradClip, FloatVector negGradClip,
                                          boolean clipping, boolean plain) {
        FloatVector d = plain ? FloatVector.fromArray(SPECIES, g, row + col)
                : scaledGradient(g, row + col, gradScale, gradClip, negGradClip, clipping);
        d.fma(d, FloatVector.fromArray(SPECIES, colSums, colOff + col)).intoArray(colSums, colOff + col);
        return d.fma(d, acc);
    }

    /** Writes the {@code ADAFACTOR_VECTORS} lane vectors into {@code lanes[from, from + 32)}. */
    private static void storeLanes(float[] lanes, int from, FloatVector a0, FloatVector a1, FloatVector a2,
                                   FloatVector a3, FloatVector a4, FloatVector a5, FloatVector a6, FloatVector a7) {
        a0.intoArray(lanes, from);
        a1.intoArray(lanes, from + LANES);
        if (ADAFACTOR_VECTORS > 2) {
            a2.intoArray(lanes, from + 2 * LANES);
            a3.intoArray(lanes, from + 3 * LANES);
        }
        if (ADAFACTOR_VECTORS > 4) {
            a4.intoArray(lanes, from + 4 * LANES);
            a5.intoArray(lanes, from + 5 * LANES);
            a6.intoArray(lanes, from + 6 * LANES);
            a7.intoArray(lanes, from + 7 * LANES);
        }
    }

    /**
     * Each row's elements are added to lanes that carry over from row to row, held in registers as
     * {@code a0..a7} (the parameter's squares) and {@code b0..b7} (the update's), as many as 32 lanes
     * need. A row with a scalar tail ({@code cols % 32 > 0}) writes them to the lanes array before the
     * tail adds to it and reads them back after, so every lane receives its elements in the scalar
     * kernel's order. A row that needs no min ({@link #uncapped}) with {@code |gradScale| = 1} and no
     * clamp skips the min and the scaling (the sign of {@code u} does not change {@code u * u}): the
     * same bits.
     */
    @Override
    public void adafactorFactoredSquares(float[] p, int pOff, float[] g, int gOff, int rows, int cols, float[] rowScale,
                                         int rowOff, float[] colScale, int colOff, double[] sums, int sumsOff,
                                         AdafactorCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector cap = FloatVector.broadcast(SPECIES, c.invEps1());
        boolean plain = !clipping && Math.abs(c.gradScale()) == 1f;
        float largestColumn = plain ? largest(colScale, colOff, cols) : Float.NaN;
        float[] lanes = LANE_SCRATCH.get().lanes;
        int bound = cols - cols % ADAFACTOR_LANES;
        int u = ADAFACTOR_LANES;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES);
        FloatVector a5 = FloatVector.zero(SPECIES);
        FloatVector a6 = FloatVector.zero(SPECIES);
        FloatVector a7 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.zero(SPECIES);
        FloatVector b1 = FloatVector.zero(SPECIES);
        FloatVector b2 = FloatVector.zero(SPECIES);
        FloatVector b3 = FloatVector.zero(SPECIES);
        FloatVector b4 = FloatVector.zero(SPECIES);
        FloatVector b5 = FloatVector.zero(SPECIES);
        FloatVector b6 = FloatVector.zero(SPECIES);
        FloatVector b7 = FloatVector.zero(SPECIES);
        for (int r = 0; r < rows; r++) {
            int pRow = pOff + r * cols;
            int gRow = gOff + r * cols;
            FloatVector factor = FloatVector.broadcast(SPECIES, rowScale[rowOff + r]);
            if (plain && uncapped(rowScale[rowOff + r], largestColumn, c)) {
                for (int col = 0; col < bound; col += ADAFACTOR_LANES) {
                    FloatVector x0 = FloatVector.fromArray(SPECIES, p, pRow + col);
                    FloatVector d0 = FloatVector.fromArray(SPECIES, g, gRow + col);
                    FloatVector u0 = d0.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col)));
                    a0 = x0.fma(x0, a0);
                    b0 = u0.fma(u0, b0);
                    FloatVector x1 = FloatVector.fromArray(SPECIES, p, pRow + col + LANES);
                    FloatVector d1 = FloatVector.fromArray(SPECIES, g, gRow + col + LANES);
                    FloatVector u1 = d1.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + LANES)));
                    a1 = x1.fma(x1, a1);
                    b1 = u1.fma(u1, b1);
                    if (ADAFACTOR_VECTORS > 2) {
                        FloatVector x2 = FloatVector.fromArray(SPECIES, p, pRow + col + 2 * LANES);
                        FloatVector d2 = FloatVector.fromArray(SPECIES, g, gRow + col + 2 * LANES);
                        FloatVector u2 = d2.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 2 * LANES)));
                        a2 = x2.fma(x2, a2);
                        b2 = u2.fma(u2, b2);
                        FloatVector x3 = FloatVector.fromArray(SPECIES, p, pRow + col + 3 * LANES);
                        FloatVector d3 = FloatVector.fromArray(SPECIES, g, gRow + col + 3 * LANES);
                        FloatVector u3 = d3.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 3 * LANES)));
                        a3 = x3.fma(x3, a3);
                        b3 = u3.fma(u3, b3);
                    }
                    if (ADAFACTOR_VECTORS > 4) {
                        FloatVector x4 = FloatVector.fromArray(SPECIES, p, pRow + col + 4 * LANES);
                        FloatVector d4 = FloatVector.fromArray(SPECIES, g, gRow + col + 4 * LANES);
                        FloatVector u4 = d4.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 4 * LANES)));
                        a4 = x4.fma(x4, a4);
                        b4 = u4.fma(u4, b4);
                        FloatVector x5 = FloatVector.fromArray(SPECIES, p, pRow + col + 5 * LANES);
                        FloatVector d5 = FloatVector.fromArray(SPECIES, g, gRow + col + 5 * LANES);
                        FloatVector u5 = d5.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 5 * LANES)));
                        a5 = x5.fma(x5, a5);
                        b5 = u5.fma(u5, b5);
                        FloatVector x6 = FloatVector.fromArray(SPECIES, p, pRow + col + 6 * LANES);
                        FloatVector d6 = FloatVector.fromArray(SPECIES, g, gRow + col + 6 * LANES);
                        FloatVector u6 = d6.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 6 * LANES)));
                        a6 = x6.fma(x6, a6);
                        b6 = u6.fma(u6, b6);
                        FloatVector x7 = FloatVector.fromArray(SPECIES, p, pRow + col + 7 * LANES);
                        FloatVector d7 = FloatVector.fromArray(SPECIES, g, gRow + col + 7 * LANES);
                        FloatVector u7 = d7.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 7 * LANES)));
                        a7 = x7.fma(x7, a7);
                        b7 = u7.fma(u7, b7);
                    }
                }
            } else {
                for (int col = 0; col < bound; col += ADAFACTOR_LANES) {
                    FloatVector x0 = FloatVector.fromArray(SPECIES, p, pRow + col);
                    FloatVector d0 = scaledGradient(g, gRow + col, gradScale, gradClip, negGradClip, clipping);
                    FloatVector u0 = d0.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col)).min(cap));
                    a0 = x0.fma(x0, a0);
                    b0 = u0.fma(u0, b0);
                    FloatVector x1 = FloatVector.fromArray(SPECIES, p, pRow + col + LANES);
                    FloatVector d1 = scaledGradient(g, gRow + col + LANES, gradScale, gradClip, negGradClip, clipping);
                    FloatVector u1 = d1.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + LANES)).min(cap));
                    a1 = x1.fma(x1, a1);
                    b1 = u1.fma(u1, b1);
                    if (ADAFACTOR_VECTORS > 2) {
                        FloatVector x2 = FloatVector.fromArray(SPECIES, p, pRow + col + 2 * LANES);
                        FloatVector d2 = scaledGradient(g, gRow + col + 2 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u2 = d2.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 2 * LANES)).min(cap));
                        a2 = x2.fma(x2, a2);
                        b2 = u2.fma(u2, b2);
                        FloatVector x3 = FloatVector.fromArray(SPECIES, p, pRow + col + 3 * LANES);
                        FloatVector d3 = scaledGradient(g, gRow + col + 3 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u3 = d3.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 3 * LANES)).min(cap));
                        a3 = x3.fma(x3, a3);
                        b3 = u3.fma(u3, b3);
                    }
                    if (ADAFACTOR_VECTORS > 4) {
                        FloatVector x4 = FloatVector.fromArray(SPECIES, p, pRow + col + 4 * LANES);
                        FloatVector d4 = scaledGradient(g, gRow + col + 4 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u4 = d4.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 4 * LANES)).min(cap));
                        a4 = x4.fma(x4, a4);
                        b4 = u4.fma(u4, b4);
                        FloatVector x5 = FloatVector.fromArray(SPECIES, p, pRow + col + 5 * LANES);
                        FloatVector d5 = scaledGradient(g, gRow + col + 5 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u5 = d5.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 5 * LANES)).min(cap));
                        a5 = x5.fma(x5, a5);
                        b5 = u5.fma(u5, b5);
                        FloatVector x6 = FloatVector.fromArray(SPECIES, p, pRow + col + 6 * LANES);
                        FloatVector d6 = scaledGradient(g, gRow + col + 6 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u6 = d6.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 6 * LANES)).min(cap));
                        a6 = x6.fma(x6, a6);
                        b6 = u6.fma(u6, b6);
                        FloatVector x7 = FloatVector.fromArray(SPECIES, p, pRow + col + 7 * LANES);
                        FloatVector d7 = scaledGradient(g, gRow + col + 7 * LANES, gradScale, gradClip, negGradClip, clipping);
                        FloatVector u7 = d7.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col + 7 * LANES)).min(cap));
                        a7 = x7.fma(x7, a7);
                        b7 = u7.fma(u7, b7);
                    }
                }
            }
            if (bound < cols) {
                a0.intoArray(lanes, 0);
                b0.intoArray(lanes, u);
                a1.intoArray(lanes, LANES);
                b1.intoArray(lanes, u + LANES);
                if (ADAFACTOR_VECTORS > 2) {
                    a2.intoArray(lanes, 2 * LANES);
                    b2.intoArray(lanes, u + 2 * LANES);
                    a3.intoArray(lanes, 3 * LANES);
                    b3.intoArray(lanes, u + 3 * LANES);
                }
                if (ADAFACTOR_VECTORS > 4) {
                    a4.intoArray(lanes, 4 * LANES);
                    b4.intoArray(lanes, u + 4 * LANES);
                    a5.intoArray(lanes, 5 * LANES);
                    b5.intoArray(lanes, u + 5 * LANES);
                    a6.intoArray(lanes, 6 * LANES);
                    b6.intoArray(lanes, u + 6 * LANES);
                    a7.intoArray(lanes, 7 * LANES);
                    b7.intoArray(lanes, u + 7 * LANES);
                }
                ScalarOptimizerKernels.factoredSquaresOfRow(p, pRow, g, gRow, bound, cols, rowScale[rowOff + r], colScale,
                        colOff, lanes, c);
                a0 = FloatVector.fromArray(SPECIES, lanes, 0);
                b0 = FloatVector.fromArray(SPECIES, lanes, u);
                a1 = FloatVector.fromArray(SPECIES, lanes, LANES);
                b1 = FloatVector.fromArray(SPECIES, lanes, u + LANES);
                if (ADAFACTOR_VECTORS > 2) {
                    a2 = FloatVector.fromArray(SPECIES, lanes, 2 * LANES);
                    b2 = FloatVector.fromArray(SPECIES, lanes, u + 2 * LANES);
                    a3 = FloatVector.fromArray(SPECIES, lanes, 3 * LANES);
                    b3 = FloatVector.fromArray(SPECIES, lanes, u + 3 * LANES);
                }
                if (ADAFACTOR_VECTORS > 4) {
                    a4 = FloatVector.fromArray(SPECIES, lanes, 4 * LANES);
                    b4 = FloatVector.fromArray(SPECIES, lanes, u + 4 * LANES);
                    a5 = FloatVector.fromArray(SPECIES, lanes, 5 * LANES);
                    b5 = FloatVector.fromArray(SPECIES, lanes, u + 5 * LANES);
                    a6 = FloatVector.fromArray(SPECIES, lanes, 6 * LANES);
                    b6 = FloatVector.fromArray(SPECIES, lanes, u + 6 * LANES);
                    a7 = FloatVector.fromArray(SPECIES, lanes, 7 * LANES);
                    b7 = FloatVector.fromArray(SPECIES, lanes, u + 7 * LANES);
                }
            }
        }
        a0.intoArray(lanes, 0);
        b0.intoArray(lanes, u);
        a1.intoArray(lanes, LANES);
        b1.intoArray(lanes, u + LANES);
        if (ADAFACTOR_VECTORS > 2) {
            a2.intoArray(lanes, 2 * LANES);
            b2.intoArray(lanes, u + 2 * LANES);
            a3.intoArray(lanes, 3 * LANES);
            b3.intoArray(lanes, u + 3 * LANES);
        }
        if (ADAFACTOR_VECTORS > 4) {
            a4.intoArray(lanes, 4 * LANES);
            b4.intoArray(lanes, u + 4 * LANES);
            a5.intoArray(lanes, 5 * LANES);
            b5.intoArray(lanes, u + 5 * LANES);
            a6.intoArray(lanes, 6 * LANES);
            b6.intoArray(lanes, u + 6 * LANES);
            a7.intoArray(lanes, 7 * LANES);
            b7.intoArray(lanes, u + 7 * LANES);
        }
        ScalarOptimizerKernels.storeSums(lanes, sums, sumsOff);
    }

    /**
     * A row whose products {@code rowScale * colScale} all stay at or below {@code 1 / eps1} needs no
     * min ({@link #uncapped}); with {@code |gradScale| = 1}, no clamp and no first moment, the
     * gradient's sign moves into the step (exact: only signs change), so such a row costs three
     * products and an fma per element, the same bits as the general loop.
     */
    @Override
    public void adafactorFactoredUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int rows,
                                        int cols, float[] rowScale, int rowOff, float[] colScale, int colOff,
                                        float stepSize, AdafactorCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector cap = FloatVector.broadcast(SPECIES, c.invEps1());
        FloatVector step = FloatVector.broadcast(SPECIES, stepSize);
        FloatVector negStep = FloatVector.broadcast(SPECIES, -stepSize);
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        boolean plain = m == null && !clipping && Math.abs(c.gradScale()) == 1f;
        FloatVector negSignedStep = FloatVector.broadcast(SPECIES, -stepSize * c.gradScale());
        float largestColumn = plain ? largest(colScale, colOff, cols) : Float.NaN;
        int bound = SPECIES.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int pRow = pOff + r * cols;
            int gRow = gOff + r * cols;
            int mRow = m == null ? 0 : mOff + r * cols;
            FloatVector factor = FloatVector.broadcast(SPECIES, rowScale[rowOff + r]);
            if (plain && uncapped(rowScale[rowOff + r], largestColumn, c)) {
                for (int col = 0; col < bound; col += LANES) {
                    FloatVector pv = FloatVector.fromArray(SPECIES, p, pRow + col);
                    FloatVector u = FloatVector.fromArray(SPECIES, g, gRow + col)
                            .mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col)));
                    negSignedStep.fma(u, paramScale.mul(pv)).intoArray(p, pRow + col);
                }
            } else {
                for (int col = 0; col < bound; col += LANES) {
                    FloatVector pv = FloatVector.fromArray(SPECIES, p, pRow + col);
                    FloatVector d = scaledGradient(g, gRow + col, gradScale, gradClip, negGradClip, clipping);
                    FloatVector u = d.mul(factor.mul(FloatVector.fromArray(SPECIES, colScale, colOff + col)).min(cap));
                    if (m == null) {
                        negStep.fma(u, paramScale.mul(pv)).intoArray(p, pRow + col);
                    } else {
                        FloatVector mv = oneMinusBeta1.fma(step.mul(u),
                                beta1.mul(FloatVector.fromArray(SPECIES, m, mRow + col)));
                        mv.intoArray(m, mRow + col);
                        paramScale.mul(pv).sub(mv).intoArray(p, pRow + col);
                    }
                }
            }
            ScalarOptimizerKernels.factoredUpdateOfRow(p, pRow, g, gRow, m, mRow, bound, cols, rowScale[rowOff + r],
                    colScale, colOff, stepSize, c);
        }
    }

    /**
     * Whether {@code min(rowScale * colScale, invEps1)} is {@code rowScale * colScale} for every column
     * of a row: for {@code rowScale >= 0} a rounded product grows with {@code colScale}, so the row's
     * largest product is {@code rowScale * largestColumn}; a NaN anywhere answers false (the general loop).
     */
    private static boolean uncapped(float rowScale, float largestColumn, AdafactorCoefficients c) {
        return rowScale >= 0f && rowScale * largestColumn <= c.invEps1();
    }

    /** The largest of {@code a[off, off + n)}, NaN if any is (Math.max's rule); negative infinity for none. */
    private static float largest(float[] a, int off, int n) {
        FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            acc = acc.max(FloatVector.fromArray(SPECIES, a, off + i));
        }
        float max = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, a[off + i]);
        }
        return max;
    }

    /** As {@link #adafactorFactoredSquares}, over one run of elements, the second moment moving first. */
    @Override
    public void adafactorVectorSquares(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, int n,
                                       double[] sums, int sumsOff, AdafactorCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector floor = FloatVector.broadcast(SPECIES, c.eps1Squared());
        FloatVector weight = FloatVector.broadcast(SPECIES, c.weight());
        FloatVector complement = FloatVector.broadcast(SPECIES, c.complement());
        boolean fromStart = Math.abs(c.weight()) < 0.5f;
        float[] lanes = LANE_SCRATCH.get().lanes;
        int bound = n - n % ADAFACTOR_LANES;
        int u = ADAFACTOR_LANES;
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES);
        FloatVector a5 = FloatVector.zero(SPECIES);
        FloatVector a6 = FloatVector.zero(SPECIES);
        FloatVector a7 = FloatVector.zero(SPECIES);
        FloatVector b0 = FloatVector.zero(SPECIES);
        FloatVector b1 = FloatVector.zero(SPECIES);
        FloatVector b2 = FloatVector.zero(SPECIES);
        FloatVector b3 = FloatVector.zero(SPECIES);
        FloatVector b4 = FloatVector.zero(SPECIES);
        FloatVector b5 = FloatVector.zero(SPECIES);
        FloatVector b6 = FloatVector.zero(SPECIES);
        FloatVector b7 = FloatVector.zero(SPECIES);
        for (int i = 0; i < bound; i += ADAFACTOR_LANES) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector d0 = scaledGradient(g, gOff + i, gradScale, gradClip, negGradClip, clipping);
            FloatVector s0 = d0.mul(d0);
            FloatVector o0 = FloatVector.fromArray(SPECIES, v, vOff + i);
            FloatVector v0 = fromStart ? weight.fma(s0.sub(o0), o0) : o0.sub(s0).fma(complement, s0);
            v0.intoArray(v, vOff + i);
            FloatVector u0 = d0.div(v0.max(floor).sqrt());
            a0 = x0.fma(x0, a0);
            b0 = u0.fma(u0, b0);
            FloatVector x1 = FloatVector.fromArray(SPECIES, p, pOff + i + LANES);
            FloatVector d1 = scaledGradient(g, gOff + i + LANES, gradScale, gradClip, negGradClip, clipping);
            FloatVector s1 = d1.mul(d1);
            FloatVector o1 = FloatVector.fromArray(SPECIES, v, vOff + i + LANES);
            FloatVector v1 = fromStart ? weight.fma(s1.sub(o1), o1) : o1.sub(s1).fma(complement, s1);
            v1.intoArray(v, vOff + i + LANES);
            FloatVector u1 = d1.div(v1.max(floor).sqrt());
            a1 = x1.fma(x1, a1);
            b1 = u1.fma(u1, b1);
            if (ADAFACTOR_VECTORS > 2) {
                FloatVector x2 = FloatVector.fromArray(SPECIES, p, pOff + i + 2 * LANES);
                FloatVector d2 = scaledGradient(g, gOff + i + 2 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s2 = d2.mul(d2);
                FloatVector o2 = FloatVector.fromArray(SPECIES, v, vOff + i + 2 * LANES);
                FloatVector v2 = fromStart ? weight.fma(s2.sub(o2), o2) : o2.sub(s2).fma(complement, s2);
                v2.intoArray(v, vOff + i + 2 * LANES);
                FloatVector u2 = d2.div(v2.max(floor).sqrt());
                a2 = x2.fma(x2, a2);
                b2 = u2.fma(u2, b2);
                FloatVector x3 = FloatVector.fromArray(SPECIES, p, pOff + i + 3 * LANES);
                FloatVector d3 = scaledGradient(g, gOff + i + 3 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s3 = d3.mul(d3);
                FloatVector o3 = FloatVector.fromArray(SPECIES, v, vOff + i + 3 * LANES);
                FloatVector v3 = fromStart ? weight.fma(s3.sub(o3), o3) : o3.sub(s3).fma(complement, s3);
                v3.intoArray(v, vOff + i + 3 * LANES);
                FloatVector u3 = d3.div(v3.max(floor).sqrt());
                a3 = x3.fma(x3, a3);
                b3 = u3.fma(u3, b3);
            }
            if (ADAFACTOR_VECTORS > 4) {
                FloatVector x4 = FloatVector.fromArray(SPECIES, p, pOff + i + 4 * LANES);
                FloatVector d4 = scaledGradient(g, gOff + i + 4 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s4 = d4.mul(d4);
                FloatVector o4 = FloatVector.fromArray(SPECIES, v, vOff + i + 4 * LANES);
                FloatVector v4 = fromStart ? weight.fma(s4.sub(o4), o4) : o4.sub(s4).fma(complement, s4);
                v4.intoArray(v, vOff + i + 4 * LANES);
                FloatVector u4 = d4.div(v4.max(floor).sqrt());
                a4 = x4.fma(x4, a4);
                b4 = u4.fma(u4, b4);
                FloatVector x5 = FloatVector.fromArray(SPECIES, p, pOff + i + 5 * LANES);
                FloatVector d5 = scaledGradient(g, gOff + i + 5 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s5 = d5.mul(d5);
                FloatVector o5 = FloatVector.fromArray(SPECIES, v, vOff + i + 5 * LANES);
                FloatVector v5 = fromStart ? weight.fma(s5.sub(o5), o5) : o5.sub(s5).fma(complement, s5);
                v5.intoArray(v, vOff + i + 5 * LANES);
                FloatVector u5 = d5.div(v5.max(floor).sqrt());
                a5 = x5.fma(x5, a5);
                b5 = u5.fma(u5, b5);
                FloatVector x6 = FloatVector.fromArray(SPECIES, p, pOff + i + 6 * LANES);
                FloatVector d6 = scaledGradient(g, gOff + i + 6 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s6 = d6.mul(d6);
                FloatVector o6 = FloatVector.fromArray(SPECIES, v, vOff + i + 6 * LANES);
                FloatVector v6 = fromStart ? weight.fma(s6.sub(o6), o6) : o6.sub(s6).fma(complement, s6);
                v6.intoArray(v, vOff + i + 6 * LANES);
                FloatVector u6 = d6.div(v6.max(floor).sqrt());
                a6 = x6.fma(x6, a6);
                b6 = u6.fma(u6, b6);
                FloatVector x7 = FloatVector.fromArray(SPECIES, p, pOff + i + 7 * LANES);
                FloatVector d7 = scaledGradient(g, gOff + i + 7 * LANES, gradScale, gradClip, negGradClip, clipping);
                FloatVector s7 = d7.mul(d7);
                FloatVector o7 = FloatVector.fromArray(SPECIES, v, vOff + i + 7 * LANES);
                FloatVector v7 = fromStart ? weight.fma(s7.sub(o7), o7) : o7.sub(s7).fma(complement, s7);
                v7.intoArray(v, vOff + i + 7 * LANES);
                FloatVector u7 = d7.div(v7.max(floor).sqrt());
                a7 = x7.fma(x7, a7);
                b7 = u7.fma(u7, b7);
            }
        }
        a0.intoArray(lanes, 0);
        b0.intoArray(lanes, u);
        a1.intoArray(lanes, LANES);
        b1.intoArray(lanes, u + LANES);
        if (ADAFACTOR_VECTORS > 2) {
            a2.intoArray(lanes, 2 * LANES);
            b2.intoArray(lanes, u + 2 * LANES);
            a3.intoArray(lanes, 3 * LANES);
            b3.intoArray(lanes, u + 3 * LANES);
        }
        if (ADAFACTOR_VECTORS > 4) {
            a4.intoArray(lanes, 4 * LANES);
            b4.intoArray(lanes, u + 4 * LANES);
            a5.intoArray(lanes, 5 * LANES);
            b5.intoArray(lanes, u + 5 * LANES);
            a6.intoArray(lanes, 6 * LANES);
            b6.intoArray(lanes, u + 6 * LANES);
            a7.intoArray(lanes, 7 * LANES);
            b7.intoArray(lanes, u + 7 * LANES);
        }
        ScalarOptimizerKernels.vectorSquares(p, pOff, g, gOff, v, vOff, bound, n, lanes, c);
        ScalarOptimizerKernels.storeSums(lanes, sums, sumsOff);
    }

    @Override
    public void adafactorVectorUpdate(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] m,
                                      int mOff, int n, float stepSize, AdafactorCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector floor = FloatVector.broadcast(SPECIES, c.eps1Squared());
        FloatVector step = FloatVector.broadcast(SPECIES, stepSize);
        FloatVector negStep = FloatVector.broadcast(SPECIES, -stepSize);
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(SPECIES, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(SPECIES, c.oneMinusBeta1());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            FloatVector d = scaledGradient(g, gOff + i, gradScale, gradClip, negGradClip, clipping);
            FloatVector u = d.div(FloatVector.fromArray(SPECIES, v, vOff + i).max(floor).sqrt());
            if (m == null) {
                negStep.fma(u, paramScale.mul(pv)).intoArray(p, pOff + i);
            } else {
                FloatVector mv = oneMinusBeta1.fma(step.mul(u), beta1.mul(FloatVector.fromArray(SPECIES, m, mOff + i)));
                mv.intoArray(m, mOff + i);
                paramScale.mul(pv).sub(mv).intoArray(p, pOff + i);
            }
        }
        TAIL.adafactorVectorUpdate(p, pOff + i, g, gOff + i, v, vOff + i, m, m == null ? 0 : mOff + i, n - i, stepSize, c);
    }

    // ---- Muon ----

    @Override
    public void muonMomentum(float[] g, int gOff, float[] buf, int bufOff, float[] u, int uOff, int n,
                             MuonCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(SPECIES, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(SPECIES, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(SPECIES, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector w = FloatVector.broadcast(SPECIES, c.momentumWeight());
        FloatVector wc = FloatVector.broadcast(SPECIES, c.momentumComplement());
        boolean bufFromStart = Math.abs(c.momentumWeight()) < 0.5f;
        FloatVector mu = FloatVector.broadcast(SPECIES, c.nesterovWeight());
        FloatVector muc = FloatVector.broadcast(SPECIES, c.nesterovComplement());
        boolean nesterovFromStart = Math.abs(c.nesterovWeight()) < 0.5f;
        boolean nesterov = c.nesterov();
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector d = scaledGradient(g, gOff + i, gradScale, gradClip, negGradClip, clipping);
            FloatVector b = lerp(FloatVector.fromArray(SPECIES, buf, bufOff + i), d, w, wc, bufFromStart);
            b.intoArray(buf, bufOff + i);
            (nesterov ? lerp(d, b, mu, muc, nesterovFromStart) : b).intoArray(u, uOff + i);
        }
        TAIL.muonMomentum(g, gOff + i, buf, bufOff + i, u, uOff + i, n - i, c);
    }

    /** ATen's lerp on every lane, in the form {@code fromStart} picks (|weight| below one half). */
    private static FloatVector lerp(FloatVector from, FloatVector to, FloatVector weight, FloatVector complement,
                                    boolean fromStart) {
        return fromStart ? weight.fma(to.sub(from), from) : from.sub(to).fma(complement, to);
    }

    @Override
    public void muonApply(float[] p, int pOff, float[] o, int oOff, int n, MuonCoefficients c) {
        FloatVector negLr = FloatVector.broadcast(SPECIES, c.negAdjustedLr());
        FloatVector paramScale = FloatVector.broadcast(SPECIES, c.paramScale());
        int bound = SPECIES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector pv = FloatVector.fromArray(SPECIES, p, pOff + i);
            negLr.fma(FloatVector.fromArray(SPECIES, o, oOff + i), paramScale.mul(pv)).intoArray(p, pOff + i);
        }
        TAIL.muonApply(p, pOff + i, o, oOff + i, n - i, c);
    }

    /**
     * The scalar kernel's tiles, with four rows of {@code C} and two vectors of columns held in
     * registers over a tile's inner products (each {@code B} vector loaded once for four rows); the
     * columns past the last whole vector are the scalar kernel's.
     */
    @Override
    public void matmulAdd(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m,
                          int k, int n, float alpha) {
        for (int p0 = 0; p0 < k; p0 += ScalarOptimizerKernels.MATMUL_TILE_K) {
            int p1 = Math.min(k, p0 + ScalarOptimizerKernels.MATMUL_TILE_K);
            for (int j0 = 0; j0 < n; j0 += ScalarOptimizerKernels.MATMUL_TILE_N) {
                int j1 = Math.min(n, j0 + ScalarOptimizerKernels.MATMUL_TILE_N);
                int jVec = j0 + SPECIES.loopBound(j1 - j0);
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    fourRows(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha, i, p0, p1, j0, jVec);
                    for (int r = 0; r < 4; r++) {
                        ScalarOptimizerKernels.matmulRow(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha, i + r,
                                p0, p1, jVec, j1);
                    }
                }
                for (; i < m; i++) {
                    oneRow(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha, i, p0, p1, j0, jVec);
                    ScalarOptimizerKernels.matmulRow(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha, i, p0, p1,
                            jVec, j1);
                }
            }
        }
    }

    /** {@code alpha * A[i][p]}, rounded once as the scalar kernel rounds it. */
    private static float scaledA(boolean transposeA, float[] a, int aOff, int m, int k, float alpha, int i, int p) {
        return alpha * (transposeA ? a[aOff + p * m + i] : a[aOff + i * k + p]);
    }

    /** Rows {@code i..i+3}, whole vectors of columns {@code [j0, jVec)}, inner products {@code [p0, p1)}. */
    private static void fourRows(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                 int m, int k, int n, float alpha, int i, int p0, int p1, int j0, int jVec) {
        int r0 = cOff + i * n;
        int r1 = r0 + n;
        int r2 = r1 + n;
        int r3 = r2 + n;
        int j = j0;
        for (; j + 2 * LANES <= jVec; j += 2 * LANES) {
            int j2 = j + LANES;
            FloatVector c00 = FloatVector.fromArray(SPECIES, c, r0 + j);
            FloatVector c01 = FloatVector.fromArray(SPECIES, c, r0 + j2);
            FloatVector c10 = FloatVector.fromArray(SPECIES, c, r1 + j);
            FloatVector c11 = FloatVector.fromArray(SPECIES, c, r1 + j2);
            FloatVector c20 = FloatVector.fromArray(SPECIES, c, r2 + j);
            FloatVector c21 = FloatVector.fromArray(SPECIES, c, r2 + j2);
            FloatVector c30 = FloatVector.fromArray(SPECIES, c, r3 + j);
            FloatVector c31 = FloatVector.fromArray(SPECIES, c, r3 + j2);
            for (int p = p0; p < p1; p++) {
                int bRow = bOff + p * n;
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bRow + j);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bRow + j2);
                FloatVector s0 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i, p));
                FloatVector s1 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 1, p));
                FloatVector s2 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 2, p));
                FloatVector s3 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 3, p));
                c00 = s0.fma(b0, c00);
                c01 = s0.fma(b1, c01);
                c10 = s1.fma(b0, c10);
                c11 = s1.fma(b1, c11);
                c20 = s2.fma(b0, c20);
                c21 = s2.fma(b1, c21);
                c30 = s3.fma(b0, c30);
                c31 = s3.fma(b1, c31);
            }
            c00.intoArray(c, r0 + j);
            c01.intoArray(c, r0 + j2);
            c10.intoArray(c, r1 + j);
            c11.intoArray(c, r1 + j2);
            c20.intoArray(c, r2 + j);
            c21.intoArray(c, r2 + j2);
            c30.intoArray(c, r3 + j);
            c31.intoArray(c, r3 + j2);
        }
        for (; j < jVec; j += LANES) {
            FloatVector c0 = FloatVector.fromArray(SPECIES, c, r0 + j);
            FloatVector c1 = FloatVector.fromArray(SPECIES, c, r1 + j);
            FloatVector c2 = FloatVector.fromArray(SPECIES, c, r2 + j);
            FloatVector c3 = FloatVector.fromArray(SPECIES, c, r3 + j);
            for (int p = p0; p < p1; p++) {
                FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + p * n + j);
                c0 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i, p)).fma(bv, c0);
                c1 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 1, p)).fma(bv, c1);
                c2 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 2, p)).fma(bv, c2);
                c3 = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i + 3, p)).fma(bv, c3);
            }
            c0.intoArray(c, r0 + j);
            c1.intoArray(c, r1 + j);
            c2.intoArray(c, r2 + j);
            c3.intoArray(c, r3 + j);
        }
    }

    /** Row {@code i}, whole vectors of columns {@code [j0, jVec)}, inner products {@code [p0, p1)}. */
    private static void oneRow(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                               int m, int k, int n, float alpha, int i, int p0, int p1, int j0, int jVec) {
        int row = cOff + i * n;
        for (int j = j0; j < jVec; j += LANES) {
            FloatVector acc = FloatVector.fromArray(SPECIES, c, row + j);
            for (int p = p0; p < p1; p++) {
                FloatVector bv = FloatVector.fromArray(SPECIES, b, bOff + p * n + j);
                acc = FloatVector.broadcast(SPECIES, scaledA(transposeA, a, aOff, m, k, alpha, i, p)).fma(bv, acc);
            }
            acc.intoArray(c, row + j);
        }
    }
}
