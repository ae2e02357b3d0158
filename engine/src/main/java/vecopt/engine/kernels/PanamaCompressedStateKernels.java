package vecopt.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarCompressedStateKernels}' operations, in the same order, on vectors of the width
 * {@link PanamaOptimizerKernels} uses; each tail is the scalar code itself.
 *
 * <p>bfloat16 moments are widened by a shift of their 16 bits into the upper half of an int lane and
 * narrowed by an integer add (the rounding increment, or the random bits) and a shift back, with NaN
 * lanes blended in as the scalar code makes them; stochastic rounding's random bits are drawn a
 * stretch ahead into an int array. 8-bit codes are decoded a block at a time, in registers where the
 * hardware has 512-bit vectors: as four byte planes looked up 64 codes at a time where it has byte
 * permutes (AVX-512 VBMI), else as 16 vectors of the values' bits (eight two-vector lookups and a
 * blend tree per 16 codes); elsewhere by a plain table loop. They are encoded to the codes the scalar binary
 * search over the 255 midpoints finds: where the hardware has 512-bit vectors by arithmetic with
 * in-register tables ({@link QuantizationRegions}), a block whose values it cannot all vouch for
 * again by one gather per vector from a table of 23 KiB ({@link QuantizationLookup}), as everywhere
 * else. The blocks' float32 values go through per-thread buffers, so no call allocates.
 *
 * <p>No vector crosses a call C2 might not inline: every loop that does vector work is small enough to
 * be compiled whole, or a vector passed out of line is boxed (a 5x slowdown seen in the first runs).
 */
final class PanamaCompressedStateKernels implements CompressedStateKernels {

    /**
     * The width of a rule that prefers 512 bits ({@link OptimizerKernelsProvider#widthFor}: 512 bits on
     * 512-bit hardware, else the default width), or the width {@code -Dvecopt.vectorBitSize} forces:
     * the conversions to and from bfloat16 made the 1-thread bf16 Adam step compute-bound at 256 bits on
     * the Zen 5 test machine (16Mi: 8.6 ms at 256 bits, 7.5 to 7.9 at 512; docs/storage.md, "Width of
     * the compressed-state kernels").
     */
    private static final VectorSpecies<Float> F = KernelSettings.REQUESTED_BIT_SIZE > 0
            ? PanamaOptimizerKernels.species()
            : PanamaOptimizerKernels.species().withShape(VectorShape.forBitSize(OptimizerKernelsProvider.widthFor(
                    512, PanamaOptimizerKernels.preferredBitSize(), PanamaOptimizerKernels.species().vectorBitSize())));
    private static final int LANES = F.length();
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final VectorSpecies<Long> L = F.withLanes(long.class);
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    static final float[] SIGNED_VALUES = ScalarCompressedStateKernels.SIGNED.values();
    static final int[] SIGNED_BITS = floatBits(SIGNED_VALUES);
    static final int[] SIGNED_PACKED = new QuantizationLookup(ScalarCompressedStateKernels.SIGNED).packed();
    static final float[] UNSIGNED_VALUES = ScalarCompressedStateKernels.UNSIGNED.values();
    static final int[] UNSIGNED_BITS = floatBits(UNSIGNED_VALUES);
    static final int[] UNSIGNED_PACKED = new QuantizationLookup(ScalarCompressedStateKernels.UNSIGNED).packed();
    static final QuantizationRegions SIGNED_REGIONS = new QuantizationRegions(ScalarCompressedStateKernels.SIGNED);
    static final QuantizationRegions UNSIGNED_REGIONS = new QuantizationRegions(ScalarCompressedStateKernels.UNSIGNED);
    /**
     * Whether the 8-bit codec runs 512-bit vectors, whatever the kernels' own width: decoding and
     * encoding are passes of their own over a block's buffer. At 512 bits the 256 values fit 16
     * registers; at 256 they would take 32 and twice the lookups per code, no faster than the table loop.
     */
    static final boolean WIDE_CODEC = PanamaOptimizerKernels.preferredBitSize() >= 512;
    private static final VectorSpecies<Integer> WIDE = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> WIDE_FLOATS = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> WIDE_CODES = ByteVector.SPECIES_128;
    /**
     * Whether decoding looks codes up in byte planes ({@link #decodeByPlanes}): 512-bit vectors and
     * AVX-512 VBMI's byte permutes, without which C2 runs a byte lookup in Java.
     */
    static final boolean BYTE_PLANES = WIDE_CODEC && CpuFlags.has("avx512vbmi");
    static final byte[] SIGNED_PLANES = bytePlanes(SIGNED_BITS);
    static final byte[] UNSIGNED_PLANES = bytePlanes(UNSIGNED_BITS);
    private static final VectorSpecies<Byte> WIDE_BYTES = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> WIDE_SHORTS = ShortVector.SPECIES_512;
    /** Lookup indices that pair byte planes {@code a} and {@code b} lane by lane, codes 0-31 and 32-63. */
    private static final byte[] PAIR_LOW_BYTES = pairing(32, 0);
    private static final byte[] PAIR_HIGH_BYTES = pairing(32, 32);
    /** The same for short planes, into ints: codes 0-15 and 16-31 of 32. */
    private static final short[] PAIR_LOW_SHORTS = shortPairing(16, 0);
    private static final short[] PAIR_HIGH_SHORTS = shortPairing(16, 16);
    /** The encoder's vectors: 512 bits where {@link #WIDE_CODEC}, else the kernels' own. */
    private static final VectorSpecies<Float> CODEC = WIDE_CODEC ? WIDE_FLOATS : F;
    private static final VectorSpecies<Integer> CODEC_INTS = CODEC.withLanes(int.class);
    /** Bytes as many as the encoder's lanes, or null at 128 bits (no 32-bit vectors): codes then go through {@code work}. */
    private static final VectorSpecies<Byte> CODEC_BYTES = CODEC.vectorBitSize() >= 256
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(CODEC.vectorBitSize() / 4)) : null;
    private static final ThreadLocal<Blocks> BLOCKS = ThreadLocal.withInitial(Blocks::new);
    private static final ScalarCompressedStateKernels TAIL = ScalarCompressedStateKernels.INSTANCE;

    /** Elements whose random bits are drawn at a time (8 KiB of ints, in L1). */
    private static final int RANDOM_BLOCK = 2048;

    /** {@code j * GAMMA} for each long lane {@code j}. */
    private static final long[] LANE_GAMMAS = laneGammas();

    PanamaCompressedStateKernels() {
        if (S.length() != LANES || L.length() * 2 != LANES) {
            throw new UnsupportedOperationException("no short vectors of " + LANES + " lanes at this width");
        }
    }

    @Override
    public String name() {
        return "panama";
    }

    @Override
    public void adamBf16(float[] p, int pOff, float[] g, int gOff, short[] m, short[] v, int index, int n,
                         AdamCoefficients c, StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.adamBf16(p, pOff, g, gOff, m, v, index, 1, c, rounding);
            i = 1;
        }
        i = bf16Stretches(rounding, index, i, n, (from, len, bits) ->
                adamBf16Vectors(p, pOff + from, g, gOff + from, m, v, index + from, len, c, bits));
        TAIL.adamBf16(p, pOff + i, g, gOff + i, m, v, index + i, n - i, c, rounding);
    }

    /**
     * {@link #adamBf16} over {@code len} elements, a multiple of the lanes: rounding to nearest when
     * {@code bits} is null, else stochastically with {@code bits[j]} for element {@code j}.
     */
    private static void adamBf16Vectors(float[] p, int pOff, float[] g, int gOff, short[] m, short[] v, int index,
                                        int len, AdamCoefficients c, int[] bits) {
        boolean stochastic = bits != null;
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(F, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(F, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(F, c.negStepSize());
        for (int j = 0; j < len; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, pOff + j);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + j);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(widen(m, index + j)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(widen(v, index + j)));
            if (stochastic) {
                IntVector r = IntVector.fromArray(I, bits, j);
                narrow(mv, r.and(0xFFFF), m, index + j);
                narrow(vv, r.lanewise(VectorOperators.LSHR, 16), v, index + j);
            } else {
                narrow(mv, nearestEvenIncrement(mv), m, index + j);
                narrow(vv, nearestEvenIncrement(vv), v, index + j);
            }
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, pOff + j);
        }
    }

    /** The vector part of a bf16 kernel over elements {@code [from, from + len)} of its call. */
    @FunctionalInterface
    private interface Bf16Stretch {
        /**
         * @param from the first element, counted from the call's first
         * @param len  the elements, a multiple of the lanes
         * @param bits each element's random bits from {@code bits[0]}, or null to round to nearest
         */
        void run(int from, int len, int[] bits);
    }

    /**
     * The loop of the bf16 kernels from element {@code from} (state element {@code index + from}, even):
     * stretches of at most {@link #RANDOM_BLOCK} elements, the random bits of each drawn first when
     * rounding stochastically; returns where the vectors stopped (the rest is the scalar tail's). Only
     * arrays and ints cross the call to {@code stretch}, so nothing is boxed where C2 does not inline it.
     */
    private static int bf16Stretches(StateRounding rounding, int index, int from, int n, Bf16Stretch stretch) {
        int[] bits = rounding.stochastic() ? BLOCKS.get().randomBits : null;
        int i = from;
        int bound = from + F.loopBound(n - from);
        while (i < bound) {
            int len = Math.min(RANDOM_BLOCK, bound - i);
            randomBits(rounding, index + i, len, bits);
            stretch.run(i, len, bits);
            i += len;
        }
        return i;
    }

    /**
     * {@link CounterGaussian#bits}{@code (key, index + j)} into {@code bits[j]} for {@code j < len}
     * ({@code index} even, {@code len} a multiple of the lanes); nothing when {@code bits} is null.
     * Drawn ahead of the update loop, a stretch at a time: drawn inside it, the hash made the loop too
     * large for C2 to inline its vector helpers, which then boxed every vector (5x slower).
     */
    private static void randomBits(StateRounding rounding, int index, int len, int[] bits) {
        if (bits == null) {
            return;
        }
        LongVector laneGammas = LongVector.fromArray(L, LANE_GAMMAS, 0);
        for (int j = 0; j < len; j += LANES) {
            LongVector counter = LongVector.broadcast(L, rounding.key() + ((long) (index + j) >>> 1) * CounterGaussian.GAMMA)
                    .add(laneGammas);
            mix64(counter).reinterpretAsInts().intoArray(bits, j);
        }
    }

    @Override
    public void adamMixedBf16(short[] w, int wOff, short[] g, int gOff, float[] master, float[] m, float[] v, int index,
                              int n, AdamCoefficients c, StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.adamMixedBf16(w, wOff, g, gOff, master, m, v, index, 1, c, rounding);
            i = 1;
        }
        i = adamMixedVectors(w, wOff, g, null, gOff, master, m, v, index, i, n, c, rounding);
        TAIL.adamMixedBf16(w, wOff + i, g, gOff + i, master, m, v, index + i, n - i, c, rounding);
    }

    @Override
    public void adamMixedBf16(short[] w, int wOff, float[] g, int gOff, float[] master, float[] m, float[] v, int index,
                              int n, AdamCoefficients c, StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.adamMixedBf16(w, wOff, g, gOff, master, m, v, index, 1, c, rounding);
            i = 1;
        }
        i = adamMixedVectors(w, wOff, null, g, gOff, master, m, v, index, i, n, c, rounding);
        TAIL.adamMixedBf16(w, wOff + i, g, gOff + i, master, m, v, index + i, n - i, c, rounding);
    }

    /**
     * The vector part of both {@code adamMixedBf16} kernels from element {@code i} (state element
     * {@code index + i}, even): the gradient is {@code gBits} (bfloat16) when not null, else
     * {@code gFloats}; returns where the vectors stopped (the rest is the scalar tail's).
     */
    private static int adamMixedVectors(short[] w, int wOff, short[] gBits, float[] gFloats, int gOff, float[] master,
                                        float[] m, float[] v, int index, int i, int n, AdamCoefficients c,
                                        StateRounding rounding) {
        boolean stochastic = rounding.stochastic();
        boolean bf16Grad = gBits != null;
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(F, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(F, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(F, c.negStepSize());
        LongVector counter = LongVector.broadcast(L, rounding.key() + ((long) (index + i) >>> 1) * CounterGaussian.GAMMA)
                .add(LongVector.fromArray(L, LANE_GAMMAS, 0));
        LongVector advance = LongVector.broadcast(L, (long) (LANES / 2) * CounterGaussian.GAMMA);
        int bound = i + F.loopBound(n - i);
        for (; i < bound; i += LANES) {
            int k = index + i;
            FloatVector pv = FloatVector.fromArray(F, master, k);
            FloatVector gv = bf16Grad ? widen(gBits, gOff + i) : FloatVector.fromArray(F, gFloats, gOff + i);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(F, m, k)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(F, v, k)));
            mv.intoArray(m, k);
            vv.intoArray(v, k);
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            FloatVector updated = paramScale.mul(pv).add(negStepSize.mul(mv).div(denom));
            updated.intoArray(master, k);
            if (stochastic) {
                IntVector r = mix64(counter).reinterpretAsInts();
                counter = counter.add(advance);
                narrow(updated, r.and(0xFFFF), w, wOff + i);
            } else {
                narrow(updated, nearestEvenIncrement(updated), w, wOff + i);
            }
        }
        return i;
    }

    @Override
    public void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
            widen(src, srcOff + i).intoArray(dst, dstOff + i);
        }
        TAIL.widenBf16(src, srcOff + i, dst, dstOff + i, n - i);
    }

    /**
     * The scalar loop: JDK 25's Vector API has no binary16 conversion, and C2 vectorizes a plain
     * {@link Float#float16ToFloat} loop itself (with F16C or AVX-512 FP16).
     */
    @Override
    public void widenFp16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        TAIL.widenFp16(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void roundBf16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.roundBf16(src, srcOff, dst, dstOff, index, 1, rounding);
            i = 1;
        }
        i = roundBf16Vectors(src, srcOff, dst, dstOff, index, i, n, rounding);
        TAIL.roundBf16(src, srcOff + i, dst, dstOff + i, index + i, n - i, rounding);
    }

    /**
     * The vector part of {@link #roundBf16} from element {@code i} (random-bit element {@code index + i},
     * even), the weights' rounding of {@link #adamMixedVectors}; returns where the vectors stopped.
     */
    private static int roundBf16Vectors(float[] src, int srcOff, short[] dst, int dstOff, int index, int i, int n,
                                        StateRounding rounding) {
        boolean stochastic = rounding.stochastic();
        LongVector counter = LongVector.broadcast(L, rounding.key() + ((long) (index + i) >>> 1) * CounterGaussian.GAMMA)
                .add(LongVector.fromArray(L, LANE_GAMMAS, 0));
        LongVector advance = LongVector.broadcast(L, (long) (LANES / 2) * CounterGaussian.GAMMA);
        int bound = i + F.loopBound(n - i);
        for (; i < bound; i += LANES) {
            FloatVector x = FloatVector.fromArray(F, src, srcOff + i);
            if (stochastic) {
                IntVector r = mix64(counter).reinterpretAsInts();
                counter = counter.add(advance);
                narrow(x, r.and(0xFFFF), dst, dstOff + i);
            } else {
                narrow(x, nearestEvenIncrement(x), dst, dstOff + i);
            }
        }
        return i;
    }

    /** The scalar loops, as {@link #widenFp16} says (C2 vectorizes {@link Float#floatToFloat16} to nearest). */
    @Override
    public void roundFp16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding) {
        TAIL.roundFp16(src, srcOff, dst, dstOff, index, n, rounding);
    }

    @Override
    public void adam8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] mScale, byte[] v, float[] vScale,
                         int index, int n, int blockSize, AdamCoefficients c) {
        Blocks buffers = BLOCKS.get().holding(Math.min(n, blockSize));
        float[] mNew = buffers.mNew;
        float[] vNew = buffers.vNew;
        float[] mOld = buffers.mOld;
        float[] vOld = buffers.vOld;
        int[] codes = buffers.work;
        float[] max = buffers.max;
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            int s = index + start;
            int block = s / blockSize;
            decode(true, m, s, len, mScale[block], mOld, 0);
            decode(false, v, s, len, vScale[block], vOld, 0);
            int po = pOff + start;
            int go = gOff + start;
            // The vector loop is a method of its own: inlined here with the two encodes, the whole grew past
            // C2's inlining budget and its vectors were boxed (1.6 bytes allocated per element).
            int j = adam8bitVectors(p, po, g, go, mOld, vOld, mNew, vNew, len, c, max);
            ScalarCompressedStateKernels.adam8bitUpdate(p, po, g, go, m, v, s, mScale[block], vScale[block],
                    mNew, vNew, j, len, c, max);
            mScale[block] = max[0];
            vScale[block] = max[1];
            encode(true, mNew, 0, len, max[0], codes, m, s);
            encode(false, vNew, 0, len, max[1], codes, v, s);
        }
    }

    /**
     * The vector part of one block of {@link #adam8bit}: updates the decoded moments {@code mOld},
     * {@code vOld} into {@code mNew}, {@code vNew} and the parameter, and leaves their absolute
     * maxima in {@code max}; returns the elements done (the rest is the scalar tail's).
     */
    private static int adam8bitVectors(float[] p, int po, float[] g, int go, float[] mOld, float[] vOld,
                                       float[] mNew, float[] vNew, int len, AdamCoefficients c, float[] max) {
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector invSqrtBias2 = FloatVector.broadcast(F, c.invSqrtBias2());
        FloatVector eps = FloatVector.broadcast(F, c.eps());
        FloatVector negStepSize = FloatVector.broadcast(F, c.negStepSize());
        IntVector mMax = IntVector.zero(I);
        IntVector vMax = IntVector.zero(I);
        int bound = F.loopBound(len);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, po + j);
            FloatVector gv = FloatVector.fromArray(F, g, go + j);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector mv = oneMinusBeta1.fma(d, beta1.mul(FloatVector.fromArray(F, mOld, j)));
            FloatVector vv = oneMinusBeta2.mul(d).fma(d, beta2.mul(FloatVector.fromArray(F, vOld, j)));
            mv.intoArray(mNew, j);
            vv.intoArray(vNew, j);
            mMax = mMax.max(absBits(mv));
            vMax = vMax.max(absBits(vv));
            FloatVector denom = vv.sqrt().fma(invSqrtBias2, eps);
            paramScale.mul(pv).add(negStepSize.mul(mv).div(denom)).intoArray(p, po + j);
        }
        max[0] = Float.intBitsToFloat(mMax.reduceLanes(VectorOperators.MAX));
        max[1] = Float.intBitsToFloat(vMax.reduceLanes(VectorOperators.MAX));
        return j;
    }

    /**
     * {@code values[code] * scale} on the signed or unsigned map for the {@code len} codes from
     * {@code codes[at]} into {@code out} from {@code out[outAt]}, the scalar code's product:
     * {@link #decodeByPlanes} where {@link #BYTE_PLANES} (0.060 ns per code in cache on the Zen 5 test
     * machine), else {@link #decodeInRegisters} where {@link #WIDE_CODEC} (0.125; 2.3x faster than the
     * loop), else the plain table loop (as fast as widening the codes to ints and gathering at 256 bits,
     * 0.29 ns per code).
     */
    static void decode(boolean signed, byte[] codes, int at, int len, float scale, float[] out, int outAt) {
        float[] values = signed ? SIGNED_VALUES : UNSIGNED_VALUES;
        int k = BYTE_PLANES ? decodeByPlanes(signed ? SIGNED_PLANES : UNSIGNED_PLANES, codes, at, len, scale, out, outAt) : 0;
        if (WIDE_CODEC && len - k >= WIDE.length()) { // 16 codes at a time; not for nothing: it loads 16 vectors first
            k += decodeInRegisters(signed ? SIGNED_BITS : UNSIGNED_BITS, codes, at + k, len - k, scale, out, outAt + k);
        }
        for (; k < len; k++) {
            out[outAt + k] = values[codes[at + k] & 0xFF] * scale;
        }
    }

    /**
     * {@link #decode} 64 codes at a time: the values' bits as four byte planes (byte {@code b} of every
     * value, 256 bytes, four vectors each). Each plane is looked up with two two-vector byte permutes
     * (codes below 128, codes from 128, picked by the code's top bit), and the four planes are woven
     * into the values' 32 bits by two rounds of pairing permutes (bytes into shorts, shorts into
     * ints): 29 operations per 64 codes where {@link #decodeInRegisters} takes about 25 per 16.
     * Returns the codes done (the rest is the table loop's).
     */
    static int decodeByPlanes(byte[] planes, byte[] codes, int at, int len, float scale, float[] out, int outAt) {
        ByteVector a0 = ByteVector.fromArray(WIDE_BYTES, planes, 0);
        ByteVector a1 = ByteVector.fromArray(WIDE_BYTES, planes, 64);
        ByteVector a2 = ByteVector.fromArray(WIDE_BYTES, planes, 128);
        ByteVector a3 = ByteVector.fromArray(WIDE_BYTES, planes, 192);
        ByteVector b0 = ByteVector.fromArray(WIDE_BYTES, planes, 256);
        ByteVector b1 = ByteVector.fromArray(WIDE_BYTES, planes, 320);
        ByteVector b2 = ByteVector.fromArray(WIDE_BYTES, planes, 384);
        ByteVector b3 = ByteVector.fromArray(WIDE_BYTES, planes, 448);
        ByteVector c0 = ByteVector.fromArray(WIDE_BYTES, planes, 512);
        ByteVector c1 = ByteVector.fromArray(WIDE_BYTES, planes, 576);
        ByteVector c2 = ByteVector.fromArray(WIDE_BYTES, planes, 640);
        ByteVector c3 = ByteVector.fromArray(WIDE_BYTES, planes, 704);
        ByteVector d0 = ByteVector.fromArray(WIDE_BYTES, planes, 768);
        ByteVector d1 = ByteVector.fromArray(WIDE_BYTES, planes, 832);
        ByteVector d2 = ByteVector.fromArray(WIDE_BYTES, planes, 896);
        ByteVector d3 = ByteVector.fromArray(WIDE_BYTES, planes, 960);
        ByteVector pairLowBytes = ByteVector.fromArray(WIDE_BYTES, PAIR_LOW_BYTES, 0);
        ByteVector pairHighBytes = ByteVector.fromArray(WIDE_BYTES, PAIR_HIGH_BYTES, 0);
        ShortVector pairLowShorts = ShortVector.fromArray(WIDE_SHORTS, PAIR_LOW_SHORTS, 0);
        ShortVector pairHighShorts = ShortVector.fromArray(WIDE_SHORTS, PAIR_HIGH_SHORTS, 0);
        FloatVector factor = FloatVector.broadcast(WIDE_FLOATS, scale);
        int bound = WIDE_BYTES.loopBound(len);
        int k = 0;
        for (; k < bound; k += 64) {
            ByteVector c = ByteVector.fromArray(WIDE_BYTES, codes, at + k);
            VectorMask<Byte> upper = c.compare(VectorOperators.LT, (byte) 0); // codes 128-255
            ByteVector byte0 = c.selectFrom(a0, a1).blend(c.selectFrom(a2, a3), upper);
            ByteVector byte1 = c.selectFrom(b0, b1).blend(c.selectFrom(b2, b3), upper);
            ByteVector byte2 = c.selectFrom(c0, c1).blend(c.selectFrom(c2, c3), upper);
            ByteVector byte3 = c.selectFrom(d0, d1).blend(c.selectFrom(d2, d3), upper);
            ShortVector low01 = pairLowBytes.selectFrom(byte0, byte1).reinterpretAsShorts();
            ShortVector high01 = pairHighBytes.selectFrom(byte0, byte1).reinterpretAsShorts();
            ShortVector low23 = pairLowBytes.selectFrom(byte2, byte3).reinterpretAsShorts();
            ShortVector high23 = pairHighBytes.selectFrom(byte2, byte3).reinterpretAsShorts();
            pairLowShorts.selectFrom(low01, low23).reinterpretAsFloats().mul(factor).intoArray(out, outAt + k);
            pairHighShorts.selectFrom(low01, low23).reinterpretAsFloats().mul(factor).intoArray(out, outAt + k + 16);
            pairLowShorts.selectFrom(high01, high23).reinterpretAsFloats().mul(factor).intoArray(out, outAt + k + 32);
            pairHighShorts.selectFrom(high01, high23).reinterpretAsFloats().mul(factor).intoArray(out, outAt + k + 48);
        }
        return k;
    }

    /**
     * {@link #decode}'s 512-bit vectors, 16 codes at a time: the 256 values' bits are 16 vectors
     * {@code t0..t15}; a two-vector lookup ({@code selectFrom}, which reads the lower five bits of each
     * code) picks from each of the eight pairs, and the codes' bits 5, 6 and 7 choose among the eight by
     * a blend tree. Returns the codes done (the rest is the table loop's).
     */
    static int decodeInRegisters(int[] bits, byte[] codes, int at, int len, float scale, float[] out, int outAt) {
        IntVector t0 = IntVector.fromArray(WIDE, bits, 0);
        IntVector t1 = IntVector.fromArray(WIDE, bits, 16);
        IntVector t2 = IntVector.fromArray(WIDE, bits, 32);
        IntVector t3 = IntVector.fromArray(WIDE, bits, 48);
        IntVector t4 = IntVector.fromArray(WIDE, bits, 64);
        IntVector t5 = IntVector.fromArray(WIDE, bits, 80);
        IntVector t6 = IntVector.fromArray(WIDE, bits, 96);
        IntVector t7 = IntVector.fromArray(WIDE, bits, 112);
        IntVector t8 = IntVector.fromArray(WIDE, bits, 128);
        IntVector t9 = IntVector.fromArray(WIDE, bits, 144);
        IntVector t10 = IntVector.fromArray(WIDE, bits, 160);
        IntVector t11 = IntVector.fromArray(WIDE, bits, 176);
        IntVector t12 = IntVector.fromArray(WIDE, bits, 192);
        IntVector t13 = IntVector.fromArray(WIDE, bits, 208);
        IntVector t14 = IntVector.fromArray(WIDE, bits, 224);
        IntVector t15 = IntVector.fromArray(WIDE, bits, 240);
        FloatVector factor = FloatVector.broadcast(WIDE_FLOATS, scale);
        int bound = WIDE.loopBound(len);
        int k = 0;
        for (; k < bound; k += WIDE.length()) {
            IntVector c = (IntVector) ByteVector.fromArray(WIDE_CODES, codes, at + k)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, WIDE, 0);
            VectorMask<Integer> bit5 = c.and(32).compare(VectorOperators.NE, 0);
            VectorMask<Integer> bit6 = c.and(64).compare(VectorOperators.NE, 0);
            VectorMask<Integer> bit7 = c.and(128).compare(VectorOperators.NE, 0);
            IntVector low = c.selectFrom(t0, t1).blend(c.selectFrom(t2, t3), bit5)
                    .blend(c.selectFrom(t4, t5).blend(c.selectFrom(t6, t7), bit5), bit6);
            IntVector high = c.selectFrom(t8, t9).blend(c.selectFrom(t10, t11), bit5)
                    .blend(c.selectFrom(t12, t13).blend(c.selectFrom(t14, t15), bit5), bit6);
            low.blend(high, bit7).reinterpretAsFloats().mul(factor).intoArray(out, outAt + k);
        }
        return k;
    }

    /**
     * {@link ScalarCompressedStateKernels#encode} on vectors: the codes of {@code x[xAt, xAt + len)} on
     * the signed or unsigned map into {@code out} from {@code out[at]}. Where {@link #WIDE_CODEC}, by
     * {@link #encodeByRegions}, and if it flags a value, the whole range again by
     * {@link #encodeByLookup}; else by the lookup alone. {@code work} holds a vector of indices.
     */
    static void encode(boolean signed, float[] x, int xAt, int len, float absmax, int[] work, byte[] out, int at) {
        if (WIDE_CODEC && encodeByRegions(signed ? SIGNED_REGIONS : UNSIGNED_REGIONS, x, xAt, len, absmax, out, at)) {
            return;
        }
        encodeByLookup(signed ? SIGNED_PACKED : UNSIGNED_PACKED, x, xAt, len, absmax, work, out, at);
    }

    /**
     * {@link QuantizationRegions#encodeOrFlag} on 512-bit vectors, the lanes' codes written as they come
     * (the tail by the scalar code); returns false if some lane was flagged, whose code is then wrong.
     * Where the codec's gather costs about 0.3 ns per value on the Zen 5 test machine, this loop's
     * table lookups are register permutes: 0.27 ns per value in all against 0.49 (docs/storage.md).
     */
    static boolean encodeByRegions(QuantizationRegions regions, float[] x, int xAt, int len, float absmax,
                                   byte[] out, int at) {
        IntVector region0 = IntVector.fromArray(WIDE, regions.binadeRegion(), 0);
        IntVector region1 = IntVector.fromArray(WIDE, regions.binadeRegion(), 16);
        IntVector boundary0 = FloatVector.fromArray(WIDE_FLOATS, regions.binadeBoundary(), 0).reinterpretAsInts();
        IntVector boundary1 = FloatVector.fromArray(WIDE_FLOATS, regions.binadeBoundary(), 16).reinterpretAsInts();
        IntVector slopes = FloatVector.fromArray(WIDE_FLOATS, regions.slope(), 0).reinterpretAsInts();
        IntVector offsets = FloatVector.fromArray(WIDE_FLOATS, regions.offset(), 0).reinterpretAsInts();
        IntVector tops = IntVector.fromArray(WIDE, regions.top(), 0);
        FloatVector inv = FloatVector.broadcast(WIDE_FLOATS, vecopt.tensor.BlockwiseQuantizer.inverseScale(absmax));
        int lowest = QuantizationRegions.LOWEST_EXPONENT;
        int highest = lowest + QuantizationRegions.BINADES - 1;
        int origin = regions.origin();
        VectorMask<Integer> flagged = WIDE.maskAll(false);
        int bound = WIDE.loopBound(len);
        int j = 0;
        for (; j < bound; j += WIDE.length()) {
            IntVector bits = FloatVector.fromArray(WIDE_FLOATS, x, xAt + j).mul(inv).reinterpretAsInts();
            IntVector sign = bits.lanewise(VectorOperators.ASHR, 31);
            IntVector key = bits.and(0x7FFFFFFF).sub(sign);
            IntVector binade = key.lanewise(VectorOperators.LSHR, 23).max(lowest).min(highest);
            FloatVector a = key.reinterpretAsFloats();
            VectorMask<Integer> above = a.compare(VectorOperators.GT,
                    binade.selectFrom(boundary0, boundary1).reinterpretAsFloats()).cast(WIDE);
            IntVector region = binade.selectFrom(region0, region1).add(1, above);
            IntVector v = a.fma(region.selectFrom(slopes).reinterpretAsFloats(),
                    region.selectFrom(offsets).reinterpretAsFloats()).reinterpretAsInts();
            flagged = flagged.or(v.and(0x7F803FFF).sub(QuantizationRegions.MAGIC_BITS + QuantizationRegions.FLAGGED_BELOW)
                    .compare(VectorOperators.UGE, 0x00800000 - QuantizationRegions.FLAGGED_BELOW));
            IntVector count = v.lanewise(VectorOperators.LSHR, QuantizationRegions.FRACTION_BITS).and(0x1FF)
                    .min(region.selectFrom(tops));
            IntVector code = count.lanewise(VectorOperators.XOR, sign).sub(sign).add(origin).max(0);
            ((ByteVector) code.convertShape(VectorOperators.I2B, WIDE_CODES, 0)).intoArray(out, at + j);
        }
        ScalarCompressedStateKernels.encode(regions == SIGNED_REGIONS ? ScalarCompressedStateKernels.SIGNED
                : ScalarCompressedStateKernels.UNSIGNED, x, xAt + j, xAt + len, absmax, out, at - xAt);
        return !flagged.anyTrue();
    }

    /**
     * {@link ScalarCompressedStateKernels#encode} on vectors, through {@link QuantizationLookup}'s
     * {@code packed} table: one gather per vector where the binary search takes eight in a chain. NaN
     * is replaced by -2 first (code 0, as the search gives NaN).
     */
    static void encodeByLookup(int[] packed, float[] x, int xAt, int len, float absmax, int[] work, byte[] out, int at) {
        FloatVector inv = FloatVector.broadcast(CODEC, vecopt.tensor.BlockwiseQuantizer.inverseScale(absmax));
        int bound = CODEC.loopBound(len);
        int j = 0;
        for (; j < bound; j += CODEC.length()) {
            FloatVector y = FloatVector.fromArray(CODEC, x, xAt + j).mul(inv);
            IntVector bits = y.blend(-2f, y.test(VectorOperators.IS_NAN)).reinterpretAsInts();
            IntVector sign = bits.lanewise(VectorOperators.ASHR, 31);
            bits.lanewise(VectorOperators.LSHR, 16).and(0x7FFF)
                    .max(QuantizationLookup.LOWEST).min(QuantizationLookup.HIGHEST)
                    .add(sign.and(QuantizationLookup.SPAN)).intoArray(work, 0);
            IntVector code = IntVector.fromArray(CODEC_INTS, packed, -QuantizationLookup.LOWEST, work, 0)
                    .add(bits.lanewise(VectorOperators.XOR, sign).and(0xFFFF)).lanewise(VectorOperators.LSHR, 16);
            if (CODEC_BYTES != null) {
                ((ByteVector) code.convertShape(VectorOperators.I2B, CODEC_BYTES, 0)).intoArray(out, at + j);
            } else {
                code.intoArray(work, 0);
                for (int k = 0; k < CODEC.length(); k++) {
                    out[at + j + k] = (byte) work[k];
                }
            }
        }
        ScalarCompressedStateKernels.encode(packed == SIGNED_PACKED ? ScalarCompressedStateKernels.SIGNED
                : ScalarCompressedStateKernels.UNSIGNED, x, xAt + j, xAt + len, absmax, out, at - xAt);
    }

    /**
     * {@code |x|}'s bits: for non-negative floats the int order is the float order, so an int max of
     * these is {@code Math.max} of the absolute values in one instruction (NaN's bits lie above
     * infinity's, so a NaN wins as {@code Math.max} makes it, though maybe another NaN than the
     * scalar loop's first one).
     */
    private static IntVector absBits(FloatVector x) {
        return x.reinterpretAsInts().and(0x7FFFFFFF);
    }

    /** {@code planes[b * 256 + code]} = byte {@code b} (0 the lowest) of {@code bits[code]}. */
    private static byte[] bytePlanes(int[] bits) {
        byte[] planes = new byte[4 * bits.length];
        for (int b = 0; b < 4; b++) {
            for (int code = 0; code < bits.length; code++) {
                planes[b * bits.length + code] = (byte) (bits[code] >>> 8 * b);
            }
        }
        return planes;
    }

    /**
     * Indices of a two-vector byte lookup that interleave lane {@code from + j} of the first vector
     * with the same lane of the second (64 lanes each), for {@code j < pairs}: little-endian shorts.
     */
    private static byte[] pairing(int pairs, int from) {
        byte[] indices = new byte[2 * pairs];
        for (int j = 0; j < pairs; j++) {
            indices[2 * j] = (byte) (from + j);
            indices[2 * j + 1] = (byte) (64 + from + j);
        }
        return indices;
    }

    /** As {@link #pairing} for two vectors of 32 shorts: little-endian ints. */
    private static short[] shortPairing(int pairs, int from) {
        short[] indices = new short[2 * pairs];
        for (int j = 0; j < pairs; j++) {
            indices[2 * j] = (short) (from + j);
            indices[2 * j + 1] = (short) (32 + from + j);
        }
        return indices;
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    /**
     * One thread's buffers for the 8-bit kernels' blocks (old and new values, the max pair, a vector of
     * gather indices), grown to the largest block seen, and for the random bits of stochastic
     * rounding's stretches, so that no call allocates.
     */
    private static final class Blocks {
        final int[] randomBits = new int[RANDOM_BLOCK];
        float[] mOld = new float[0];
        float[] vOld = new float[0];
        float[] mNew = new float[0];
        float[] vNew = new float[0];
        final int[] work = new int[Math.max(LANES, 16)];
        final float[] max = new float[2];

        /** {@return this, with room for blocks of {@code len} elements} */
        Blocks holding(int len) {
            if (mOld.length < len) {
                mOld = new float[len];
                vOld = new float[len];
                mNew = new float[len];
                vNew = new float[len];
            }
            return this;
        }
    }

    /** The float32 values of {@code LANES} bfloat16s from {@code a[at..]}. */
    private static FloatVector widen(short[] a, int at) {
        return ((IntVector) ShortVector.fromArray(S, a, at).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** The increment that makes the upper 16 bits round to nearest, ties to even: {@code 0x7FFF + bit 16}. */
    private static IntVector nearestEvenIncrement(FloatVector x) {
        return x.reinterpretAsInts().lanewise(VectorOperators.LSHR, 16).and(1).add(0x7FFF);
    }

    /**
     * Stores {@code x}'s upper 16 bits after adding {@code increment} (NaN: quieted, as {@code BFloat16}
     * does; blended in before the shift, which one shift then serves).
     */
    private static void narrow(FloatVector x, IntVector increment, short[] a, int at) {
        IntVector b = x.reinterpretAsInts();
        IntVector rounded = b.add(increment).blend(b.or(0x00400000), x.test(VectorOperators.IS_NAN).cast(I))
                .lanewise(VectorOperators.LSHR, 16);
        ((ShortVector) rounded.convertShape(VectorOperators.I2S, S, 0)).intoArray(a, at);
    }

    private static FloatVector clamp(FloatVector g, FloatVector clip, FloatVector negClip) {
        return g.blend(clip, g.compare(VectorOperators.GT, clip)).blend(negClip, g.compare(VectorOperators.LT, negClip));
    }

    private static LongVector mix64(LongVector z) {
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        return z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
    }

    private static long[] laneGammas() {
        long[] a = new long[L.length()];
        for (int j = 0; j < a.length; j++) {
            a[j] = j * CounterGaussian.GAMMA;
        }
        return a;
    }

    // ---- SGD momentum and Lion with compressed state ----

    @Override
    public void sgdMomentumBf16(float[] p, int pOff, float[] g, int gOff, short[] b, int index, int n,
                                SgdCoefficients c, StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.sgdMomentumBf16(p, pOff, g, gOff, b, index, 1, c, rounding);
            i = 1;
        }
        i = bf16Stretches(rounding, index, i, n, (from, len, bits) ->
                sgdMomentumBf16Vectors(p, pOff + from, g, gOff + from, b, index + from, len, c, bits));
        TAIL.sgdMomentumBf16(p, pOff + i, g, gOff + i, b, index + i, n - i, c, rounding);
    }

    /** {@link #sgdMomentumBf16} over {@code len} elements, as {@link #adamBf16Vectors} for Adam. */
    private static void sgdMomentumBf16Vectors(float[] p, int pOff, float[] g, int gOff, short[] b, int index, int len,
                                               SgdCoefficients c, int[] bits) {
        boolean stochastic = bits != null;
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector momentum = FloatVector.broadcast(F, c.momentum());
        FloatVector bufferGradScale = FloatVector.broadcast(F, c.bufferGradScale());
        FloatVector lookahead = FloatVector.broadcast(F, c.lookahead());
        FloatVector nesterovGradScale = FloatVector.broadcast(F, c.nesterovGradScale());
        FloatVector negLr = FloatVector.broadcast(F, c.negLr());
        for (int j = 0; j < len; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, pOff + j);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + j);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector bv = bufferGradScale.fma(d, momentum.mul(widen(b, index + j)));
            FloatVector u = lookahead.fma(bv, nesterovGradScale.mul(d));
            narrow(bv, stochastic ? IntVector.fromArray(I, bits, j).and(0xFFFF) : nearestEvenIncrement(bv), b, index + j);
            negLr.fma(u, pv).intoArray(p, pOff + j);
        }
    }

    @Override
    public void sgdMomentum8bit(float[] p, int pOff, float[] g, int gOff, byte[] b, float[] scale, int index, int n,
                                int blockSize, SgdCoefficients c) {
        oneBuffer8bitBlocks(b, scale, index, n, blockSize, (start, s, len, oldScale, old, fresh) ->
                sgdMomentum8bitBlock(p, pOff + start, g, gOff + start, b, s, len, oldScale, old, fresh, c));
    }

    /** One block of {@link #sgdMomentum8bit}, as {@link OneBuffer8bitBlock#update} says. */
    private static float sgdMomentum8bitBlock(float[] p, int po, float[] g, int go, byte[] b, int s, int len,
                                              float oldScale, float[] old, float[] fresh, SgdCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector weightDecay = FloatVector.broadcast(F, c.weightDecay());
        FloatVector momentum = FloatVector.broadcast(F, c.momentum());
        FloatVector bufferGradScale = FloatVector.broadcast(F, c.bufferGradScale());
        FloatVector lookahead = FloatVector.broadcast(F, c.lookahead());
        FloatVector nesterovGradScale = FloatVector.broadcast(F, c.nesterovGradScale());
        FloatVector negLr = FloatVector.broadcast(F, c.negLr());
        IntVector max = IntVector.zero(I);
        int bound = F.loopBound(len);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, po + j);
            FloatVector gv = FloatVector.fromArray(F, g, go + j);
            FloatVector d = weightDecay.fma(pv, gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv));
            FloatVector bv = bufferGradScale.fma(d, momentum.mul(FloatVector.fromArray(F, old, j)));
            FloatVector u = lookahead.fma(bv, nesterovGradScale.mul(d));
            bv.intoArray(fresh, j);
            max = max.max(absBits(bv));
            negLr.fma(u, pv).intoArray(p, po + j);
        }
        return ScalarCompressedStateKernels.sgdMomentum8bitUpdate(p, po, g, go, b, s, oldScale, fresh, j, len, c,
                Float.intBitsToFloat(max.reduceLanes(VectorOperators.MAX)));
    }

    @Override
    public void lionBf16(float[] p, int pOff, float[] g, int gOff, short[] m, int index, int n, LionCoefficients c,
                         StateRounding rounding) {
        int i = 0;
        if ((index & 1) != 0 && n > 0) { // vectors of random bits start at even elements
            TAIL.lionBf16(p, pOff, g, gOff, m, index, 1, c, rounding);
            i = 1;
        }
        i = bf16Stretches(rounding, index, i, n, (from, len, bits) ->
                lionBf16Vectors(p, pOff + from, g, gOff + from, m, index + from, len, c, bits));
        TAIL.lionBf16(p, pOff + i, g, gOff + i, m, index + i, n - i, c, rounding);
    }

    /** {@link #lionBf16} over {@code len} elements, as {@link #adamBf16Vectors} for Adam. */
    private static void lionBf16Vectors(float[] p, int pOff, float[] g, int gOff, short[] m, int index, int len,
                                        LionCoefficients c, int[] bits) {
        boolean stochastic = bits != null;
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector negLr = FloatVector.broadcast(F, c.negLr());
        for (int j = 0; j < len; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, pOff + j);
            FloatVector gv = FloatVector.fromArray(F, g, gOff + j);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector mOld = widen(m, index + j);
            FloatVector cv = oneMinusBeta1.fma(d, beta1.mul(mOld));
            FloatVector mv = oneMinusBeta2.fma(d, beta2.mul(mOld));
            narrow(mv, stochastic ? IntVector.fromArray(I, bits, j).and(0xFFFF) : nearestEvenIncrement(mv), m, index + j);
            negLr.fma(sign(cv), paramScale.mul(pv)).intoArray(p, pOff + j);
        }
    }

    @Override
    public void lion8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] scale, int index, int n,
                         int blockSize, LionCoefficients c) {
        oneBuffer8bitBlocks(m, scale, index, n, blockSize, (start, s, len, oldScale, old, fresh) ->
                lion8bitBlock(p, pOff + start, g, gOff + start, m, s, len, oldScale, old, fresh, c));
    }

    /** One block of {@link #lion8bit}, as {@link OneBuffer8bitBlock#update} says. */
    private static float lion8bitBlock(float[] p, int po, float[] g, int go, byte[] m, int s, int len, float oldScale,
                                       float[] old, float[] fresh, LionCoefficients c) {
        FloatVector gradScale = FloatVector.broadcast(F, c.gradScale());
        FloatVector gradClip = FloatVector.broadcast(F, c.gradClip());
        FloatVector negGradClip = FloatVector.broadcast(F, -c.gradClip());
        boolean clipping = c.gradClip() < Float.POSITIVE_INFINITY;
        FloatVector paramScale = FloatVector.broadcast(F, c.paramScale());
        FloatVector beta1 = FloatVector.broadcast(F, c.beta1());
        FloatVector oneMinusBeta1 = FloatVector.broadcast(F, c.oneMinusBeta1());
        FloatVector beta2 = FloatVector.broadcast(F, c.beta2());
        FloatVector oneMinusBeta2 = FloatVector.broadcast(F, c.oneMinusBeta2());
        FloatVector negLr = FloatVector.broadcast(F, c.negLr());
        IntVector max = IntVector.zero(I);
        int bound = F.loopBound(len);
        int j = 0;
        for (; j < bound; j += LANES) {
            FloatVector pv = FloatVector.fromArray(F, p, po + j);
            FloatVector gv = FloatVector.fromArray(F, g, go + j);
            FloatVector d = gradScale.mul(clipping ? clamp(gv, gradClip, negGradClip) : gv);
            FloatVector mOld = FloatVector.fromArray(F, old, j);
            FloatVector cv = oneMinusBeta1.fma(d, beta1.mul(mOld));
            FloatVector mv = oneMinusBeta2.fma(d, beta2.mul(mOld));
            mv.intoArray(fresh, j);
            max = max.max(absBits(mv));
            negLr.fma(sign(cv), paramScale.mul(pv)).intoArray(p, po + j);
        }
        return ScalarCompressedStateKernels.lion8bitUpdate(p, po, g, go, m, s, oldScale, fresh, j, len, c,
                Float.intBitsToFloat(max.reduceLanes(VectorOperators.MAX)));
    }

    /** One block of a kernel with one 8-bit buffer, after the driver decoded the block's old values. */
    @FunctionalInterface
    private interface OneBuffer8bitBlock {
        /**
         * Updates the parameter and the buffer's values over one block, vectors then the scalar tail.
         *
         * @param start    the block's first element, counted from the call's first
         * @param s        its first state element
         * @param len      its elements
         * @param oldScale the block's scale before the step
         * @param old      the decoded values before the step, from {@code old[0]}
         * @param fresh    where the new values go, from {@code fresh[0]}
         * @return the new values' largest absolute value (NaN if one is NaN): the block's new scale
         */
        float update(int start, int s, int len, float oldScale, float[] old, float[] fresh);
    }

    /**
     * The block loop of the kernels with one 8-bit buffer (SGD's momentum, Lion's {@code exp_avg}, both
     * on the signed map): per block, decode, update, store the new scale, encode.
     */
    private static void oneBuffer8bitBlocks(byte[] codes, float[] scale, int index, int n, int blockSize,
                                            OneBuffer8bitBlock block) {
        Blocks buffers = BLOCKS.get().holding(Math.min(n, blockSize));
        float[] old = buffers.mOld;
        float[] fresh = buffers.mNew;
        int[] work = buffers.work;
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            int s = index + start;
            int b = s / blockSize;
            decode(true, codes, s, len, scale[b], old, 0);
            float absmax = block.update(start, s, len, scale[b], old, fresh);
            scale[b] = absmax;
            encode(true, fresh, 0, len, absmax, work, codes, s);
        }
    }

    /** {@link ScalarOptimizerKernels#sign} on lanes: 1, -1, +0 for either zero, NaN itself. */
    private static FloatVector sign(FloatVector x) {
        FloatVector zero = FloatVector.zero(F);
        return x.blend(FloatVector.broadcast(F, 1f), x.compare(VectorOperators.GT, zero))
                .blend(FloatVector.broadcast(F, -1f), x.compare(VectorOperators.LT, zero))
                .blend(zero, x.compare(VectorOperators.EQ, zero));
    }

    // ---- any rule's state, block by block: the generic path's codec on vectors ----

    /** {@link #decode} per block of {@code blockSize}, straight into {@code dst}. */
    @Override
    public void decode8bit(byte[] codes, float[] absmax, int blockSize, boolean signed, int index, float[] dst, int n) {
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            decode(signed, codes, index + start, len, absmax[(index + start) / blockSize], dst, start);
        }
    }

    /**
     * Each block's absolute maximum as an int max of {@code |x|}'s bits ({@link #absBits}: the same
     * value as the scalar fold, a NaN maybe another NaN), then {@link #encode} straight from {@code src}.
     */
    @Override
    public void encode8bit(float[] src, int n, byte[] codes, float[] absmax, int blockSize, boolean signed, int index) {
        int[] work = BLOCKS.get().work;
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            IntVector max = IntVector.zero(I);
            int bound = F.loopBound(len);
            int j = 0;
            for (; j < bound; j += LANES) {
                max = max.max(absBits(FloatVector.fromArray(F, src, start + j)));
            }
            int m = max.reduceLanes(VectorOperators.MAX);
            for (; j < len; j++) {
                m = Math.max(m, Float.floatToRawIntBits(src[start + j]) & 0x7FFFFFFF);
            }
            float scale = Float.intBitsToFloat(m);
            absmax[(index + start) / blockSize] = scale;
            encode(signed, src, start, len, scale, work, codes, index + start);
        }
    }
}
