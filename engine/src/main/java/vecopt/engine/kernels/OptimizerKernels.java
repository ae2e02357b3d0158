package vecopt.engine.kernels;

/**
 * Every fused update rule, one method each. Internal: the optimizers check every range and offset
 * once, at their public entry, and the kernels trust them. A call reads and writes each array once over
 * {@code n} elements starting at its own offset (the parameter, its gradient and each state buffer
 * may live in different arrays at different offsets). All arithmetic is float32; per-step scalars
 * arrive precomputed in the coefficients record.
 *
 * <p>The equations follow ATen's order of operations where that costs no extra division or square
 * root, so that they round as PyTorch does: {@code t.mul_(a).add_(x, alpha=b)} is
 * {@code fma(b, x, a * t)}, {@code t.addcmul_(x, y, value=c)} is {@code fma(c * x, y, t)} and
 * {@code t.addcdiv_(x, y, value=c)} is {@code t + c * x / y} (product first, then quotient, then sum).
 *
 * <p>Every rule reads its gradient as {@code gradScale * clamp(g)}: {@code clamp(g)} is {@code g}
 * clamped to {@code [-gradClip, gradClip]} ({@code g > gradClip ? gradClip : g < -gradClip ? -gradClip
 * : g}, so NaN stays NaN; an infinite {@code gradClip} leaves {@code g} as it is), which is clipping by
 * value; {@code gradScale} is the sign ({@code -1} to maximize) times the norm-clipping coefficient, so
 * clipping by the global norm costs no pass of its own beyond {@link #sumOfSquares}.
 *
 * <p>Implementations give bit-identical results: {@link ScalarOptimizerKernels} is the reference and
 * {@code PanamaOptimizerKernels} does the same operations, in the same order, on vectors. That holds
 * for the reduction {@link #sumOfSquares} and the noise of {@link #addGradientNoise} too, at every
 * vector width. Get the implementation for this JVM from {@link OptimizerKernelsProvider#get()}.
 */
public interface OptimizerKernels {

    /**
     * Elements per block of {@link #sumOfSquares}. A range split at multiples of it, whose block sums
     * are added in block order, gives the bits of one call over the whole range.
     */
    int SUM_OF_SQUARES_BLOCK = 4096;

    /** Float accumulators per block of {@link #sumOfSquares}, the same at every vector width. */
    int SUM_OF_SQUARES_LANES = 32;

    /** {@code "scalar"} or {@code "panama"}. */
    String name();

    /** Width of the SIMD registers used, or 32 for the scalar kernels. */
    int vectorBitSize();

    /**
     * SGD without a momentum buffer.
     * <pre>
     * d = fma(weightDecay, p, gradScale * clamp(g))
     * p = fma(-lr, d, p)
     * </pre>
     */
    void sgd(float[] p, int pOff, float[] g, int gOff, int n, SgdCoefficients c);

    /**
     * SGD with a momentum buffer {@code b}; Nesterov and dampening are coefficients. The buffer
     * follows ATen's {@code buf.mul_(momentum).add_(d, alpha=1 - dampening)}, whose {@code add_} is a
     * fused multiply-add, so the results equal PyTorch's bit for bit. A new buffer holds {@code -0}
     * and its first step has {@code momentum = 0}, {@code bufferGradScale = 1}: {@code b = d + (-0)}
     * is {@code d}, the sign of a zero {@code d} included, like PyTorch's {@code clone(d)}.
     * <pre>
     * d = fma(weightDecay, p, gradScale * clamp(g))
     * b = fma(bufferGradScale, d, momentum * b)
     * u = fma(lookahead, b, nesterovGradScale * d)
     * p = fma(-lr, u, p)
     * </pre>
     */
    void sgdMomentum(float[] p, int pOff, float[] g, int gOff, float[] b, int bOff, int n, SgdCoefficients c);

    // ---- Adagrad, RMSprop, Adadelta ----

    /**
     * Adagrad with the running sum of squared gradients {@code s} ({@code sum}).
     * <pre>
     * d = fma(weightDecay, p, gradScale * clamp(g))
     * s = fma(d, d, s)
     * p = p + negLr * d / (sqrt(s) + eps)
     * </pre>
     */
    void adagrad(float[] p, int pOff, float[] g, int gOff, float[] s, int sOff, int n, AdagradCoefficients c);

    /**
     * RMSprop with the running mean of squared gradients {@code v} ({@code square_avg}). Two variants
     * are chosen by passing their buffer or {@code null} (its offset is then ignored): centered, with
     * the running mean of gradients {@code a} ({@code grad_avg}), and momentum, with the buffer
     * {@code b} ({@code momentum_buffer}). Where eps goes is a coefficient: PyTorch adds it outside
     * the root ({@code epsInsideSqrt = 0}), TensorFlow and optax inside ({@code epsOutsideSqrt = 0}).
     * <pre>
     * d   = fma(weightDecay, p, gradScale * clamp(g))
     * v   = fma(oneMinusAlpha * d, d, alpha * v)
     * a   = fma(oneMinusAlpha, d, alpha * a)                  (centered)
     * w   = fma(-a, a, v) if centered, else v
     * avg = sqrt(w + epsInsideSqrt) + epsOutsideSqrt
     * b   = momentum * b + d / avg; p = fma(negLr, b, p)      (momentum)
     * p   = p + negLr * d / avg                               (no momentum)
     * </pre>
     */
    void rmsprop(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] a, int aOff,
                 float[] b, int bOff, int n, RMSpropCoefficients c);

    /**
     * Adadelta with the running means of squared gradients {@code v} ({@code square_avg}) and of
     * squared updates {@code x} ({@code acc_delta}). One root of the quotient replaces PyTorch's
     * quotient of two roots.
     * <pre>
     * d = fma(weightDecay, p, gradScale * clamp(g))
     * v = fma(oneMinusRho * d, d, rho * v)
     * u = sqrt((x + eps) / (v + eps)) * d
     * x = fma(oneMinusRho * u, u, rho * x)
     * p = fma(negLr, u, p)
     * </pre>
     */
    void adadelta(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] x, int xOff,
                  int n, AdadeltaCoefficients c);

    // ---- Adam, AdamW, Adamax, NAdam, RAdam ----

    /**
     * Adam and AdamW with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); coupled or decoupled weight decay and maximization are coefficients.
     * PyTorch divides {@code sqrt(v)} by {@code sqrt(1 - beta2^step)} and then adds eps; one fma with
     * the reciprocal saves a division and may differ in the last bit.
     * <pre>
     * d     = fma(weightDecay, p, gradScale * clamp(g))
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * denom = fma(sqrt(v), invSqrtBias2, eps)
     * p     = paramScale * p + negStepSize * m / denom
     * </pre>
     */
    void adam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
              int n, AdamCoefficients c);

    /**
     * AMSGrad: {@link #adam} normalized by the running maximum {@code vMax} ({@code max_exp_avg_sq})
     * of the second moment.
     * <pre>
     * d     = fma(weightDecay, p, gradScale * clamp(g))
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * vMax  = max(vMax, v)
     * denom = fma(sqrt(vMax), invSqrtBias2, eps)
     * p     = paramScale * p + negStepSize * m / denom
     * </pre>
     */
    void adamAmsgrad(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
                     float[] vMax, int vMaxOff, int n, AdamCoefficients c);

    /**
     * Adamax with first moment {@code m} ({@code exp_avg}) and infinity norm {@code u}
     * ({@code exp_inf}).
     * <pre>
     * d = fma(weightDecay, p, gradScale * clamp(g))
     * m = fma(oneMinusBeta1, d, beta1 * m)
     * u = max(beta2 * u, abs(d) + eps)
     * p = p + negStepSize * m / u
     * </pre>
     */
    void adamax(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] u, int uOff,
                int n, AdamaxCoefficients c);

    /**
     * NAdam with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); the momentum schedule lives in {@code gradStep} and {@code momentumStep}.
     * PyTorch divides {@code v} by the bias correction and divides twice by {@code denom}, once per
     * term; one division here, so the last bits may differ.
     * <pre>
     * d     = fma(weightDecay, p, gradScale * clamp(g))
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * denom = sqrt(v * invBias2) + eps
     * p     = fma(paramScale, p, fma(gradStep, d, momentumStep * m) / denom)
     * </pre>
     */
    void nadam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
               int n, NAdamCoefficients c);

    /**
     * RAdam with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}); on un-adapted steps {@code rootScale = 0} and {@code denomOffset = 1} make
     * {@code denom} exactly 1. PyTorch divides {@code m} by the bias correction and multiplies by the
     * reciprocal of {@code denom}; one division here, so the last bits may differ.
     * <pre>
     * d     = fma(weightDecay, p, gradScale * clamp(g))
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * denom = fma(rootScale, sqrt(v), denomOffset)
     * p     = paramScale * p + negStepSize * m / denom
     * </pre>
     */
    void radam(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
               int n, RAdamCoefficients c);

    // ---- Lion, AdaBelief, Yogi ----

    /**
     * Lion with the momentum {@code m} ({@code exp_avg}); the step is the sign of an interpolation
     * of momentum and gradient, after the decoupled decay {@code paramScale}. {@code sign(x)} is 1 for
     * {@code x > 0}, -1 for {@code x < 0}, +0 for either zero and {@code x} itself for NaN.
     * <pre>
     * d = gradScale * clamp(g)
     * c = fma(oneMinusBeta1, d, beta1 * m)
     * m = fma(oneMinusBeta2, d, beta2 * m)
     * p = fma(negLr, sign(c), paramScale * p)
     * </pre>
     */
    void lion(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n, LionCoefficients c);

    /**
     * AdaBelief with first moment {@code m} ({@code exp_avg}) and the second moment {@code s}
     * ({@code exp_avg_var}) of the prediction error {@code d - m}, eps kept in it; decoupled decay is
     * {@code paramScale}. The error {@code d - m_new} is computed as {@code beta1 * (d - m_old)}, the
     * same value: subtracting the rounded new {@code m}, which is nearly {@code d} when beta1 is small,
     * would leave mostly rounding error (the authors' code subtracts; so the last bits differ).
     * <pre>
     * d     = gradScale * clamp(g)
     * r     = beta1 * (d - m)
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * s     = fma(oneMinusBeta2 * r, r, beta2 * s) + eps
     * denom = fma(sqrt(s), invSqrtBias2, eps)
     * p     = paramScale * p + negStepSize * m / denom
     * </pre>
     */
    void adabelief(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] s, int sOff,
                   int n, AdaBeliefCoefficients c);

    /**
     * Yogi with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}), which moves by {@code (1 - beta2) d^2} towards {@code d^2}:
     * {@code v - (1 - beta2) sign(v - d^2) d^2}. {@code diff = fma(-d, d, v)} is one rounding of
     * {@code v - d^2}, so its sign is the exact difference's; where {@code v > d^2} the new value is
     * then computed as {@code (v - d^2) + beta2 d^2}, a sum of two non-negative terms, instead of
     * {@code v - (1 - beta2) d^2}, which cancels when beta2 is near 0 and v near {@code d^2}.
     * <pre>
     * d     = gradScale * clamp(g)
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * diff  = fma(-d, d, v)
     * v     = fma(beta2 * d, d, diff)          if diff &gt; 0
     *         fma(oneMinusBeta2 * d, d, v)     if diff &lt; 0
     *         v                                if diff == 0
     *         diff (NaN)                       otherwise
     * denom = fma(sqrt(v), invSqrtBias2, eps)
     * p     = p + negStepSize * m / denom
     * </pre>
     */
    void yogi(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
              int n, YogiCoefficients c);

    // ---- ADOPT, AdEMAMix ----

    /**
     * ADOPT with first moment {@code m} ({@code exp_avg}) and second moment {@code v}
     * ({@code exp_avg_sq}): the gradient is normalised by the previous {@code v}, clamped by
     * {@code updateClip} (the same NaN-keeping clamp as {@code gradClip}), and only then enters
     * {@code m}; decoupled decay is {@code paramScale}. On the first step ({@code firstStep}) only
     * {@code v} is written, and {@code p} and {@code m} are neither read nor written.
     * <pre>
     * d     = gradScale * clamp(g)
     * first step:
     *   v   = d * d
     * later steps:
     *   x   = clamp(d / max(sqrt(v), eps), updateClip)
     *   m   = fma(oneMinusBeta1, x, beta1 * m)
     *   p   = fma(negLr, m, paramScale * p)
     *   v   = fma(oneMinusBeta2 * d, d, beta2 * v)
     * </pre>
     */
    void adopt(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff,
               int n, ADOPTCoefficients c);

    /**
     * AdEMAMix with the fast EMA {@code m1} ({@code exp_avg_fast}), the slow EMA {@code m2}
     * ({@code exp_avg_slow}, not bias-corrected) and the second moment {@code v} ({@code exp_avg_sq});
     * the scheduled {@code alpha} and {@code beta3} arrive as coefficients, decoupled decay is
     * {@code paramScale}. The root is bias-corrected with one fma, as in {@link #adam}.
     * <pre>
     * d     = gradScale * clamp(g)
     * m1    = fma(oneMinusBeta1, d, beta1 * m1)
     * m2    = fma(oneMinusBeta3, d, beta3 * m2)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * denom = fma(sqrt(v), invSqrtBias2, eps)
     * u     = fma(alpha, m2, invBias1 * m1)
     * p     = fma(negLr, u / denom, paramScale * p)
     * </pre>
     */
    void ademamix(float[] p, int pOff, float[] g, int gOff, float[] m1, int m1Off, float[] m2, int m2Off,
                  float[] v, int vOff, int n, AdEMAMixCoefficients c);

    // ---- Schedule-free SGD and AdamW ----

    /**
     * Schedule-free SGD (Defazio et al. 2024) with the parameter holding {@code y}, the point where the
     * gradient is taken, and {@code z} the SGD iterate; the average {@code x} is kept implicitly, as the
     * authors' package does ({@code y.lerp_(z, c)}, {@code y.add_(d, alpha=lr*(momentum*(1-c)-1))},
     * {@code z.sub_(d, alpha=lr)}). Weight decay is taken at {@code y}. On the first step {@code z}
     * is read as {@code y} (the package starts {@code z} as a copy of the parameter); the interpolation is
     * {@code torch.lerp}'s, so {@code c = 1} gives {@code z} exactly.
     * <pre>
     * d  = fma(weightDecay, p, gradScale * clamp(g))
     * zo = firstStep ? p : z
     * q  = fma(lerpScale, zo - p, lerpFromZ ? zo : p)
     * p  = fma(yGradStep, d, q)
     * z  = fma(negLr, d, zo)
     * </pre>
     */
    void sgdScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, int n,
                         SGDScheduleFreeCoefficients c);

    /**
     * Schedule-free AdamW: {@link #sgdScheduleFree} on the gradient normalised by the bias-corrected
     * root of its second moment {@code v} ({@code exp_avg_sq}), the root as in {@link #adam}; weight
     * decay is added to the normalised gradient at {@code y}, as the package does.
     * <pre>
     * d     = gradScale * clamp(g)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * denom = fma(sqrt(v), invSqrtBias2, eps)
     * u     = fma(weightDecay, p, d / denom)
     * zo    = firstStep ? p : z
     * q     = fma(lerpScale, zo - p, lerpFromZ ? zo : p)
     * p     = fma(yGradStep, u, q)
     * z     = fma(negLr, u, zo)
     * </pre>
     */
    void adamWScheduleFree(float[] p, int pOff, float[] g, int gOff, float[] z, int zOff, float[] v, int vOff,
                           int n, AdamWScheduleFreeCoefficients c);

    /**
     * Schedule-free's switch to evaluation: keeps {@code y} and writes the average {@code x} into the
     * parameter, computed from {@code y} and {@code z} as the package's {@code p.lerp_(z, 1 - 1/momentum)}.
     * <pre>
     * y = p
     * p = fma(lerpScale, z - p, lerpFromZ ? z : p)
     * </pre>
     */
    void scheduleFreeEval(float[] p, int pOff, float[] z, int zOff, float[] y, int yOff, int n,
                          ScheduleFreeEvalCoefficients c);

    // ---- Rprop, ASGD ----

    /**
     * Rprop with the previous gradient {@code prev} and the per-element step sizes {@code s}
     * ({@code step_size}), in ATen's operations: {@code sign(x)} is {@code (x > 0) - (x < 0)}, so
     * {@code sign(-0) = sign(NaN) = 0} as in torch 1.13, and a NaN product {@code d * prev} keeps the
     * step size. Branch-free on vectors (compares and blends).
     * <pre>
     * d    = gradScale * clamp(g)
     * q    = d * prev
     * s    = min(max(s * (q &gt; 0 ? etaplus : q &lt; 0 ? etaminus : 1), stepSizeMin), stepSizeMax)
     * d    = q &lt; 0 ? +0 : d
     * p    = fma(-sign(d), s, p)
     * prev = d
     * </pre>
     */
    void rprop(float[] p, int pOff, float[] g, int gOff, float[] prev, int prevOff, float[] s, int sOff,
               int n, RpropCoefficients c);

    /**
     * ASGD with the average of the iterates {@code ax}; ATen's {@code param.mul_(1 - lambd * eta)},
     * {@code param.add_(d, alpha=-eta)} and {@code ax.add_(param.sub(ax).mul(mu))}, or
     * {@code ax.copy_(param)} while {@code mu} is 1 (a loop-invariant choice, a blend on vectors).
     * <pre>
     * d  = fma(weightDecay, p, gradScale * clamp(g))
     * p  = fma(negEta, d, paramScale * p)
     * ax = averaging ? ax + (p - ax) * mu : p
     * </pre>
     */
    void asgd(float[] p, int pOff, float[] g, int gOff, float[] ax, int axOff, int n, ASGDCoefficients c);

    // ---- Lookahead ----

    /**
     * Lookahead's synchronisation (Zhang et al. 2019), every k-th inner step: the slow weights move
     * {@code alpha} of the way to the fast weights {@code p}, and the fast weights restart from them.
     * Less Wright's Ranger's {@code slow.add_(p - slow, alpha=alpha)}, which ATen computes as an fma on
     * vector lanes; {@code p} is then a copy of {@code slow}.
     * <pre>
     * slow = fma(p - slow, alpha, slow)
     * p    = slow
     * </pre>
     */
    void lookaheadSync(float[] p, int pOff, float[] slow, int slowOff, int n, float alpha);

    // ---- Gradient accumulation ----

    /**
     * Gradient accumulation (optax {@code MultiSteps}), on a call that is not the k-th: adds one
     * micro-batch gradient to its accumulator.
     * <pre>
     * acc = acc + g
     * </pre>
     */
    void accumulate(float[] acc, int accOff, float[] g, int gOff, int n);

    /**
     * Gradient accumulation on the k-th call: adds the last micro-batch gradient, writes the mean of the
     * k into the gradient array for the inner optimizer, and clears the accumulator, in one pass.
     * {@code k} is the number of micro-batches as a float (exact up to 2^24); the division is rounded
     * once, as float32 division is.
     * <pre>
     * g   = (acc + g) / k
     * acc = 0
     * </pre>
     */
    void accumulateMean(float[] g, int gOff, float[] acc, int accOff, int n, float k);

    // ---- Passes over a gradient alone: its norm, its noise ----

    /**
     * The sum of the squares of {@code g[off, off + n)}, for the global gradient norm, in an order
     * fixed by the index alone, so every implementation and vector width returns the same bits:
     * <pre>
     * for each block of SUM_OF_SQUARES_BLOCK elements from off (the last one may be shorter):
     *     a[j] = fma(x, x, a[j]) in float, for the block's elements x = g[j], g[j + 32], g[j + 64], ...
     *                                     in order, for each j in 0..31 (a[j] starting at 0)
     *     s    = a[0] + a[1] + ... + a[31], added in this order in double
     *     if s is infinite: s = x0^2 + x1^2 + ..., each square exact in double, added in order in double
     * return s of block 0 + s of block 1 + ..., added in this order in double (0 for n = 0)
     * </pre>
     * The second sum of a block keeps a float overflow (an element above about 1.8e19) from making
     * the result infinite, so the result is NaN or infinite exactly when an element is NaN or infinite:
     * the same pass detects non-finite gradients.
     */
    double sumOfSquares(float[] g, int off, int n);

    /**
     * The block sums {@code s} of {@link #sumOfSquares} over {@code g[off, off + n)}, one per block of
     * {@link #SUM_OF_SQUARES_BLOCK} elements from {@code off}, into {@code sums[sumsOff], ...}: a range
     * split across threads at block multiples gets the same block sums as one call, with one call per
     * chunk instead of one per block.
     */
    void blockSumsOfSquares(float[] g, int off, int n, double[] sums, int sumsOff);

    /**
     * Adds Gaussian noise of standard deviation {@code c.std()} to {@code g[off, off + n)}, whose first
     * element has the element index {@code index} in its tensor. The noise of an element depends only
     * on {@code c.key()} and its element index (a counter-based generator), so any split of a tensor
     * into calls, and every implementation and vector width, gives the same bits:
     * <pre>
     * for the element with index e:
     *     h = mix64(key + (e >>> 1) * 0x9E3779B97F4A7C15)   (SplitMix64's output function)
     *     u = the low 32 bits of h for even e, the high 32 bits for odd e
     *     z = CounterGaussian.gaussian(u)                    (a standard normal value from u, in float)
     *     g = fma(std, z, g)
     * </pre>
     *
     * @param index element index of {@code g[off]}, at least 0
     */
    void addGradientNoise(float[] g, int off, int n, long index, NoiseCoefficients c);

    // ---- Weight averaging (SWA, EMA): passes over a parameter and its averaged copy ----

    /**
     * Stochastic weight averaging: one more model into the equal running mean of the parameter's past
     * values, as {@code torch.optim.swa_utils.AveragedModel}'s default {@code avg_fn} computes it.
     * {@code count} is the number of models in the mean after this one ({@code n_averaged + 1}) as a
     * float; each operation is rounded on its own, as ATen's separate {@code sub}, {@code div} and
     * {@code add} kernels round:
     * <pre>
     * avg = avg + (p - avg) / count
     * </pre>
     */
    void averageEqual(float[] avg, int avgOff, float[] p, int pOff, int n, float count);

    /**
     * Exponential moving average of the parameter, as timm's {@code ModelEmaV2} and PyTorch's
     * {@code decay * ema + (1 - decay) * p} compute it: two products and a sum, each rounded on its own
     * (no fused multiply-add, as ATen's separate {@code mul} and {@code add} kernels round).
     * {@code oneMinusDecay} is {@code 1 - decay} computed in double and then rounded to float.
     * <pre>
     * avg = decay * avg + oneMinusDecay * p
     * </pre>
     */
    void averageEma(float[] avg, int avgOff, float[] p, int pOff, int n, float decay, float oneMinusDecay);

    /**
     * Exchanges two ranges element by element, every bit kept (NaN payloads included): the averaged
     * weights into the parameters for evaluation, and back.
     * <pre>
     * (a, b) = (b, a)
     * </pre>
     */
    void swapRanges(float[] a, int aOff, float[] b, int bOff, int n);

    // ---- LBFGS: dot products and axpy over slices of its flat vector ----

    /**
     * The dot product of {@code x[xOff, xOff + n)} and {@code y[yOff, yOff + n)}, in an order fixed by
     * the index alone, so every implementation and vector width returns the same bits; the blocks and
     * accumulators of {@link #sumOfSquares}:
     * <pre>
     * for each block of SUM_OF_SQUARES_BLOCK elements (the last one may be shorter):
     *     a[j] = fma(x, y, a[j]) in float, for the block's pairs j, j + 32, j + 64, ... in order (a[j] from 0)
     *     s    = a[0] + a[1] + ... + a[31], added in this order in double
     * return s of block 0 + s of block 1 + ..., added in this order in double (0 for n = 0)
     * </pre>
     * A float accumulator that overflows makes the result infinite (or NaN), as PyTorch's float32 dot
     * does. For two elements the result rounded to float is {@code fl(fl(x0 y0) + fl(x1 y1))}, the
     * bits of {@code torch.dot} (OpenBLAS {@code sdot}) on two floats.
     */
    double dot(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code y = y + a * x}, ATen's {@code y.add_(x, alpha=a)}, with one rounding per element:
     * <pre>
     * y = fma(a, x, y)
     * </pre>
     */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@link #axpy} and then {@link #dot} of {@code z} with the new {@code y}, in one pass: one pass of
     * LBFGS's two-loop recursion (the update of {@code q} by one pair and the product that the next
     * pair needs), 3 floats read and 1 written per element instead of 4 and 1 in two passes. The same
     * bits as the two calls:
     * <pre>
     * y = fma(a, x, y)
     * return dot(z, y)      (as dot, over the new y)
     * </pre>
     */
    double axpyDot(float a, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff, int n);

    /**
     * LBFGS's negation of its gradient into the direction, ATen's {@code neg}: the sign bit flipped,
     * NaN payloads kept. {@code out} may be {@code x} itself (same offset).
     * <pre>
     * out = -x
     * </pre>
     */
    void negate(float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * LBFGS's scaled copies, ATen's {@code mul(a)}. {@code out} may be {@code x} itself (same offset).
     * <pre>
     * out = a * x
     * </pre>
     */
    void scale(float a, float[] x, int xOff, float[] out, int outOff, int n);

    /**
     * LBFGS's differences of gradients and of iterates, ATen's {@code sub}. {@code out} may be {@code x}
     * or {@code y} itself (same offset).
     * <pre>
     * out = x - y
     * </pre>
     */
    void subtract(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n);

    /**
     * LBFGS's tolerance tests, ATen's {@code mul(a).abs().max()} (0 for {@code n = 0}): the largest
     * {@code |fl(a * x_i)|}, taken as the largest of their bits read as ints, so every implementation,
     * width and order gives the same bits: a NaN product makes the result the NaN of largest bits.
     * <pre>
     * return max |a * x_i|
     * </pre>
     */
    float maxAbsScaled(float a, float[] x, int xOff, int n);

    // ---- LAMB, LARS: the passes of the trust-ratio rules ----

    /**
     * LAMB's first pass, over a range that starts on a block of {@link #SUM_OF_SQUARES_BLOCK} elements of
     * its parameter: updates the first moment {@code m} ({@code exp_avg}) and the second moment {@code v}
     * ({@code exp_avg_sq}) as {@link #adam} does, and for the {@code k}-th block of the range writes the
     * sum of squares of the parameter to {@code sums[sumsOff + 2k]} and that of the update direction
     * {@code u} to {@code sums[sumsOff + 2k + 1]}. {@code p} is read, not written. Both sums are
     * {@link #sumOfSquares}'s for one block: the same 32 float lanes in the same order, added in double,
     * so every implementation, width and split of a tensor at block boundaries gives the same bits; a
     * block whose sum comes out infinite or below {@code 2^-100} (a square may have overflowed or lost
     * its digits below float32's normal range) is summed again in double from its elements.
     * <pre>
     * d     = gradScale * clamp(g)
     * m     = fma(oneMinusBeta1, d, beta1 * m)
     * v     = fma(oneMinusBeta2 * d, d, beta2 * v)
     * u     = fma(weightDecay, p, invBias1 * m / fma(sqrt(v), invSqrtBias2, eps))
     * sums  = per block: sum of p^2, sum of u^2
     * </pre>
     */
    void lambMoments(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                     double[] sums, int sumsOff, LAMBCoefficients c);

    /**
     * LAMB's second pass: the update direction of {@link #lambMoments} again, from the moments that pass
     * wrote, applied with {@code stepScale}, which is {@code -lr} times the trust ratio.
     * <pre>
     * u = fma(weightDecay, p, invBias1 * m / fma(sqrt(v), invSqrtBias2, eps))
     * p = fma(stepScale, u, p)
     * </pre>
     */
    void lambUpdate(float[] p, int pOff, float[] m, int mOff, float[] v, int vOff, int n, LAMBCoefficients c,
                    float stepScale);

    /**
     * LARS's first pass, over a range that starts on a block of {@link #SUM_OF_SQUARES_BLOCK} elements:
     * for the {@code k}-th block of the range, the sum of squares of the parameter to
     * {@code sums[sumsOff + 2k]} and that of the update direction {@code u} (the gradient with coupled
     * weight decay, which {@link #sgd} and {@link #sgdMomentum} compute as {@code d}) to
     * {@code sums[sumsOff + 2k + 1]}, summed as in {@link #lambMoments}. Writes nothing else.
     * <pre>
     * u    = fma(weightDecay, p, gradScale * clamp(g))
     * sums = per block: sum of p^2, sum of u^2
     * </pre>
     */
    void larsSumsOfSquares(float[] p, int pOff, float[] g, int gOff, int n, double[] sums, int sumsOff,
                           LARSCoefficients c);

    // ---- Adafactor ----

    /** Float accumulators of Adafactor's sums over a row or a block, the same at every vector width. */
    int ADAFACTOR_LANES = 32;

    /**
     * Adafactor's squared gradients of {@code rows} rows of {@code cols} elements of a factored
     * parameter (row-major from {@code g[gOff]}): each row's sum into {@code rowSums}, and each
     * column's sum over these rows added to {@code colSums}, in an order fixed by the indices alone:
     * <pre>
     * d = gradScale * clamp(g)
     * for each row r:
     *     a[j] = fma(d, d, a[j]) in float over the row's d at columns j, j + 32, j + 64, ... (a[j] from 0)
     *     rowSums[rowOff + r] = (float) (a[0] + a[1] + ... + a[31], added in this order in double)
     *     colSums[colOff + c] = fma(d, d, colSums[colOff + c])          for each column c
     * </pre>
     */
    void adafactorSquareSums(float[] g, int gOff, int rows, int cols, float[] rowSums, int rowOff,
                             float[] colSums, int colOff, AdafactorCoefficients c);

    /**
     * The sums of squares of the parameter and of Adafactor's unscaled update over {@code rows} rows
     * of {@code cols} elements of a factored parameter, into {@code sums[sumsOff]} and
     * {@code sums[sumsOff + 1]}. The estimate {@code V = R C / max(mean(R), eps1)} factors, and so does
     * its inverse root: {@code rowScale} holds {@code 1 / sqrt(R / max(mean(R), eps1))} per row,
     * {@code colScale} {@code 1 / sqrt(C)} per column, and {@code 1 / sqrt(max(V, eps1^2))} is
     * {@code min(rowScale * colScale, 1 / eps1)}: two products and no root or division per element.
     * <pre>
     * d = gradScale * clamp(g)
     * u = d * min(rowScale[r] * colScale[c], invEps1)
     * a[j] = fma(p, p, a[j]), b[j] = fma(u, u, b[j]) in float, for the elements of column j mod 32,
     *        row by row, columns in order (a[j], b[j] from 0)
     * sums[sumsOff]     = a[0] + ... + a[31], added in this order in double
     * sums[sumsOff + 1] = b[0] + ... + b[31], likewise
     * </pre>
     */
    void adafactorFactoredSquares(float[] p, int pOff, float[] g, int gOff, int rows, int cols, float[] rowScale,
                                  int rowOff, float[] colScale, int colOff, double[] sums, int sumsOff,
                                  AdafactorCoefficients c);

    /**
     * Adafactor's update of {@code rows} rows of {@code cols} elements of a factored parameter, by
     * {@code stepSize = alpha_t / max(1, RMS(u) / d)}; with the first moment {@code m}
     * ({@code exp_avg}) when it is not null (then {@code c.beta1() > 0}).
     * <pre>
     * d = gradScale * clamp(g)
     * u = d * min(rowScale[r] * colScale[c], invEps1)
     * without m: p = fma(-stepSize, u, paramScale * p)
     * with m:    m = fma(oneMinusBeta1, stepSize * u, beta1 * m); p = paramScale * p - m
     * </pre>
     */
    void adafactorFactoredUpdate(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int rows, int cols,
                                 float[] rowScale, int rowOff, float[] colScale, int colOff, float stepSize,
                                 AdafactorCoefficients c);

    /**
     * Adafactor's pass over {@code n} elements of an unfactored parameter (a vector or a scalar): its
     * second moment {@code v} ({@code variance}) moves toward the squared gradient, and the sums of
     * squares of the parameter and of the unscaled update go to {@code sums[sumsOff]} and
     * {@code sums[sumsOff + 1]}.
     * <pre>
     * d = gradScale * clamp(g)
     * v = lerp(v, d * d, weight)          (ATen's lerp, see AdafactorCoefficients#lerp)
     * u = d / sqrt(max(v, eps1Squared))
     * a[j] = fma(p, p, a[j]), b[j] = fma(u, u, b[j]) in float, for the elements of index j mod 32 in order
     * sums[sumsOff] = a[0] + ... + a[31], sums[sumsOff + 1] = b[0] + ... + b[31], in order in double
     * </pre>
     */
    void adafactorVectorSquares(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, int n, double[] sums,
                                int sumsOff, AdafactorCoefficients c);

    /**
     * Adafactor's update of {@code n} elements of an unfactored parameter from the second moment
     * {@link #adafactorVectorSquares} wrote, with the first moment {@code m} when it is not null.
     * <pre>
     * u = gradScale * clamp(g) / sqrt(max(v, eps1Squared))
     * without m: p = fma(-stepSize, u, paramScale * p)
     * with m:    m = fma(oneMinusBeta1, stepSize * u, beta1 * m); p = paramScale * p - m
     * </pre>
     */
    void adafactorVectorUpdate(float[] p, int pOff, float[] g, int gOff, float[] v, int vOff, float[] m, int mOff,
                               int n, float stepSize, AdafactorCoefficients c);

    // ---- Muon ----

    /**
     * Muon's momentum over {@code n} elements, as PyTorch's {@code buf.lerp_(grad, 1 - momentum)} and
     * {@code grad.lerp(buf, momentum)}, writing the update to be orthogonalized into {@code u}:
     * <pre>
     * d   = gradScale * clamp(g)
     * buf = lerp(buf, d, momentumWeight)           (ATen's lerp, see AdafactorCoefficients#lerp)
     * u   = nesterov ? lerp(d, buf, nesterovWeight) : buf
     * </pre>
     */
    void muonMomentum(float[] g, int gOff, float[] buf, int bufOff, float[] u, int uOff, int n, MuonCoefficients c);

    /**
     * Muon's update of {@code n} elements by the orthogonalized update {@code o}, after the decoupled decay:
     * <pre>
     * p = fma(negAdjustedLr, o, paramScale * p)
     * </pre>
     */
    void muonApply(float[] p, int pOff, float[] o, int oOff, int n, MuonCoefficients c);

    /**
     * {@code C += alpha A B} for row-major {@code C} ({@code m x n}), {@code A} ({@code m x k}, or stored
     * as its transpose, {@code k x m}, when {@code transposeA}) and {@code B} ({@code k x n}), in an order
     * fixed by the indices alone, so every implementation and vector width gives the same bits:
     * <pre>
     * for each i, j:  for p = 0 .. k-1 in order:  C[i][j] = fma(alpha * A[i][p], B[p][j], C[i][j])
     * </pre>
     * {@code alpha * A[i][p]} is rounded to float once. Blocking over {@code i} and {@code j} and vectors
     * along {@code j} keep that order; nothing may split the sum over {@code p}.
     */
    void matmulAdd(boolean transposeA, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n,
                   float alpha);
}
