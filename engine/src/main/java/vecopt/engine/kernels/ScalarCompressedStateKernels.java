package vecopt.engine.kernels;

import vecopt.tensor.BFloat16;
import vecopt.tensor.BlockwiseQuantizer;
import vecopt.tensor.Float16;
import vecopt.tensor.QuantizationMap;

/** The compressed-state kernels as plain loops: the reference the Panama kernels reproduce bit for bit. */
final class ScalarCompressedStateKernels implements CompressedStateKernels {

    static final ScalarCompressedStateKernels INSTANCE = new ScalarCompressedStateKernels();

    static final QuantizationMap SIGNED = QuantizationMap.dynamicSigned();
    static final QuantizationMap UNSIGNED = QuantizationMap.dynamicUnsigned();
    /** The maps' codes in two table reads each, as their binary search gives them ({@link QuantizationLookup}). */
    private static final QuantizationLookup SIGNED_CODES = new QuantizationLookup(SIGNED);
    private static final QuantizationLookup UNSIGNED_CODES = new QuantizationLookup(UNSIGNED);

    private ScalarCompressedStateKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void adamBf16(float[] p, int pOff, float[] g, int gOff, short[] m, short[] v, int index, int n,
                         AdamCoefficients c, StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * BFloat16.toFloat(m[index + i]));
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * BFloat16.toFloat(v[index + i]));
            if (rounding.stochastic()) {
                int r = CounterGaussian.bits(rounding.key(), index + i);
                m[index + i] = BFloat16.fromFloatStochastic(mi, r);
                v[index + i] = BFloat16.fromFloatStochastic(vi, r >>> 16);
            } else {
                m[index + i] = BFloat16.fromFloat(mi);
                v[index + i] = BFloat16.fromFloat(vi);
            }
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p[pOff + i] = c.paramScale() * pi + c.negStepSize() * mi / denom;
        }
    }

    @Override
    public void adamMixedBf16(short[] w, int wOff, short[] g, int gOff, float[] master, float[] m, float[] v, int index,
                              int n, AdamCoefficients c, StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            w[wOff + i] = mixedAdam(BFloat16.toFloat(g[gOff + i]), master, m, v, index + i, c, rounding);
        }
    }

    @Override
    public void adamMixedBf16(short[] w, int wOff, float[] g, int gOff, float[] master, float[] m, float[] v, int index,
                              int n, AdamCoefficients c, StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            w[wOff + i] = mixedAdam(g[gOff + i], master, m, v, index + i, c, rounding);
        }
    }

    /**
     * Mixed-precision Adam on element {@code k} from its float32 gradient {@code gi}: updates the master
     * copy and the moments in place and returns the new weight rounded to bfloat16.
     */
    private static short mixedAdam(float gi, float[] master, float[] m, float[] v, int k, AdamCoefficients c,
                                   StateRounding rounding) {
        float pi = master[k];
        float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(gi, c.gradClip()));
        float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[k]);
        float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[k]);
        m[k] = mi;
        v[k] = vi;
        float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
        float updated = c.paramScale() * pi + c.negStepSize() * mi / denom;
        master[k] = updated;
        return rounding.stochastic()
                ? BFloat16.fromFloatStochastic(updated, CounterGaussian.bits(rounding.key(), k))
                : BFloat16.fromFloat(updated);
    }

    @Override
    public void widenBf16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = BFloat16.toFloat(src[srcOff + i]);
        }
    }

    @Override
    public void widenFp16(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
        }
    }

    @Override
    public void roundBf16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = round(src[srcOff + i], rounding, index + i);
        }
    }

    @Override
    public void roundFp16(float[] src, int srcOff, short[] dst, int dstOff, int index, int n, StateRounding rounding) {
        if (rounding.stochastic()) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Float16.fromFloatStochastic(src[srcOff + i], CounterGaussian.bits(rounding.key(), index + i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
            }
        }
    }

    @Override
    public void adam8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] mScale, byte[] v, float[] vScale,
                         int index, int n, int blockSize, AdamCoefficients c) {
        float[] mNew = new float[Math.min(n, blockSize)];
        float[] vNew = new float[mNew.length];
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            int block = (index + start) / blockSize;
            float[] max = new float[2];
            adam8bitUpdate(p, pOff + start, g, gOff + start, m, v, index + start, mScale[block], vScale[block],
                    mNew, vNew, 0, len, c, max);
            mScale[block] = max[0];
            vScale[block] = max[1];
            encode(SIGNED, mNew, 0, len, max[0], m, index + start);
            encode(UNSIGNED, vNew, 0, len, max[1], v, index + start);
        }
    }

    /**
     * Decodes, updates and writes the parameter for elements {@code [from, to)} of a block starting at
     * state element {@code s}, leaves the float32 moments in {@code mNew}, {@code vNew} and folds their
     * absolute maxima into {@code max}; the Panama kernel's tail.
     */
    static void adam8bitUpdate(float[] p, int pOff, float[] g, int gOff, byte[] m, byte[] v, int s, float mAbsmax,
                               float vAbsmax, float[] mNew, float[] vNew, int from, int to, AdamCoefficients c,
                               float[] max) {
        float mMax = max[0];
        float vMax = max[1];
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * (SIGNED.value(m[s + i] & 0xFF) * mAbsmax));
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * (UNSIGNED.value(v[s + i] & 0xFF) * vAbsmax));
            mNew[i] = mi;
            vNew[i] = vi;
            mMax = Math.max(mMax, Math.abs(mi));
            vMax = Math.max(vMax, Math.abs(vi));
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p[pOff + i] = c.paramScale() * pi + c.negStepSize() * mi / denom;
        }
        max[0] = mMax;
        max[1] = vMax;
    }

    /**
     * {@code map}'s codes (SIGNED or UNSIGNED) of {@code x[from, to)} scaled by
     * {@link BlockwiseQuantizer#inverseScale}{@code (absmax)}, into {@code codes[at + from..]}: the binary
     * search's codes, looked up.
     */
    static void encode(QuantizationMap map, float[] x, int from, int to, float absmax, byte[] codes, int at) {
        QuantizationLookup lookup = map == SIGNED ? SIGNED_CODES : UNSIGNED_CODES;
        float inv = BlockwiseQuantizer.inverseScale(absmax);
        for (int i = from; i < to; i++) {
            codes[at + i] = (byte) lookup.encode(x[i] * inv);
        }
    }

    // ---- SGD momentum and Lion with compressed state ----

    @Override
    public void sgdMomentumBf16(float[] p, int pOff, float[] g, int gOff, short[] b, int index, int n,
                                SgdCoefficients c, StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip()));
            float bi = Math.fma(c.bufferGradScale(), d, c.momentum() * BFloat16.toFloat(b[index + i]));
            float u = Math.fma(c.lookahead(), bi, c.nesterovGradScale() * d);
            b[index + i] = round(bi, rounding, index + i);
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }

    @Override
    public void sgdMomentum8bit(float[] p, int pOff, float[] g, int gOff, byte[] b, float[] scale, int index, int n,
                                int blockSize, SgdCoefficients c) {
        float[] bNew = new float[Math.min(n, blockSize)];
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            int block = (index + start) / blockSize;
            float max = sgdMomentum8bitUpdate(p, pOff + start, g, gOff + start, b, index + start, scale[block],
                    bNew, 0, len, c, 0f);
            scale[block] = max;
            encode(SIGNED, bNew, 0, len, max, b, index + start);
        }
    }

    /**
     * Decodes, updates and writes the parameter for elements {@code [from, to)} of a block starting at
     * state element {@code s}; leaves the float32 buffer in {@code bNew} and returns {@code max} folded
     * with its absolute maximum. The Panama kernel's tail.
     */
    static float sgdMomentum8bitUpdate(float[] p, int pOff, float[] g, int gOff, byte[] b, int s, float absmax,
                                       float[] bNew, int from, int to, SgdCoefficients c, float max) {
        for (int i = from; i < to; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip()));
            float bi = Math.fma(c.bufferGradScale(), d, c.momentum() * (SIGNED.value(b[s + i] & 0xFF) * absmax));
            float u = Math.fma(c.lookahead(), bi, c.nesterovGradScale() * d);
            bNew[i] = bi;
            max = Math.max(max, Math.abs(bi));
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
        return max;
    }

    @Override
    public void lionBf16(float[] p, int pOff, float[] g, int gOff, short[] m, int index, int n, LionCoefficients c,
                         StateRounding rounding) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip());
            float mOld = BFloat16.toFloat(m[index + i]);
            float ci = Math.fma(c.oneMinusBeta1(), d, c.beta1() * mOld);
            m[index + i] = round(Math.fma(c.oneMinusBeta2(), d, c.beta2() * mOld), rounding, index + i);
            p[pOff + i] = Math.fma(c.negLr(), ScalarOptimizerKernels.sign(ci), c.paramScale() * p[pOff + i]);
        }
    }

    @Override
    public void lion8bit(float[] p, int pOff, float[] g, int gOff, byte[] m, float[] scale, int index, int n,
                         int blockSize, LionCoefficients c) {
        float[] mNew = new float[Math.min(n, blockSize)];
        for (int start = 0; start < n; start += blockSize) {
            int len = Math.min(blockSize, n - start);
            int block = (index + start) / blockSize;
            float max = lion8bitUpdate(p, pOff + start, g, gOff + start, m, index + start, scale[block],
                    mNew, 0, len, c, 0f);
            scale[block] = max;
            encode(SIGNED, mNew, 0, len, max, m, index + start);
        }
    }

    /** {@link #sgdMomentum8bitUpdate}'s counterpart for Lion: the Panama kernel's tail. */
    static float lion8bitUpdate(float[] p, int pOff, float[] g, int gOff, byte[] m, int s, float absmax,
                                float[] mNew, int from, int to, LionCoefficients c, float max) {
        for (int i = from; i < to; i++) {
            float d = c.gradScale() * ScalarOptimizerKernels.clamp(g[gOff + i], c.gradClip());
            float mOld = SIGNED.value(m[s + i] & 0xFF) * absmax;
            float ci = Math.fma(c.oneMinusBeta1(), d, c.beta1() * mOld);
            float mi = Math.fma(c.oneMinusBeta2(), d, c.beta2() * mOld);
            mNew[i] = mi;
            max = Math.max(max, Math.abs(mi));
            p[pOff + i] = Math.fma(c.negLr(), ScalarOptimizerKernels.sign(ci), c.paramScale() * p[pOff + i]);
        }
        return max;
    }

    /** {@code x} as bfloat16 bits, rounded as {@code rounding} says with the lower 16 random bits of element {@code k}. */
    private static short round(float x, StateRounding rounding, int k) {
        return rounding.stochastic() ? BFloat16.fromFloatStochastic(x, CounterGaussian.bits(rounding.key(), k))
                : BFloat16.fromFloat(x);
    }

    // ---- the generic path's 8-bit codec ----

    @Override
    public void decode8bit(byte[] codes, float[] absmax, int blockSize, boolean signed, int index, float[] dst, int n) {
        QuantizationMap map = signed ? SIGNED : UNSIGNED;
        for (int start = 0; start < n; start += blockSize) {
            int end = Math.min(n, start + blockSize);
            float scale = absmax[(index + start) / blockSize];
            for (int i = start; i < end; i++) {
                dst[i] = map.value(codes[index + i] & 0xFF) * scale;
            }
        }
    }

    /**
     * The codes {@link #encode} gives, looked up ({@link QuantizationLookup#encode}) rather than
     * searched, and each block's maximum folded in four lanes (a maximum of absolute values does not
     * depend on the order it is taken in, NaN included).
     */
    @Override
    public void encode8bit(float[] src, int n, byte[] codes, float[] absmax, int blockSize, boolean signed, int index) {
        QuantizationLookup lookup = signed ? SIGNED_CODES : UNSIGNED_CODES;
        for (int start = 0; start < n; start += blockSize) {
            int end = Math.min(n, start + blockSize);
            float m0 = 0f;
            float m1 = 0f;
            float m2 = 0f;
            float m3 = 0f;
            int i = start;
            for (; i + 4 <= end; i += 4) {
                m0 = Math.max(m0, Math.abs(src[i]));
                m1 = Math.max(m1, Math.abs(src[i + 1]));
                m2 = Math.max(m2, Math.abs(src[i + 2]));
                m3 = Math.max(m3, Math.abs(src[i + 3]));
            }
            for (; i < end; i++) {
                m0 = Math.max(m0, Math.abs(src[i]));
            }
            float max = Math.max(Math.max(m0, m1), Math.max(m2, m3));
            absmax[(index + start) / blockSize] = max;
            float inv = BlockwiseQuantizer.inverseScale(max);
            for (int k = start; k < end; k++) {
                codes[index + k] = (byte) lookup.encode(src[k] * inv);
            }
        }
    }
}
