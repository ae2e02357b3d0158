package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.LAMBCoefficients;

/**
 * LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
 * Algorithm 2): the AdamW direction, scaled per tensor by the trust ratio {@code ||p|| / ||u||}, so that
 * every layer moves by about {@code lr} times its own norm. PyTorch has no LAMB; this follows optax's
 * {@code lamb} ({@code scale_by_adam}, {@code add_decayed_weights}, {@code scale_by_trust_ratio}):
 * <pre>
 * d     = g                                        (-g when maximize)
 * m     = beta1 * m + (1 - beta1) * d              (exp_avg)
 * v     = beta2 * v + (1 - beta2) * d^2            (exp_avg_sq)
 * u     = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * p
 * ratio = ||p|| / ||u||, or 1 when either norm is 0  (2-norms of the whole tensor)
 * p     = p - lr * ratio * u
 * </pre>
 * A step is two passes over each tensor: the first updates the moments and sums the squares of
 * {@code p} and {@code u} per block of 4096 elements (in a fixed order: the same bits on any number of
 * threads and on the scalar and SIMD kernels), the second computes {@code u} again from the new moments
 * and applies it. 40 bytes per element (Adam's one pass moves 28).
 *
 * <p>Where implementations differ: the bias corrections are on, as in optax, the paper, NVIDIA apex's
 * {@code FusedLAMB} and timm ({@code bias_correction=False} turns them off, as apex's and timm's flag
 * does). Weight decay is decoupled and inside the trust ratio ({@code u} includes it), as in all of them.
 * The trust ratio applies to every tensor, as optax and the paper (and apex's {@code use_nvlamb}); apex
 * and timm skip it where {@code weight_decay} is 0. It is not clipped, as optax's (the paper's
 * {@code phi} is the identity); {@code trust_clip=True} caps it at 1, as timm's flag does. The trust
 * coefficient is 1 and no eps enters the ratio (optax's {@code scale_by_trust_ratio} defaults). apex's
 * and timm's {@code max_grad_norm} is {@link GradientClipping#byNorm}, and their {@code grad_averaging}
 * is always on. optax's {@code eps_root} is not offered.
 *
 * <p>Biases and normalisation layers usually take plain steps: a group with {@code use_trust_ratio=False}
 * has ratio 1 (and usually {@code weight_decay=0}), as optax's {@code mask} and BERT's exclusion lists;
 * {@link #withExcluded} builds those groups from a name pattern.
 *
 * <p>Defaults: lr 1e-3 (apex's and timm's; optax has none), betas (0.9, 0.999), eps 1e-6, weight_decay
 * 1e-4 (optax's; apex, timm and the paper use 0.01), bias_correction true, trust_clip false,
 * use_trust_ratio true, maximize false.
 *
 * <p>State: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class LAMB extends Optimizer {

    /** {@code lr}: the learning rate, the step relative to each tensor's norm; default 1e-3, {@code >= 0}. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code beta1}: decay rate of the running average of gradients; default 0.9, in {@code [0, 1)}. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0.9, 0, 1);
    /** {@code beta2}: decay rate of the running average of squared gradients; default 0.999, in {@code [0, 1)}. */
    public static final Hyperparameter BETA2 = Hyperparameter.inHalfOpen("beta2", 0.999, 0, 1);
    /** {@code eps}: added to the denominator of the Adam direction; default 1e-6, {@code >= 0}. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-6, 0);
    /** {@code weight_decay}: decoupled weight decay coefficient, inside the trust ratio; default 1e-4, {@code >= 0}. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 1e-4, 0);
    /** {@code bias_correction}: whether to divide the moments by {@code 1 - beta^t}; default true. */
    public static final Hyperparameter BIAS_CORRECTION = Hyperparameter.flag("bias_correction", true);
    /** {@code trust_clip}: whether to cap the trust ratio at 1; default false. */
    public static final Hyperparameter TRUST_CLIP = Hyperparameter.flag("trust_clip", false);
    /** {@code use_trust_ratio}: whether to scale the update by the trust ratio (false: ratio 1); default true. */
    public static final Hyperparameter USE_TRUST_RATIO = Hyperparameter.flag("use_trust_ratio", true);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it; default false. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, BIAS_CORRECTION, TRUST_CLIP, USE_TRUST_RATIO, MAXIMIZE),
            h -> { });

    /**
     * LAMB's descriptor: {@code exp_avg} and {@code exp_avg_sq}; two passes, reading p, g, m, v and
     * writing m, v, then reading p, m, v and writing p.
     */
    public static final Rule RULE = Rule.builder("LAMB", DEFAULTS, LAMB::new)
            .preferredVectorBits(256)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .keepsFloat32State("its step is two passes, the moments with per-block norms and then the update scaled"
                    + " by the trust ratio, and compressed state is decoded for one element-wise pass only")
            .traffic(h -> new Rule.Traffic(4 + 3, 2 + 1))
            .build();

    /**
     * optax's defaults, lr 1e-3 as apex's and timm's.
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
    public LAMB(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /**
     * LAMB over {@code parameters}: those whose name contains a match of {@code regex} (say
     * {@code "bias|LayerNorm"}) in a group with {@code weight_decay} 0 and {@code use_trust_ratio} false,
     * the others in the first group with {@code hyperparameters}; one group if either side is empty.
     *
     * @param parameters the parameters to split, at least one, with distinct names
     * @param hyperparameters the hyperparameters of the others, {@link #defaults()} with changes; the
     *     matching ones get the same with {@code weight_decay} 0 and {@code use_trust_ratio} false
     * @param regex a {@link java.util.regex.Pattern} searched for anywhere in each parameter's name
     * @return the optimizer, with the others in its first group and the matching ones in the second
     * @throws IllegalArgumentException naming the argument if one is null or {@code regex} is not a
     *     regular expression, or as the constructor
     */
    public static LAMB withExcluded(List<Parameter> parameters, Hyperparameters hyperparameters, String regex) {
        return TrustRatioGroups.build(parameters, hyperparameters, regex, LAMB::new);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("exp_avg");
        float[] v = state.buffer("exp_avg_sq");
        LAMBCoefficients c = LAMBCoefficients.forStep(h, step, context);
        BlockNorms norms = new BlockNorms(p.size());
        StepPlan.Pass moments = StepPlan.Pass.blocked(BlockNorms.BLOCK, (pa, pOff, ga, gOff, from, n) ->
                kernels().lambMoments(pa, pOff, ga, gOff, m, from, v, from, n, norms.sums(), BlockNorms.offset(from), c));
        StepPlan.Pass update = StepPlan.Pass.elementWise((pa, pOff, ga, gOff, from, n) ->
                kernels().lambUpdate(pa, pOff, m, from, v, from, n, c,
                        c.stepScale(norms.parameterNorm(), norms.updateNorm())));
        return StepPlan.of(moments, update);
    }
}
