package vecopt.engine;

import java.util.List;
import java.util.Map;
import vecopt.engine.kernels.ASGDCoefficients;

/**
 * Averaged stochastic gradient descent, as {@code torch.optim.ASGD}: SGD with a decaying rate and a
 * decay term, and a running average {@code ax} of the iterates that starts after {@code t0} steps.
 * <pre>
 * d   = g + weight_decay * p                     (g negated first when maximize)
 * p   = p * (1 - lambd * eta_{t-1}) - eta_{t-1} * d
 * ax  = ax + (p - ax) * mu_{t-1}   if mu_{t-1} != 1, else ax = p
 * eta_t = lr / (1 + lambd * lr * t)^alpha
 * mu_t  = 1 / max(1, t - t0)
 * </pre>
 * State: {@code ax}, and the scalars {@code eta} (starting at {@code lr}) and {@code mu} (starting
 * at 1), each rounded to float32 as PyTorch keeps them in float32 tensors. The parameter holds the
 * SGD iterate; the average is {@code state(name).buffer("ax")}. Validated as PyTorch does:
 * {@code lr >= 0}, {@code weight_decay >= 0}; {@code lambd}, {@code alpha} and {@code t0} are any
 * finite values.
 */
public final class ASGD extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code lambd}: decay term. */
    public static final Hyperparameter LAMBD = Hyperparameter.atLeast("lambd", 1e-4, -Float.MAX_VALUE);
    /** {@code alpha}: power of the step-size decay. */
    public static final Hyperparameter ALPHA = Hyperparameter.atLeast("alpha", 0.75, -Float.MAX_VALUE);
    /** {@code t0}: step from which the averaging starts. */
    public static final Hyperparameter T0 = Hyperparameter.atLeast("t0", 1e6, -Float.MAX_VALUE);
    /** {@code weight_decay}: weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, LAMBD, ALPHA, T0, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** ASGD's descriptor: {@code ax}, and the scalars {@code eta} (lr before the first step) and {@code mu} (1). */
    public static final Rule RULE = Rule.builder("ASGD", DEFAULTS, ASGD::new)
            .preferredVectorBits(512)
            .buffer("ax")
            .compressible("ax")
            .scalar("eta", h -> (float) h.get(LR))
            .scalar("mu", 1)
            .build();

    /**
     * PyTorch's defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, no weight decay.
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
    public ASGD(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] ax = state.buffer("ax");
        ASGDCoefficients c = ASGDCoefficients.forStep(h, state.scalar("eta"), state.scalar("mu"), step, context);
        double eta = ASGDCoefficients.eta(h, step);
        double mu = ASGDCoefficients.mu(h, step);
        return new StepPlan((pa, pOff, ga, gOff, from, n) -> kernels().asgd(pa, pOff, ga, gOff, ax, from, n, c),
                Map.of("eta", eta, "mu", mu));
    }
}
