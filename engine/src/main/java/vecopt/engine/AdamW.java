package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdamCoefficients;

/**
 * AdamW, as {@code torch.optim.AdamW}: {@link Adam} with decoupled weight decay, which shrinks the
 * parameter by {@code 1 - lr * weight_decay} before the Adam step instead of adding
 * {@code weight_decay * p} to the gradient:
 * <pre>
 * p     = p * (1 - lr * weight_decay)
 * m     = beta1 * m + (1 - beta1) * g            (g negated first when maximize)
 * v     = beta2 * v + (1 - beta2) * g^2
 * vMax  = max(vMax, v)                           (amsgrad; v below stands for vMax)
 * p     = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State: {@code exp_avg}, {@code exp_avg_sq}, and {@code max_exp_avg_sq} with amsgrad.
 */
public final class AdamW extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Adam.LR;
    /** {@code beta1}: decay rate of the running average of gradients. */
    public static final Hyperparameter BETA1 = Adam.BETA1;
    /** {@code beta2}: decay rate of the running average of squared gradients. */
    public static final Hyperparameter BETA2 = Adam.BETA2;
    /** {@code eps}: added to the denominator for numerical stability. */
    public static final Hyperparameter EPS = Adam.EPS;
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 1e-2, 0);
    /** {@code amsgrad}: whether to divide by the largest second moment so far (AMSGrad). */
    public static final Hyperparameter AMSGRAD = Adam.AMSGRAD;
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Adam.MAXIMIZE;

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA1, BETA2, EPS, WEIGHT_DECAY, AMSGRAD, MAXIMIZE), h -> { });

    /** AdamW's descriptor: Adam's state. */
    public static final Rule RULE = Rule.builder("AdamW", DEFAULTS, AdamW::new)
            .preferredVectorBits(512)
            .buffer("exp_avg").buffer("exp_avg_sq")
            .bufferWhen("max_exp_avg_sq", h -> h.flag(AMSGRAD))
            .compressible("exp_avg").compressibleNonNegative("exp_avg_sq", "max_exp_avg_sq")
            .build();

    /** AdamW's weight decay is always decoupled. */
    private static final AdamCoefficients.WeightDecay DECOUPLED = AdamCoefficients.WeightDecay.DECOUPLED;

    /**
     * PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 1e-2, no AMSGrad.
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
     */
    public AdamW(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        AdamCoefficients c = AdamCoefficients.forStep(h, DECOUPLED, step, context);
        StepPlan fused = Adam.fusedMixedCall(p, state, weightRounding(), h.flag(AMSGRAD), step, c);
        if (fused != null) {
            return fused;
        }
        return Adam.kernelCall(kernels(), state, h.flag(AMSGRAD), c);
    }

    /** Adam's fused kernels over compressed moments; null with AMSGrad, whose running maximum takes the block path. */
    @Override
    protected StepPlan planCompressed(Parameter p, ParameterState state, Hyperparameters h, long step,
                                      StepContext context) {
        if (h.flag(AMSGRAD)) {
            return null;
        }
        return Adam.compressedKernelCall(p, state, stateFormat(), step,
                AdamCoefficients.forStep(h, DECOUPLED, step, context));
    }
}
