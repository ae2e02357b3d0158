package vecopt.engine;

import java.util.ArrayList;
import java.util.List;
import vecopt.engine.kernels.ScheduleFreeAveraging;
import vecopt.engine.kernels.ScheduleFreeEvalCoefficients;

/**
 * What the schedule-free rules share (Defazio et al. 2024, "The Road Less Scheduled"): three
 * sequences, of which the parameters hold one at a time.
 * <pre>
 * y_t     = (1 - momentum) z_t + momentum x_t          the point where gradients are taken (train mode)
 * z_{t+1} = z_t - lr_t d_t                             the base optimizer's iterate (state z)
 * x_{t+1} = (1 - c_{t+1}) x_t + c_{t+1} z_{t+1}        the average, the point to evaluate (eval mode)
 * </pre>
 * with {@code c_{t+1}} from {@link ScheduleFreeAveraging}. As in the authors' {@code schedulefree}
 * package, x is not stored: the parameters hold y while training, {@link #eval()} writes x into them,
 * and {@link #train()} puts y back. Call {@code eval()} before evaluating (or saving the weights you
 * will evaluate) and {@code train()} before the next {@link #step()}; stepping in eval mode is refused.
 *
 * <p>The package's {@code train()} recomputes y from x and z with a second interpolation, which in
 * float32 does not always give back the bits of y. Here {@code eval()} keeps y in a state buffer
 * {@value #Y} and {@code train()} copies it back, so {@code eval(); train()} leaves every parameter
 * bit for bit as it was, and training is the same whether or not it is interrupted by evaluations.
 * The cost is one float per parameter element while in eval mode; {@code train()} frees it again.
 *
 * <p>The mode is state: the optimizer is in eval mode exactly while its parameters keep {@value #Y}.
 * A checkpoint saved in eval mode therefore holds {@value #Y} and resumes in eval mode (its weights
 * are x; call {@code train()} before stepping on), one saved in train mode resumes in train mode.
 * {@code eval()} creates the state of parameters that have not stepped yet ({@link #allocateState()}),
 * so that the mode is recorded for them too. Unlike the package, a new optimizer starts in train mode
 * (before the first step {@code x = y = z}, so the modes agree), which lets it run wherever any other
 * rule runs; calling {@code train()} first, as the package requires, is harmless.
 */
public abstract class ScheduleFreeOptimizer extends Optimizer {

    /** The state buffer that keeps y while the parameter holds x (eval mode). */
    public static final String Y = "y";

    /** Why the schedule-free rules refuse mixed-precision parameters. */
    static final String MIXED_PRECISION_REFUSAL = "its eval() and train() write x and y into the float32 values";

    /** {@value #Y}: created by {@link #eval()}, never by a step, so no hyperparameters make it present. */
    static final Rule.Buffer KEPT_Y = new Rule.Buffer(Y, Rule.Buffer.LIKE_PARAMETER, h -> false, h -> 0);

    /** The interpolation weight between z and x in y: SGD's {@code momentum}, AdamW's {@code beta1}. */
    private final Hyperparameter momentum;

    ScheduleFreeOptimizer(Rule rule, List<Parameter> parameters, Hyperparameters hyperparameters,
                          Hyperparameter momentum) {
        super(rule, parameters, hyperparameters);
        this.momentum = momentum;
    }

    /** {@return whether the parameters hold y, the training point: true unless {@link #eval()} was called last} */
    public boolean training() {
        for (ParamGroup group : paramGroups()) {
            for (Parameter p : group.parameters()) {
                ParameterState s = state(p.name());
                if (s != null && s.buffer(Y) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Switches the parameters to x, the average to evaluate, keeping y to come back to. Does nothing
     * in eval mode. A parameter that has not stepped yet keeps its value ({@code x = y}).
     *
     * @throws OutOfMemoryError if the state or the copies of y do not fit; nothing is then switched
     */
    public void eval() {
        if (!training()) {
            return;
        }
        allocateState();
        runGuarded("eval()", () -> {
            List<Parameter> all = new ArrayList<>();
            List<float[]> kept = new ArrayList<>();
            for (ParamGroup group : paramGroups()) {
                for (Parameter p : group.parameters()) {
                    all.add(p);
                    kept.add(new float[p.size()]); // every allocation before the first write
                }
            }
            int i = 0;
            for (ParamGroup group : paramGroups()) {
                ScheduleFreeEvalCoefficients c = ScheduleFreeEvalCoefficients.forMomentum(
                        group.hyperparameters().get(momentum));
                for (Parameter p : group.parameters()) {
                    float[] y = kept.get(i++);
                    ParameterState s = state(p.name());
                    float[] value = p.value().array();
                    int offset = p.value().offset();
                    if (s.step() == 0) {
                        System.arraycopy(value, offset, y, 0, y.length); // z is not set before the first step
                    } else {
                        float[] z = s.buffer("z");
                        executor().run(p.size(), (from, n) -> kernels().scheduleFreeEval(value, offset + from,
                                z, from, y, from, n, c));
                    }
                    s.putBuffer(Y, y);
                }
            }
        });
    }

    /** Switches the parameters back to y, bit for bit as before {@link #eval()}. Does nothing in train mode. */
    public void train() {
        runGuarded("train()", () -> {
            for (ParamGroup group : paramGroups()) {
                for (Parameter p : group.parameters()) {
                    ParameterState s = state(p.name());
                    float[] y = s == null ? null : s.buffer(Y);
                    if (y != null) {
                        System.arraycopy(y, 0, p.value().array(), p.value().offset(), y.length);
                        s.discard(Y);
                    }
                }
            }
        });
    }

    /**
     * One step at y, as {@link Optimizer#step()}.
     *
     * @throws IllegalStateException in eval mode (the parameters hold x), before anything is done
     */
    @Override
    public void step() {
        requireTraining();
        super.step();
    }

    /**
     * As {@link Optimizer#step(LossClosure)}.
     *
     * @throws IllegalStateException in eval mode, before the closure is called
     */
    @Override
    public double step(LossClosure closure) {
        requireTraining();
        return super.step(closure);
    }

    private void requireTraining() {
        if (!training()) {
            throw new IllegalStateException(torchName() + " is in eval mode: its parameters hold x, the average to"
                    + " evaluate, not y, where gradients are taken; call train() before step()");
        }
    }

    /**
     * The step's averaging from the parameter's scalars {@code lr_max} and {@code weight_sum}, which
     * the rule's plan commits after the step.
     */
    static ScheduleFreeAveraging averaging(Rule rule, ParameterState state, Hyperparameters h, long step) {
        return ScheduleFreeAveraging.forStep(rule.torchName(), h, step,
                state.scalarOr("lr_max", ScheduleFreeAveraging.INITIAL_LR_MAX), state.scalarOr("weight_sum", 0));
    }
}
