package vecopt.engine.kernels;

/**
 * The reference kernels: plain Java loops, one element at a time, in the exact operation order
 * {@link OptimizerKernels} documents. The Panama kernels call these for their tails.
 */
public final class ScalarOptimizerKernels implements OptimizerKernels {

    /** The one instance; the class holds no state. */
    public static final ScalarOptimizerKernels INSTANCE = new ScalarOptimizerKernels();

    private ScalarOptimizerKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBitSize() {
        return Float.SIZE;
    }

    @Override
    public void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            p[pOff + i] = Math.fma(c.negLr(), d, pi);
        }
    }

    @Override
    public void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float bi = Math.fma(c.bufferGradScale(), d, c.momentum() * b[bOff + i]);
            float u = Math.fma(c.lookahead(), bi, c.nesterovGradScale() * d);
            b[bOff + i] = bi;
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }

    // ---- Adagrad, RMSprop, Adadelta ----

    @Override
    public void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float si = Math.fma(d, d, s[sOff + i]);
            s[sOff + i] = si;
            p[pOff + i] = pi + c.negLr() * d / ((float) Math.sqrt(si) + c.eps());
        }
    }

    @Override
    public void rmsprop(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                        float[] b, int bOff, int n, RMSpropCoefficients c) {
        boolean centered = a != null;
        boolean momentum = b != null;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float e = c.oneMinusAlpha() * d;
            float vi = Math.fma(e, d, c.alpha() * v[vOff + i]);
            v[vOff + i] = vi;
            float w = vi;
            if (centered) {
                float ai = Math.fma(c.oneMinusAlpha(), d, c.alpha() * a[aOff + i]);
                a[aOff + i] = ai;
                w = Math.fma(-ai, ai, vi);
            }
            float avg = (float) Math.sqrt(w + c.epsInsideSqrt()) + c.epsOutsideSqrt();
            if (momentum) {
                float bi = c.momentum() * b[bOff + i] + d / avg;
                b[bOff + i] = bi;
                p[pOff + i] = Math.fma(c.negLr(), bi, pi);
            } else {
                p[pOff + i] = pi + c.negLr() * d / avg;
            }
        }
    }

    @Override
    public void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                         int n, AdadeltaCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float vi = Math.fma(c.oneMinusRho() * d, d, c.rho() * v[vOff + i]);
            float u = (float) Math.sqrt((x[xOff + i] + c.eps()) / (vi + c.eps())) * d;
            v[vOff + i] = vi;
            x[xOff + i] = Math.fma(c.oneMinusRho() * u, u, c.rho() * x[xOff + i]);
            p[pOff + i] = Math.fma(c.negLr(), u, pi);
        }
    }

    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----

    @Override
    public void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, AdamCoefficients c) {
        adamLoop(p, pOff, g, gOff, m, mOff, v, vOff, null, 0, n, c);
    }

    @Override
    public void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        adamLoop(p, pOff, g, gOff, m, mOff, v, vOff, vMax, vMaxOff, n, c);
    }

    /** Both Adam kernels; AMSGrad when {@code vMax} is not null. */
    private static void adamLoop(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                 float[] vMax, int vMaxOff, int n, AdamCoefficients c) {
        boolean amsgrad = vMax != null;
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            if (amsgrad) {
                vi = Math.max(vMax[vMaxOff + i], vi);
                vMax[vMaxOff + i] = vi;
            }
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p[pOff + i] = c.paramScale() * pi + c.negStepSize() * mi / denom;
        }
    }

    @Override
    public void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                       int n, AdamaxCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float ui = Math.max(c.beta2() * u[uOff + i], Math.abs(d) + c.eps());
            m[mOff + i] = mi;
            u[uOff + i] = ui;
            p[pOff + i] = pi + c.negStepSize() * mi / ui;
        }
    }

    @Override
    public void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, NAdamCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi * c.invBias2()) + c.eps();
            float step = Math.fma(c.gradStep(), d, c.momentumStep() * mi);
            p[pOff + i] = Math.fma(c.paramScale(), pi, step / denom);
        }
    }

    @Override
    public void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, RAdamCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = Math.fma(c.rootScale(), (float) Math.sqrt(vi), c.denomOffset());
            p[pOff + i] = c.paramScale() * pi + c.negStepSize() * mi / denom;
        }
    }

    // ---- Lion, AdaBelief, Yogi ----

    @Override
    public void lion(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n, LionCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float mi = m[mOff + i];
            float ci = Math.fma(c.oneMinusBeta1(), d, c.beta1() * mi);
            m[mOff + i] = Math.fma(c.oneMinusBeta2(), d, c.beta2() * mi);
            p[pOff + i] = Math.fma(c.negLr(), sign(ci), c.paramScale() * p[pOff + i]);
        }
    }

    @Override
    public void adabelief(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] s, int sOff,
                          int n, AdaBeliefCoefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float mOld = m[mOff + i];
            float r = c.beta1() * (d - mOld);
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * mOld);
            float si = Math.fma(c.oneMinusBeta2() * r, r, c.beta2() * s[sOff + i]) + c.eps();
            m[mOff + i] = mi;
            s[sOff + i] = si;
            float denom = Math.fma((float) Math.sqrt(si), c.invSqrtBias2(), c.eps());
            p[pOff + i] = c.paramScale() * pi + c.negStepSize() * mi / denom;
        }
    }

    @Override
    public void yogi(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     int n, YogiCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float vOld = v[vOff + i];
            float diff = Math.fma(-d, d, vOld);
            float vi = diff > 0 ? Math.fma(c.beta2() * d, d, diff)
                    : diff < 0 ? Math.fma(c.oneMinusBeta2() * d, d, vOld)
                    : diff == 0 ? vOld : diff;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            p[pOff + i] = p[pOff + i] + c.negStepSize() * mi / denom;
        }
    }

    // ---- ADOPT, AdEMAMix ----

    @Override
    public void adopt(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                      int n, ADOPTCoefficients c) {
        if (c.firstStep()) {
            for (int i = 0; i < n; i++) {
                float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
                v[vOff + i] = d * d;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float vOld = v[vOff + i];
            float x = clamp(d / Math.max((float) Math.sqrt(vOld), c.eps()), c.updateClip());
            float mi = Math.fma(c.oneMinusBeta1(), x, c.beta1() * m[mOff + i]);
            m[mOff + i] = mi;
            p[pOff + i] = Math.fma(c.negLr(), mi, c.paramScale() * p[pOff + i]);
            v[vOff + i] = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * vOld);
        }
    }

    @Override
    public void ademamix(float[] p, int pOff, float[] g, int gOff, float[] m1, int m1Off, float[] m2, int m2Off,
                         float[] v, int vOff, int n, AdEMAMixCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float fast = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m1[m1Off + i]);
            float slow = Math.fma(c.oneMinusBeta3(), d, c.beta3() * m2[m2Off + i]);
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            m1[m1Off + i] = fast;
            m2[m2Off + i] = slow;
            v[vOff + i] = vi;
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            float u = Math.fma(c.alpha(), slow, c.invBias1() * fast);
            p[pOff + i] = Math.fma(c.negLr(), u / denom, c.paramScale() * p[pOff + i]);
        }
    }

    /** 1 for {@code x > 0}, -1 for {@code x < 0}, +0 for either zero, {@code x} itself (NaN) otherwise. */
    static float sign(float x) {
        return x > 0 ? 1f : x < 0 ? -1f : x == 0 ? 0f : x;
    }

    // ---- Schedule-free SGD and AdamW ----

    @Override
    public void sgdScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, int n,
                                SGDScheduleFreeCoefficients c) {
        boolean first = c.firstStep();
        boolean fromZ = c.lerpFromZ();
        for (int i = 0; i < n; i++) {
            float y = p[pOff + i];
            float d = Math.fma(c.weightDecay(), y, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float zo = first ? y : z[zOff + i];
            float q = Math.fma(c.lerpScale(), zo - y, fromZ ? zo : y);
            p[pOff + i] = Math.fma(c.yGradStep(), d, q);
            z[zOff + i] = Math.fma(c.negLr(), d, zo);
        }
    }

    @Override
    public void adamWScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, float[] v, int vOff,
                                  int n, AdamWScheduleFreeCoefficients c) {
        boolean first = c.firstStep();
        boolean fromZ = c.lerpFromZ();
        for (int i = 0; i < n; i++) {
            float y = p[pOff + i];
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            v[vOff + i] = vi;
            float denom = Math.fma((float) Math.sqrt(vi), c.invSqrtBias2(), c.eps());
            float u = Math.fma(c.weightDecay(), y, d / denom);
            float zo = first ? y : z[zOff + i];
            float q = Math.fma(c.lerpScale(), zo - y, fromZ ? zo : y);
            p[pOff + i] = Math.fma(c.yGradStep(), u, q);
            z[zOff + i] = Math.fma(c.negLr(), u, zo);
        }
    }

    @Override
    public void scheduleFreeEval(float[] p, int pOff, float[] z, int zOff, float[] y, int yOff, int n,
                                 ScheduleFreeEvalCoefficients c) {
        boolean fromZ = c.lerpFromZ();
        for (int i = 0; i < n; i++) {
            float yi = p[pOff + i];
            float zi = z[zOff + i];
            y[yOff + i] = yi;
            p[pOff + i] = Math.fma(c.lerpScale(), zi - yi, fromZ ? zi : yi);
        }
    }

    // ---- Rprop, ASGD ----

    @Override
    public void rprop(float[] p, int pOff, float[] g, int gOff, float[] prev, int prevOff, float[] s, int sOff,
                      int n, RpropCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float q = d * prev[prevOff + i];
            float factor = q > 0 ? c.etaplus() : q < 0 ? c.etaminus() : 1f;
            float si = Math.min(Math.max(s[sOff + i] * factor, c.stepSizeMin()), c.stepSizeMax());
            d = q < 0 ? 0f : d;
            float sign = (d > 0 ? 1f : 0f) - (d < 0 ? 1f : 0f);
            s[sOff + i] = si;
            prev[prevOff + i] = d;
            p[pOff + i] = Math.fma(-sign, si, p[pOff + i]);
        }
    }

    @Override
    public void asgd(float[] p, int pOff, float[] g, int gOff, float[] ax, int axOff, int n, ASGDCoefficients c) {
        boolean averaging = c.averaging();
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            pi = Math.fma(c.negEta(), d, c.paramScale() * pi);
            float ai = ax[axOff + i];
            float average = ai + (pi - ai) * c.mu();
            ax[axOff + i] = averaging ? average : pi;
            p[pOff + i] = pi;
        }
    }

    // ---- Lookahead ----

    @Override
    public void lookaheadSync(float[] p, int pOff, float[] slow, int slowOff, int n, float alpha) {
        for (int i = 0; i < n; i++) {
            float s = slow[slowOff + i];
            s = Math.fma(p[pOff + i] - s, alpha, s);
            slow[slowOff + i] = s;
            p[pOff + i] = s;
        }
    }

    // ---- Gradient accumulation ----

    @Override
    public void accumulate(float[] acc, int accOff, float[] g, int gOff, int n) {
        for (int i = 0; i < n; i++) {
            acc[accOff + i] = acc[accOff + i] + g[gOff + i];
        }
    }

    @Override
    public void accumulateMean(float[] g, int gOff, float[] acc, int accOff, int n, float k) {
        for (int i = 0; i < n; i++) {
            g[gOff + i] = (acc[accOff + i] + g[gOff + i]) / k;
            acc[accOff + i] = 0f;
        }
    }

    // ---- Passes over a gradient alone ----

    @Override
    public double sumOfSquares(float[] g, int off, int n) {
        float[] lanes = new float[SUM_OF_SQUARES_LANES];
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            sum += blockSquares(g, off + b, Math.min(SUM_OF_SQUARES_BLOCK, n - b), lanes);
        }
        return sum;
    }

    @Override
    public void blockSumsOfSquares(float[] g, int off, int n, double[] sums, int sumsOff) {
        float[] lanes = new float[SUM_OF_SQUARES_LANES];
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k++) {
            sums[k] = blockSquares(g, off + b, Math.min(SUM_OF_SQUARES_BLOCK, n - b), lanes);
        }
    }

    /** One block's sum of {@link #sumOfSquares}, with {@code lanes} as its accumulators. */
    private static double blockSquares(float[] g, int blockOff, int length, float[] lanes) {
        java.util.Arrays.fill(lanes, 0f);
        accumulateSquares(g, blockOff, 0, length, lanes);
        return blockSum(g, blockOff, length, lanes);
    }

    /**
     * Adds the squares of block elements {@code [from, length)} (block starting at {@code g[blockOff]},
     * {@code from} a multiple of 32) to their accumulators {@code lanes[i % 32]}.
     */
    static void accumulateSquares(float[] g, int blockOff, int from, int length, float[] lanes) {
        int i = from;
        for (; i + SUM_OF_SQUARES_LANES <= length; i += SUM_OF_SQUARES_LANES) {
            for (int j = 0; j < SUM_OF_SQUARES_LANES; j++) {
                float x = g[blockOff + i + j];
                lanes[j] = Math.fma(x, x, lanes[j]);
            }
        }
        for (int j = 0; i < length; i++, j++) {
            float x = g[blockOff + i];
            lanes[j] = Math.fma(x, x, lanes[j]);
        }
    }

    /** A block's sum from its accumulators; summed again in double if a float accumulator overflowed. */
    static double blockSum(float[] g, int blockOff, int length, float[] lanes) {
        double s = 0;
        for (int j = 0; j < SUM_OF_SQUARES_LANES; j++) {
            s += lanes[j];
        }
        if (s == Double.POSITIVE_INFINITY) {
            s = 0;
            for (int i = 0; i < length; i++) {
                double x = g[blockOff + i];
                s += x * x;
            }
        }
        return s;
    }

    @Override
    public void addGradientNoise(float[] g, int off, int n, long index, NoiseCoefficients c) {
        long key = c.key();
        float std = c.std();
        for (int i = 0; i < n; i++) {
            float z = CounterGaussian.gaussian(CounterGaussian.bits(key, index + i));
            g[off + i] = Math.fma(std, z, g[off + i]);
        }
    }

    /**
     * {@code g} clamped to {@code [-clip, clip]}; NaN stays NaN. An infinite bound skips the clamp: the
     * test is loop-invariant, so C2 unswitches the loop and the unclipped one has no extra instruction.
     * The clamp is min/max rather than conditionals because C2 auto-vectorizes min/max but not nested
     * conditional moves, which kept even the SGD loop to one element per instruction.
     */
    static float clamp(float g, float clip) {
        return clip < Float.POSITIVE_INFINITY ? Math.min(Math.max(g, -clip), clip) : g;
    }

    // ---- Weight averaging ----

    @Override
    public void averageEqual(float[] avg, int avgOff, float[] p, int pOff, int n, float count) {
        for (int i = 0; i < n; i++) {
            float a = avg[avgOff + i];
            avg[avgOff + i] = a + (p[pOff + i] - a) / count;
        }
    }

    @Override
    public void averageEma(float[] avg, int avgOff, float[] p, int pOff, int n, float decay, float oneMinusDecay) {
        for (int i = 0; i < n; i++) {
            avg[avgOff + i] = decay * avg[avgOff + i] + oneMinusDecay * p[pOff + i];
        }
    }

    @Override
    public void swapRanges(float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) {
            float t = a[aOff + i];
            a[aOff + i] = b[bOff + i];
            b[bOff + i] = t;
        }
    }
    // ---- LBFGS: dot products and axpy over slices of its flat vector ----

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        float[] lanes = new float[SUM_OF_SQUARES_LANES];
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            java.util.Arrays.fill(lanes, 0f);
            accumulateProducts(x, xOff + b, y, yOff + b, 0, length, lanes);
            sum += laneSum(lanes);
        }
        return sum;
    }

    /**
     * Adds the products of block pairs {@code [from, length)} (blocks starting at {@code x[xBlock]} and
     * {@code y[yBlock]}, {@code from} a multiple of 32) to their accumulators {@code lanes[i % 32]}.
     */
    static void accumulateProducts(float[] x, int xBlock, float[] y, int yBlock, int from, int length, float[] lanes) {
        int i = from;
        for (; i + SUM_OF_SQUARES_LANES <= length; i += SUM_OF_SQUARES_LANES) {
            for (int j = 0; j < SUM_OF_SQUARES_LANES; j++) {
                lanes[j] = Math.fma(x[xBlock + i + j], y[yBlock + i + j], lanes[j]);
            }
        }
        for (int j = 0; i < length; i++, j++) {
            lanes[j] = Math.fma(x[xBlock + i], y[yBlock + i], lanes[j]);
        }
    }

    /** The 32 accumulators added in order in double. */
    static double laneSum(float[] lanes) {
        double s = 0;
        for (int j = 0; j < SUM_OF_SQUARES_LANES; j++) {
            s += lanes[j];
        }
        return s;
    }

    @Override
    public void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = Math.fma(a, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void negate(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = -x[xOff + i];
        }
    }

    @Override
    public void scale(float a, float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a * x[xOff + i];
        }
    }

    @Override
    public void subtract(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] - y[yOff + i];
        }
    }

    @Override
    public float maxAbsScaled(float a, float[] x, int xOff, int n) {
        int max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Float.floatToRawIntBits(a * x[xOff + i]) & 0x7FFFFFFF);
        }
        return Float.intBitsToFloat(max);
    }

    @Override
    public double axpyDot(float a, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff, int n) {
        float[] lanes = new float[SUM_OF_SQUARES_LANES];
        double sum = 0;
        for (int b = 0; b < n; b += SUM_OF_SQUARES_BLOCK) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            java.util.Arrays.fill(lanes, 0f);
            axpyAccumulate(a, x, xOff + b, y, yOff + b, z, zOff + b, 0, length, lanes);
            sum += laneSum(lanes);
        }
        return sum;
    }

    /** {@link #axpy} over block elements {@code [from, length)}, then their products with z into {@code lanes[i % 32]}. */
    static void axpyAccumulate(float a, float[] x, int xBlock, float[] y, int yBlock, float[] z, int zBlock, int from,
                               int length, float[] lanes) {
        int i = from;
        for (; i + SUM_OF_SQUARES_LANES <= length; i += SUM_OF_SQUARES_LANES) {
            for (int j = 0; j < SUM_OF_SQUARES_LANES; j++) {
                float v = Math.fma(a, x[xBlock + i + j], y[yBlock + i + j]);
                y[yBlock + i + j] = v;
                lanes[j] = Math.fma(z[zBlock + i + j], v, lanes[j]);
            }
        }
        for (int j = 0; i < length; i++, j++) {
            float v = Math.fma(a, x[xBlock + i], y[yBlock + i]);
            y[yBlock + i] = v;
            lanes[j] = Math.fma(z[zBlock + i], v, lanes[j]);
        }
    }
    // ---- LAMB, LARS: the passes of the trust-ratio rules ----

    @Override
    public void lambMoments(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                            int n, double[] sums, int sumsOff, LAMBCoefficients c) {
        float[] pLanes = new float[SUM_OF_SQUARES_LANES];
        float[] uLanes = new float[SUM_OF_SQUARES_LANES];
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k += 2) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            java.util.Arrays.fill(pLanes, 0f);
            java.util.Arrays.fill(uLanes, 0f);
            lambMomentsOfBlock(p, pOff + b, g, gOff + b, m, mOff + b, v, vOff + b, 0, length, c, pLanes, uLanes);
            lambBlockSums(p, pOff + b, m, mOff + b, v, vOff + b, length, c, pLanes, uLanes, sums, k);
        }
    }

    /**
     * {@link #lambMoments} over block elements {@code [from, length)}, the block's arrays starting at the
     * given offsets: the squares of element {@code i} go to the lanes {@code i % 32}.
     */
    static void lambMomentsOfBlock(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                                   int from, int length, LAMBCoefficients c, float[] pLanes, float[] uLanes) {
        for (int i = from; i < length; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float mi = Math.fma(c.oneMinusBeta1(), d, c.beta1() * m[mOff + i]);
            float vi = Math.fma(c.oneMinusBeta2() * d, d, c.beta2() * v[vOff + i]);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float pi = p[pOff + i];
            float u = lambDirection(pi, mi, vi, c);
            int j = i & (SUM_OF_SQUARES_LANES - 1);
            pLanes[j] = Math.fma(pi, pi, pLanes[j]);
            uLanes[j] = Math.fma(u, u, uLanes[j]);
        }
    }

    /** LAMB's update direction from the new moments: the Adam step plus the decoupled decay. */
    static float lambDirection(float p, float m, float v, LAMBCoefficients c) {
        return Math.fma(c.weightDecay(), p, c.invBias1() * m / Math.fma((float) Math.sqrt(v), c.invSqrtBias2(), c.eps()));
    }

    /**
     * A LAMB block's two sums from its lanes into {@code sums[k]} and {@code sums[k + 1]}; either summed
     * again in double from the elements (u recomputed from the moments written) when its lanes fell out
     * of float32's normal range.
     */
    static void lambBlockSums(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, int length,
                              LAMBCoefficients c, float[] pLanes, float[] uLanes, double[] sums, int k) {
        sums[k] = laneSum(pLanes);
        if (needsSumInDouble(sums[k])) {
            sums[k] = squaresInDouble(p, pOff, length);
        }
        double u = laneSum(uLanes);
        if (needsSumInDouble(u)) {
            u = 0;
            for (int i = 0; i < length; i++) {
                double x = lambDirection(p[pOff + i], m[mOff + i], v[vOff + i], c);
                u += x * x;
            }
        }
        sums[k + 1] = u;
    }

    @Override
    public void lambUpdate(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, int n, LAMBCoefficients c,
                           float stepScale) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            p[pOff + i] = Math.fma(stepScale, lambDirection(pi, m[mOff + i], v[vOff + i], c), pi);
        }
    }

    @Override
    public void larsSumsOfSquares(float[] p, int pOff, float[] g, int gOff, int n, double[] sums, int sumsOff,
                                  LARSCoefficients c) {
        float[] pLanes = new float[SUM_OF_SQUARES_LANES];
        float[] uLanes = new float[SUM_OF_SQUARES_LANES];
        for (int b = 0, k = sumsOff; b < n; b += SUM_OF_SQUARES_BLOCK, k += 2) {
            int length = Math.min(SUM_OF_SQUARES_BLOCK, n - b);
            java.util.Arrays.fill(pLanes, 0f);
            java.util.Arrays.fill(uLanes, 0f);
            larsSquaresOfBlock(p, pOff + b, g, gOff + b, 0, length, c, pLanes, uLanes);
            larsBlockSums(p, pOff + b, g, gOff + b, length, c, pLanes, uLanes, sums, k);
        }
    }

    /** {@link #larsSumsOfSquares} over block elements {@code [from, length)}, into the lanes {@code i % 32}. */
    static void larsSquaresOfBlock(float[] p, int pOff, float[] g, int gOff, int from, int length, LARSCoefficients c,
                                   float[] pLanes, float[] uLanes) {
        for (int i = from; i < length; i++) {
            float pi = p[pOff + i];
            float u = larsDirection(pi, g[gOff + i], c);
            int j = i & (SUM_OF_SQUARES_LANES - 1);
            pLanes[j] = Math.fma(pi, pi, pLanes[j]);
            uLanes[j] = Math.fma(u, u, uLanes[j]);
        }
    }

    /** LARS's update direction: the gradient with coupled decay, as the SGD kernels compute {@code d}. */
    static float larsDirection(float p, float g, LARSCoefficients c) {
        return Math.fma(c.weightDecay(), p, c.gradScale() * clamp(g, c.gradClip()));
    }

    /** A LARS block's two sums, as {@link #lambBlockSums}. */
    static void larsBlockSums(float[] p, int pOff, float[] g, int gOff, int length, LARSCoefficients c,
                              float[] pLanes, float[] uLanes, double[] sums, int k) {
        sums[k] = laneSum(pLanes);
        if (needsSumInDouble(sums[k])) {
            sums[k] = squaresInDouble(p, pOff, length);
        }
        double u = laneSum(uLanes);
        if (needsSumInDouble(u)) {
            u = 0;
            for (int i = 0; i < length; i++) {
                double x = larsDirection(p[pOff + i], g[gOff + i], c);
                u += x * x;
            }
        }
        sums[k + 1] = u;
    }

    /**
     * Whether a block's float lanes may be wrong: one overflowed (an element above about 1.8e19), or the
     * sum is so small that squares below float32's normal range (elements below about 1e-19) may have
     * lost their digits or vanished. A trust ratio divides by such a norm, so it is summed again in double.
     */
    static boolean needsSumInDouble(double laneSum) {
        return laneSum == Double.POSITIVE_INFINITY || laneSum < 0x1p-100;
    }

    /** {@code x0^2 + x1^2 + ...} over {@code a[off, off + length)}, each square exact in double, added in order. */
    static double squaresInDouble(float[] a, int off, int length) {
        double s = 0;
        for (int i = 0; i < length; i++) {
            double x = a[off + i];
            s += x * x;
        }
        return s;
    }
    // ---- Adafactor ----

    @Override
    public void adafactorSquareSums(float[] g, int gOff, int rows, int cols, float[] rowSums, int rowOff,
                                    float[] colSums, int colOff, AdafactorCoefficients c) {
        float[] lanes = new float[ADAFACTOR_LANES];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(lanes, 0f);
            squareSumsOfRow(g, gOff + r * cols, 0, cols, lanes, colSums, colOff, c);
            rowSums[rowOff + r] = (float) laneSum(lanes);
        }
    }

    /**
     * Adds the squares of a row's elements {@code [from, cols)} ({@code from} a multiple of 32) to their
     * lanes and to their columns' sums: {@link #adafactorSquareSums} for one row, and its vector tail.
     */
    static void squareSumsOfRow(float[] g, int rowStart, int from, int cols, float[] lanes, float[] colSums, int colOff,
                                AdafactorCoefficients c) {
        for (int col = from; col < cols; col++) {
            float d = c.gradScale() * clamp(g[rowStart + col], c.gradClip());
            int j = col & (ADAFACTOR_LANES - 1);
            lanes[j] = Math.fma(d, d, lanes[j]);
            colSums[colOff + col] = Math.fma(d, d, colSums[colOff + col]);
        }
    }

    @Override
    public void adafactorFactoredSquares(float[] p, int pOff, float[] g, int gOff, int rows, int cols, float[] rowScale,
                                         int rowOff, float[] colScale, int colOff, double[] sums, int sumsOff,
                                         AdafactorCoefficients c) {
        float[] lanes = new float[2 * ADAFACTOR_LANES];
        for (int r = 0; r < rows; r++) {
            factoredSquaresOfRow(p, pOff + r * cols, g, gOff + r * cols, 0, cols, rowScale[rowOff + r], colScale, colOff,
                    lanes, c);
        }
        storeSums(lanes, sums, sumsOff);
    }

    /**
     * Adds the squares of a row's parameter elements and unscaled updates at columns {@code [from, cols)}
     * ({@code from} a multiple of 32) to their lanes: {@code lanes[j]} for p, {@code lanes[32 + j]} for u.
     */
    static void factoredSquaresOfRow(float[] p, int pStart, float[] g, int gStart, int from, int cols, float rowScale,
                                     float[] colScale, int colOff, float[] lanes, AdafactorCoefficients c) {
        for (int col = from; col < cols; col++) {
            float pi = p[pStart + col];
            float u = factoredUpdate(g[gStart + col], rowScale, colScale[colOff + col], c);
            int j = col & (ADAFACTOR_LANES - 1);
            lanes[j] = Math.fma(pi, pi, lanes[j]);
            lanes[ADAFACTOR_LANES + j] = Math.fma(u, u, lanes[ADAFACTOR_LANES + j]);
        }
    }

    /** The unscaled update of one element of a factored parameter. */
    static float factoredUpdate(float g, float rowScale, float colScale, AdafactorCoefficients c) {
        float d = c.gradScale() * clamp(g, c.gradClip());
        return d * Math.min(rowScale * colScale, c.invEps1());
    }

    /** The parameter's and the update's lanes, each added in order in double, into {@code sums}. */
    static void storeSums(float[] lanes, double[] sums, int sumsOff) {
        double a = 0;
        double b = 0;
        for (int j = 0; j < ADAFACTOR_LANES; j++) {
            a += lanes[j];
            b += lanes[ADAFACTOR_LANES + j];
        }
        sums[sumsOff] = a;
        sums[sumsOff + 1] = b;
    }

    @Override
    public void adafactorFactoredUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int rows,
                                        int cols, float[] rowScale, int rowOff, float[] colScale, int colOff,
                                        float stepSize, AdafactorCoefficients c) {
        for (int r = 0; r < rows; r++) {
            factoredUpdateOfRow(p, pOff + r * cols, g, gOff + r * cols, m, m == null ? 0 : mOff + r * cols, 0, cols,
                    rowScale[rowOff + r], colScale, colOff, stepSize, c);
        }
    }

    /** {@link #adafactorFactoredUpdate} of a row's columns {@code [from, cols)}. */
    static void factoredUpdateOfRow(float[] p, int pStart, float[] g, int gStart, float[] m, int mStart, int from,
                                    int cols, float rowScale, float[] colScale, int colOff, float stepSize,
                                    AdafactorCoefficients c) {
        for (int col = from; col < cols; col++) {
            float u = factoredUpdate(g[gStart + col], rowScale, colScale[colOff + col], c);
            p[pStart + col] = adafactorStep(p, pStart + col, u, m, mStart + col, stepSize, c);
        }
    }

    /** The new value of {@code p[at]} from its unscaled update, moving the first moment {@code m[mAt]} if kept. */
    private static float adafactorStep(float[] p, int at, float u, float[] m, int mAt, float stepSize,
                                       AdafactorCoefficients c) {
        if (m == null) {
            return Math.fma(-stepSize, u, c.paramScale() * p[at]);
        }
        float mi = Math.fma(c.oneMinusBeta1(), stepSize * u, c.beta1() * m[mAt]);
        m[mAt] = mi;
        return c.paramScale() * p[at] - mi;
    }

    @Override
    public void adafactorVectorSquares(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, int n,
                                       double[] sums, int sumsOff, AdafactorCoefficients c) {
        float[] lanes = new float[2 * ADAFACTOR_LANES];
        vectorSquares(p, pOff, g, gOff, v, vOff, 0, n, lanes, c);
        storeSums(lanes, sums, sumsOff);
    }

    /** {@link #adafactorVectorSquares} of elements {@code [from, n)} ({@code from} a multiple of 32), into lanes. */
    static void vectorSquares(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, int from, int n,
                              float[] lanes, AdafactorCoefficients c) {
        for (int i = from; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float vi = c.lerp(v[vOff + i], d * d);
            v[vOff + i] = vi;
            float u = d / (float) Math.sqrt(Math.max(vi, c.eps1Squared()));
            float pi = p[pOff + i];
            int j = i & (ADAFACTOR_LANES - 1);
            lanes[j] = Math.fma(pi, pi, lanes[j]);
            lanes[ADAFACTOR_LANES + j] = Math.fma(u, u, lanes[ADAFACTOR_LANES + j]);
        }
    }

    @Override
    public void adafactorVectorUpdate(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] m,
                                      int mOff, int n, float stepSize, AdafactorCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float u = d / (float) Math.sqrt(Math.max(v[vOff + i], c.eps1Squared()));
            p[pOff + i] = adafactorStep(p, pOff + i, u, m, mOff + i, stepSize, c);
        }
    }

    // ---- Muon ----

    @Override
    public void muonMomentum(float[] g, int gOff, float[] buf, int bufOff, float[] u, int uOff, int n,
                             MuonCoefficients c) {
        for (int i = 0; i < n; i++) {
            float d = c.gradScale() * clamp(g[gOff + i], c.gradClip());
            float b = AdafactorCoefficients.lerp(buf[bufOff + i], d, c.momentumWeight(), c.momentumComplement());
            buf[bufOff + i] = b;
            u[uOff + i] = c.nesterov() ? AdafactorCoefficients.lerp(d, b, c.nesterovWeight(), c.nesterovComplement()) : b;
        }
    }

    @Override
    public void muonApply(float[] p, int pOff, float[] o, int oOff, int n, MuonCoefficients c) {
        for (int i = 0; i < n; i++) {
            p[pOff + i] = Math.fma(c.negAdjustedLr(), o[oOff + i], c.paramScale() * p[pOff + i]);
        }
    }

    /** Rows by columns by inner products per tile: the row of C and the rows of B a tile touches stay in L1 and L2. */
    static final int MATMUL_TILE_K = 128;
    static final int MATMUL_TILE_N = 512;

    @Override
    public void matmulAdd(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m,
                          int k, int n, float alpha) {
        for (int p0 = 0; p0 < k; p0 += MATMUL_TILE_K) {
            int p1 = Math.min(k, p0 + MATMUL_TILE_K);
            for (int j0 = 0; j0 < n; j0 += MATMUL_TILE_N) {
                int j1 = Math.min(n, j0 + MATMUL_TILE_N);
                for (int i = 0; i < m; i++) {
                    matmulRow(transposeA, a, aOff, b, bOff, c, cOff, m, k, n, alpha, i, p0, p1, j0, j1);
                }
            }
        }
    }

    /** Row {@code i} of {@code C}, columns {@code [j0, j1)}, inner products over {@code [p0, p1)} in order. */
    static void matmulRow(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m,
                          int k, int n, float alpha, int i, int p0, int p1, int j0, int j1) {
        int row = cOff + i * n;
        for (int p = p0; p < p1; p++) {
            float s = alpha * (transposeA ? a[aOff + p * m + i] : a[aOff + i * k + p]);
            int bRow = bOff + p * n;
            for (int j = j0; j < j1; j++) {
                c[row + j] = Math.fma(s, b[bRow + j], c[row + j]);
            }
        }
    }
}
