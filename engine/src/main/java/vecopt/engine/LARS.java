package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.LARSCoefficients;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * LARS (You, Gitman and Ginsburg 2017, "Large Batch Training of Convolutional Networks", Algorithm 1):
 * SGD with momentum whose update direction is scaled per tensor by the trust ratio
 * {@code trust_coefficient * ||p|| / ||u||}. PyTorch has no LARS; the trust ratio and the defaults follow
 * optax's {@code lars} ({@code add_decayed_weights}, {@code scale_by_trust_ratio}, {@code trace}), the
 * momentum {@code torch.optim.SGD}'s:
 * <pre>
 * u     = g + weight_decay * p                      (g negated first when maximize)
 * ratio = trust_coefficient * ||p|| / (||u|| + eps), or 1 when either norm is 0
 * b     = momentum * b + ratio * u                  (momentum_buffer; b = ratio * u on its first step)
 * p     = p - lr * (ratio * u + momentum * b)       (nesterov)
 * p     = p - lr * b                                (otherwise; p - lr * ratio * u without momentum)
 * </pre>
 * With the trust ratio, a step is two passes over each tensor: the first sums the squares of {@code p}
 * and {@code u} per block of 4096 elements (in a fixed order: the same bits on any number of threads and
 * on the scalar and SIMD kernels) and writes nothing; the second is SGD's fused kernel with the ratio on
 * {@code u}. 28 bytes per element with momentum (SGD momentum's one pass moves 20).
 *
 * <p>Where implementations differ: the learning rate multiplies the momentum buffer, as in
 * {@code torch.optim.SGD}, timm's {@code Lars} and Barlow Twins' LARS; optax, the paper and SimCLR's LARS
 * put it inside the buffer ({@code b = momentum * b + lr * ratio * u}), which is the same while lr is
 * constant and differs when a schedule changes it. The trust ratio divides by {@code ||g + weight_decay * p||}
 * as optax and Barlow Twins do; the paper and timm divide by {@code ||g|| + weight_decay * ||p||}. The
 * ratio is not clipped (timm's {@code trust_clip} is not offered), and applies to every tensor, as in optax;
 * timm skips it where {@code weight_decay} is 0. No dampening (optax's {@code trace} has none).
 *
 * <p>Biases and normalisation layers usually take plain steps: a group with {@code use_trust_ratio=False}
 * is SGD with momentum (ratio 1, one pass), and usually {@code weight_decay=0} too, as optax's
 * {@code trust_ratio_mask} and {@code weight_decay_mask}; {@link #withExcluded} builds those groups from a
 * name pattern.
 *
 * <p>Defaults: lr 1.0 (timm's; optax has none), momentum 0.9, weight_decay 0, trust_coefficient 1e-3,
 * eps 0 (optax's; timm has 1e-8), nesterov false, use_trust_ratio true, maximize false.
 *
 * <p>State: {@code momentum_buffer} when momentum is non-zero.
 */
public final class LARS extends Optimizer {

    /** {@code lr}: the learning rate; default 1.0, {@code >= 0}. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1.0, 0);
    /** {@code momentum}: momentum factor (0: no buffer); default 0.9, {@code >= 0}. */
    public static final Hyperparameter MOMENTUM = Hyperparameter.atLeast("momentum", 0.9, 0);
    /** {@code weight_decay}: weight decay coefficient, added to the gradient; default 0, {@code >= 0}. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code trust_coefficient}: factor of the trust ratio {@code ||p|| / ||u||}; default 1e-3, {@code >= 0}. */
    public static final Hyperparameter TRUST_COEFFICIENT = Hyperparameter.atLeast("trust_coefficient", 1e-3, 0);
    /** {@code eps}: added to {@code ||u||} in the trust ratio's denominator; default 0, {@code >= 0}. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 0, 0);
    /** {@code nesterov}: whether to use Nesterov momentum (needs momentum {@code > 0}); default false. */
    public static final Hyperparameter NESTEROV = Hyperparameter.flag("nesterov", false);
    /** {@code use_trust_ratio}: whether to apply the trust ratio (false: SGD with momentum); default true. */
    public static final Hyperparameter USE_TRUST_RATIO = Hyperparameter.flag("use_trust_ratio", true);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it; default false. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, MOMENTUM, WEIGHT_DECAY, TRUST_COEFFICIENT, EPS, NESTEROV, USE_TRUST_RATIO, MAXIMIZE),
            LARS::checkCombination);

    /**
     * LARS's descriptor: {@code momentum_buffer} only with momentum; with the trust ratio, a first pass
     * that reads p and g, then SGD's pass.
     */
    public static final Rule RULE = Rule.builder("LARS", DEFAULTS, LARS::new)
            .preferredVectorBits(512)
            // -0 fill, as SGD's: on the buffer's first step, momentum * b + ratio * u is ratio * u, its sign included
            .add(new Rule.Buffer("momentum_buffer", Rule.Buffer.LIKE_PARAMETER, h -> h.get(MOMENTUM) != 0, h -> -0.0))
            .keepsFloat32State("its step is two passes, per-block norms of the parameter and the gradient and then"
                    + " the update scaled by the trust ratio, and compressed state is decoded for one element-wise"
                    + " pass only")
            .traffic(LARS::traffic)
            .build();

    /**
     * optax's defaults, lr 1.0 as timm's.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /**
     * An optimizer over {@code parameters}, all in its first group, with {@code hyperparameters} from {@link #defaults()}.
     *
     * @param parameters the parameters of the first group
     * @param hyperparameters the first group's hyperparameters: {@link #defaults()} with changes
     * @throws IllegalArgumentException naming the argument if {@code parameters} is null or empty, contains
     *     null, a name twice or overlapping arrays, or {@code hyperparameters} is null or not this rule's
     */
    public LARS(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /**
     * LARS over {@code parameters}: those whose name contains a match of {@code regex} (say
     * {@code "bias|bn"}) in a group with {@code weight_decay} 0 and {@code use_trust_ratio} false (SGD with
     * momentum), the others in the first group with {@code hyperparameters}; one group if either side is empty.
     *
     * @param parameters the parameters to split, at least one, with distinct names
     * @param hyperparameters the hyperparameters of the others, {@link #defaults()} with changes; the
     *     matching ones get the same with {@code weight_decay} 0 and {@code use_trust_ratio} false
     * @param regex a {@link java.util.regex.Pattern} searched for anywhere in each parameter's name
     * @return the optimizer, with the others in its first group and the matching ones in the second
     * @throws IllegalArgumentException naming the argument if one is null or {@code regex} is not a
     *     regular expression, or as the constructor
     */
    public static LARS withExcluded(List<Parameter> parameters, Hyperparameters hyperparameters, String regex) {
        return TrustRatioGroups.build(parameters, hyperparameters, regex, LARS::new);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        // a buffer left from steps with momentum is kept but unused while momentum is 0, as SGD's
        float[] b = h.get(MOMENTUM) != 0 ? state.buffer("momentum_buffer") : null;
        LARSCoefficients c = LARSCoefficients.forStep(h, context);
        if (!c.useTrustRatio()) {
            SgdCoefficients plain = c.update(0, 0);
            return StepPlan.of(sgdPass(b, plain));
        }
        BlockNorms norms = new BlockNorms(p.size());
        StepPlan.Pass sums = StepPlan.Pass.blocked(BlockNorms.BLOCK, (pa, pOff, ga, gOff, from, n) ->
                kernels().larsSumsOfSquares(pa, pOff, ga, gOff, n, norms.sums(), BlockNorms.offset(from), c));
        StepPlan.Pass update = StepPlan.Pass.elementWise((pa, pOff, ga, gOff, from, n) -> {
            SgdCoefficients scaled = c.update(norms.parameterNorm(), norms.updateNorm());
            if (b == null) {
                kernels().sgd(pa, pOff, ga, gOff, n, scaled);
            } else {
                kernels().sgdMomentum(pa, pOff, ga, gOff, b, from, n, scaled);
            }
        });
        return StepPlan.of(sums, update);
    }

    /** SGD's pass with coefficients known before the step. */
    private StepPlan.Pass sgdPass(float[] b, SgdCoefficients c) {
        return StepPlan.Pass.elementWise(b == null
                ? (pa, pOff, ga, gOff, from, n) -> kernels().sgd(pa, pOff, ga, gOff, n, c)
                : (pa, pOff, ga, gOff, from, n) -> kernels().sgdMomentum(pa, pOff, ga, gOff, b, from, n, c));
    }

    /** Floats per element: a first pass reading p and g with the trust ratio, then SGD's pass. */
    private static Rule.Traffic traffic(Hyperparameters h) {
        int buffers = h.get(MOMENTUM) != 0 ? 1 : 0;
        int sums = h.flag(USE_TRUST_RATIO) ? 2 : 0;
        return new Rule.Traffic(sums + 2 + buffers, 1 + buffers);
    }

    private static void checkCombination(Hyperparameters h) {
        if (h.flag(NESTEROV) && h.get(MOMENTUM) <= 0) {
            throw new IllegalArgumentException("nesterov requires momentum > 0, got momentum="
                    + Hyperparameter.format(h.get(MOMENTUM)));
        }
    }
}
