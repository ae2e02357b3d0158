package vecopt.distributed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.internal.EngineAccess;
import vecopt.tensor.FloatTensor;

/**
 * What the member that owns a block does with a push: run a vecopt rule's fused kernel
 * ({@link Vecopt}), delay-tolerant Adagrad ({@link DelayTolerantAdagrad}) or add the push to the
 * block ({@link ElasticCentre}, the centre variable of EASGD). Every block of a server keeps its rule
 * beside its values and state.
 */
public sealed interface ServerRule {

    /**
     * Applies one push to {@code block}: {@code grad} as long as the block, {@code sumAtRead} the
     * block's gradient sum when the pushing worker read it (only {@link DelayTolerantAdagrad} reads it).
     * All or nothing: if it throws, the block is unchanged.
     */
    void apply(Block block, float[] grad, float[] sumAtRead);

    /** The buffers a pull returns besides the values: none but for {@link DelayTolerantAdagrad}'s gradient sum. */
    default boolean pullsGradientSum() {
        return false;
    }

    /** A short name for logs and checkpoints. */
    String name();

    /**
     * Any registered vecopt rule (its {@code torch.optim} name and hyperparameters by PyTorch name),
     * run as an {@link Optimizer} over the block with the block's state: the engine's fused kernel on
     * the owner. The rule and every hyperparameter are checked when this is made, so a server with a
     * bad rule is refused before anything is stored.
     */
    record Vecopt(String torchName, Map<String, Double> hyperparameters) implements ServerRule {

        /** The parameter name the block has inside the optimizer built for one push. */
        static final String PARAMETER = "block";

        public Vecopt {
            Objects.requireNonNull(torchName, "torchName");
            Objects.requireNonNull(hyperparameters, "hyperparameters");
            hyperparameters = Map.copyOf(new LinkedHashMap<>(hyperparameters));
            Rules.get(torchName).defaults().withValues(hyperparameters); // validates
        }

        /** A rule with its defaults and {@code changes} (PyTorch names, flags as 0 or 1). */
        public static Vecopt of(String torchName, Map<String, Double> changes) {
            return new Vecopt(torchName, changes);
        }

        /** The registered rule. */
        public Rule rule() {
            return Rules.get(torchName);
        }

        /** Its hyperparameters, checked. */
        public Hyperparameters resolved() {
            return rule().defaults().withValues(hyperparameters);
        }

        @Override
        public void apply(Block block, float[] grad, float[] sumAtRead) {
            Hyperparameters h = resolved();
            Optimizer optimizer = optimizerOver(block.values(), grad, block, h);
            optimizer.step(); // all or nothing: a NaN gradient or a bad coefficient throws before writing
            ParameterState s = optimizer.state(PARAMETER);
            block.setState(s.step(), new LinkedHashMap<>(s.scalars()), new LinkedHashMap<>(s.buffers()));
        }

        /** An optimizer of this rule over {@code values} and {@code grad} holding {@code block}'s state. */
        Optimizer optimizerOver(float[] values, float[] grad, Block block, Hyperparameters h) {
            Parameter p = new Parameter(PARAMETER, FloatTensor.of(values), FloatTensor.of(grad));
            Optimizer optimizer = rule().create(List.of(p), h);
            if (block.step() > 0) {
                EngineAccess.StateHooks hooks = EngineAccess.stateHooks();
                ParameterState state = hooks.newState(block.step(), block.scalars(), block.buffers());
                hooks.replaceState(optimizer, List.of(h), Map.of(PARAMETER, state));
            }
            return optimizer;
        }

        @Override
        public String name() {
            return torchName;
        }
    }

    /**
     * AdaRevision (McMahan and Streeter 2014, "Delay-Tolerant Algorithms for Asynchronous Distributed
     * Online Learning", NIPS 2014): Adagrad whose step sizes account for the updates a gradient missed
     * while it was computed. The server keeps, per coordinate, the parameter {@code x}, the sum of every
     * gradient applied {@code z}, the delay-adjusted sum of squares {@code z'} and its running maximum
     * {@code z'_max}. The paper's two procedures:
     * <pre>
     * Read (a worker fetches the block):
     *     return x and z;                   the worker keeps z_read = z, the gradient sum at read time
     *
     * Update(g, z_read) (its gradient arrives; per coordinate with g != 0):
     *     g_bck   = z - z_read              the backlog: gradients applied since the read, which g did not see
     *     eta_old = lr / sqrt(z'_max)
     *     z      += g
     *     z'     += g^2 + 2 g g_bck
     *     z'_max  = max(z'_max, z')         the rate never grows, although g g_bck can be negative
     *     eta     = lr / sqrt(z'_max)
     *     x      += -eta g + (eta_old - eta) g_bck
     * </pre>
     * The last term revises the backlog's steps, taken at {@code eta_old} or more, to the new, smaller
     * rate. {@code 2 g g_bck} counts each pair of gradients that overlapped (one computed before the
     * other was applied) once, when the later of the two arrives.
     *
     * <p>As {@code torch.optim.Adagrad} does, this rule adds {@code eps} to the root:
     * {@code eta = lr / (sqrt(z'_max) + eps)}; {@code eps = 0} is the paper's rate. A coordinate whose
     * gradient is 0 is left alone (a sparse gradient's zeros take no update; with a finite rate the
     * update would not change them anyway), and an empty backlog revises nothing, so a
     * coordinate that has seen no gradient yet (rate {@code lr / 0} when {@code eps = 0}) never
     * produces NaN. With no backlog at all this is Adagrad. Stored in the block's state as buffers
     * {@code z}, {@code G} ({@code z'}) and {@code G_max} ({@code z'_max}); a pull returns {@code z}
     * beside the values and the push sends it back ({@link ParameterServer#pushAll}).
     */
    record DelayTolerantAdagrad(double lr, double eps) implements ServerRule {

        public DelayTolerantAdagrad {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("lr must be >= 0 and finite, got " + lr);
            }
            if (!(eps >= 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be >= 0 and finite, got " + eps);
            }
        }

        /** Buffer names in the block's state. */
        static final String SUM = "z", ACCUMULATOR = "G", MAX_ACCUMULATOR = "G_max";

        @Override
        public void apply(Block block, float[] grad, float[] sumAtRead) {
            int n = grad.length;
            if (sumAtRead != null && sumAtRead.length != n) {
                throw new IllegalArgumentException("the gradient sum at read has " + sumAtRead.length
                        + " elements, the block " + n);
            }
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(grad[i])) {
                    throw new IllegalArgumentException("the gradient is not finite at index " + i + ": " + grad[i]);
                }
            }
            Map<String, float[]> buffers = new LinkedHashMap<>(block.buffers());
            float[] z = buffers.computeIfAbsent(SUM, k -> new float[n]);
            float[] acc = buffers.computeIfAbsent(ACCUMULATOR, k -> new float[n]);
            float[] max = buffers.computeIfAbsent(MAX_ACCUMULATOR, k -> new float[n]);
            float[] x = block.values();
            float lrF = (float) lr, epsF = (float) eps;
            for (int i = 0; i < n; i++) {
                float g = grad[i];
                if (g == 0f) {
                    continue;
                }
                float backlog = sumAtRead == null ? 0f : z[i] - sumAtRead[i];
                float etaOld = lrF / ((float) Math.sqrt(max[i]) + epsF);
                z[i] += g;
                acc[i] += g * g + 2f * g * backlog;
                max[i] = Math.max(max[i], acc[i]);
                float eta = lrF / ((float) Math.sqrt(max[i]) + epsF);
                x[i] -= eta * g;
                if (backlog != 0f) {
                    x[i] += (etaOld - eta) * backlog;
                }
            }
            block.setState(block.step() + 1, block.scalars(), buffers);
        }

        @Override
        public boolean pullsGradientSum() {
            return true;
        }

        @Override
        public String name() {
            return "DelayTolerantAdagrad";
        }
    }

    /** EASGD's centre variable: {@code x += d}, where a worker pushes {@code d = alpha (x_worker - x)}. */
    record ElasticCentre() implements ServerRule {

        @Override
        public void apply(Block block, float[] delta, float[] sumAtRead) {
            for (int i = 0; i < delta.length; i++) {
                if (!Float.isFinite(delta[i])) {
                    throw new IllegalArgumentException("the elastic difference is not finite at index " + i + ": "
                            + delta[i]);
                }
            }
            float[] x = block.values();
            for (int i = 0; i < delta.length; i++) {
                x[i] += delta[i];
            }
            block.setState(block.step() + 1, block.scalars(), block.buffers());
        }

        @Override
        public String name() {
            return "ElasticCentre";
        }
    }
}
