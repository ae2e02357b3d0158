package vecopt.examples;

import java.util.List;
import vecopt.engine.Hyperparameter;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.StepContext;
import vecopt.engine.StepPlan;

/**
 * Signum, sign SGD with momentum (Bernstein, Wang, Azizzadenesheli and Anandkumar 2018, "signSGD:
 * Compressed Optimisation for Non-Convex Problems", Algorithm 3), written as a user of vecopt writes a
 * rule: outside the engine, with its public API only. Each weight moves by exactly {@code lr} against
 * the sign of its momentum:
 * <pre>
 * d = gradScale * clamp(g) + weight_decay * p       (clipping and maximize as the step decided them)
 * m = momentum * m + (1 - momentum) * d             (m starts at 0)
 * p = p - lr * sign(m)                              (sign(0) = 0, sign(NaN) = NaN)
 * </pre>
 * Defaults are MXNet's {@code mxnet.optimizer.Signum} (lr 0.01, momentum 0.9); {@code weight_decay} is
 * coupled, added to the gradient as in SGD (MXNet's {@code wd}). {@code momentum} 0 is signSGD.
 *
 * <p>What a rule needs: its {@link Hyperparameter}s and defaults, a {@link Rule} descriptor with its
 * state layout (one buffer, {@code momentum_buffer}, of the parameter's shape), and {@link #plan}, which
 * computes the step's scalars once, in double, and returns the kernel call. The kernel is
 * {@link SignumKernel} (plain Java) or, when the optimizer runs the Vector API kernels,
 * {@link SignumVectorKernel}; the two give the same bits. {@link #register()} adds the rule to
 * {@link Rules}, so that {@link Optimizers#fromTorch} builds it and checkpoints of it load like the
 * built-in ones'.
 */
public final class Signum extends Optimizer {

    /** {@code lr}: the step every weight takes, against the sign of its momentum. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 0.01, 0);
    /** {@code momentum}: decay rate of the momentum; 0 for signSGD. */
    public static final Hyperparameter MOMENTUM = Hyperparameter.inHalfOpen("momentum", 0.9, 0, 1);
    /** {@code weight_decay}: L2 penalty, added to the gradient before the momentum. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, MOMENTUM, WEIGHT_DECAY, MAXIMIZE), h -> { });

    /** Signum's descriptor: its name, hyperparameters, one buffer per parameter, its constructor. */
    public static final Rule RULE = Rule.builder("Signum", DEFAULTS, Signum::new)
            .buffer("momentum_buffer")                    // parameter's shape, starts at 0
            .build();

    /**
     * MXNet's defaults: lr 0.01, momentum 0.9, no weight decay.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /**
     * An optimizer over {@code parameters}, all in its first group.
     *
     * @param parameters the parameters of the first group
     * @param hyperparameters the first group's hyperparameters: {@link #defaults()} with changes
     */
    public Signum(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /** Registers {@link #RULE} in {@link Rules}, once however often it is called. */
    public static synchronized void register() {
        if (!Rules.contains(RULE.torchName())) {
            Rules.register(RULE);
        }
    }

    /**
     * The per-step scalars, computed once per step and parameter in double and handed to the kernels
     * as floats.
     *
     * @param gradScale the gradient's multiplier: norm clipping's coefficient, negated to maximize
     * @param gradClip the bound of clipping by value; infinite for none
     * @param weightDecay {@code weight_decay}
     * @param momentum {@code momentum}
     * @param oneMinusMomentum {@code 1 - momentum}, rounded once
     * @param negLr {@code -lr}
     */
    public record Coefficients(float gradScale, float gradClip, float weightDecay, float momentum,
                               float oneMinusMomentum, float negLr) {

        /**
         * The coefficients of a step with hyperparameters {@code h} and the step's {@code context}.
         *
         * @param h the group's hyperparameters
         * @param context the step's clipping
         * @return the coefficients
         * @throws IllegalArgumentException if {@code lr} or {@code weight_decay} overflows float32
         */
        public static Coefficients of(Hyperparameters h, StepContext context) {
            float negLr = (float) -h.get(LR);
            float weightDecay = (float) h.get(WEIGHT_DECAY);
            if (!Float.isFinite(negLr) || !Float.isFinite(weightDecay)) { // refused before anything is written
                throw new IllegalArgumentException("lr and weight_decay must fit in a float, got " + h.get(LR)
                        + " and " + h.get(WEIGHT_DECAY));
            }
            double momentum = h.get(MOMENTUM);
            return new Coefficients(context.gradScale(h.flag(MAXIMIZE)), context.clipValue(), weightDecay,
                    (float) momentum, (float) (1 - momentum), negLr);
        }
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        float[] m = state.buffer("momentum_buffer");
        Coefficients c = Coefficients.of(h, context);
        if (Optimizers.vectorBitSize(this) == 0) {       // the path this optimizer's built-in kernels take
            return StepPlan.of((pa, pOff, ga, gOff, from, n) -> SignumKernel.step(pa, pOff, ga, gOff, m, from, n, c));
        }
        return StepPlan.of((pa, pOff, ga, gOff, from, n) -> SignumVectorKernel.step(pa, pOff, ga, gOff, m, from, n, c));
    }
}
