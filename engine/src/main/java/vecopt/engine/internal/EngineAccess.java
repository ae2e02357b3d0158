package vecopt.engine.internal;

import java.util.List;
import java.util.Map;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.Hyperparameters;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterState;
import vecopt.engine.WeightRounding;
import vecopt.engine.kernels.OptimizerKernels;

/**
 * Gives {@code vecopt.engine.checkpoint}, the tests and the benchmarks the package-private operations
 * of {@code vecopt.engine}, the way the JDK's {@code SharedSecrets} does. Not an API: this package is
 * exported only to {@code vecopt.bench}, and nothing here validates its arguments beyond what keeps
 * the optimizer consistent.
 */
public final class EngineAccess {

    /** What loading a checkpoint needs that the public API does not offer. */
    public interface StateHooks {

        /** A detached parameter state; the maps are copied, the arrays are taken as they are. */
        ParameterState newState(long step, Map<String, Double> scalars, Map<String, float[]> buffers);

        /** As {@link #newState(long, Map, Map)}, with compressed buffers too. */
        ParameterState newState(long step, Map<String, Double> scalars, Map<String, float[]> buffers,
                                Map<String, vecopt.engine.CompressedBuffer> compressed);

        /** Whether {@code optimizer.setStateFormat} was called, so a checkpoint must be of that format. */
        boolean stateFormatChosen(Optimizer optimizer);

        /**
         * Sets the format of {@code optimizer}'s state as loaded from a checkpoint, after its state was replaced.
         *
         * @throws IllegalArgumentException if the rule cannot store its state in {@code format}
         */
        void restoreStateFormat(Optimizer optimizer, vecopt.engine.StateFormat format);

        /**
         * {@code base} with every value of {@code values} (PyTorch names) set, each value checked and
         * then the combination checked once, so the order of the changes does not matter.
         *
         * @throws IllegalArgumentException naming the hyperparameter and value that are not accepted
         */
        Hyperparameters withValues(Hyperparameters base, Map<String, Double> values);

        /**
         * Replaces every group's hyperparameters and every parameter's state at once. Either all of it
         * is replaced or, if the arguments do not fit the optimizer, nothing is.
         */
        void replaceState(Optimizer optimizer, List<Hyperparameters> groupHyperparameters,
                          Map<String, ParameterState> states);

        /**
         * Sets {@code optimizer}'s count of skipped steps, its clipping, noise and non-finite settings,
         * each group's clipping, its weight rounding and its loss scale, all or (if an argument is
         * refused) none of them.
         *
         * @throws IllegalArgumentException if {@code skippedSteps} is negative, a setting is null or the
         *     loss scale is refused
         */
        void restoreStepSettings(Optimizer optimizer, long skippedSteps, GradientClipping clipping,
                                 GradientNoise noise, NonFinitePolicy policy, List<GradientClipping> groupClipping,
                                 WeightRounding weightRounding, double lossScale);

        /** {@code Optimizers.fromTorch} running on {@code kernels} instead of the provider's choice. */
        Optimizer fromTorch(String className, List<Parameter> parameters, Map<String, ?> kwargs,
                            OptimizerKernels kernels);

        /** Makes {@code optimizer} run on {@code kernels}; returns it. */
        Optimizer withKernels(Optimizer optimizer, OptimizerKernels kernels);
    }

    private static volatile StateHooks stateHooks;

    private EngineAccess() {
    }

    /** Called once, by {@code Optimizer}'s class initializer. */
    public static synchronized void setStateHooks(StateHooks hooks) {
        if (stateHooks != null) {
            throw new IllegalStateException("state hooks are already set");
        }
        stateHooks = hooks;
    }

    /** The hooks; initializes {@link Optimizer}, which registers them, if nothing has yet. */
    public static StateHooks stateHooks() {
        StateHooks hooks = stateHooks;
        if (hooks == null) {
            try {
                Class.forName(Optimizer.class.getName(), true, Optimizer.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            hooks = stateHooks;
        }
        return hooks;
    }
}
