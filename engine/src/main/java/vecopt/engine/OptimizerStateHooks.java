package vecopt.engine;

import java.util.List;
import java.util.Map;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.kernels.OptimizerKernels;

/** The package-private state operations, handed to {@code vecopt.engine.checkpoint} through {@link EngineAccess}. */
final class OptimizerStateHooks implements EngineAccess.StateHooks {

    @Override
    public ParameterState newState(long step, Map<String, Double> scalars, Map<String, float[]> buffers) {
        ParameterState state = new ParameterState();
        state.setStep(step);
        scalars.forEach(state::setScalar);
        buffers.forEach(state::putBuffer);
        return state;
    }

    @Override
    public ParameterState newState(long step, Map<String, Double> scalars, Map<String, float[]> buffers,
                                   Map<String, CompressedBuffer> compressed) {
        ParameterState state = newState(step, scalars, buffers);
        compressed.forEach(state::putCompressed);
        state.markUsed();
        return state;
    }

    @Override
    public boolean stateFormatChosen(Optimizer optimizer) {
        return optimizer.stateFormatChosen();
    }

    @Override
    public void restoreStateFormat(Optimizer optimizer, StateFormat format) {
        optimizer.restoreStateFormat(format);
    }

    @Override
    public Hyperparameters withValues(Hyperparameters base, Map<String, Double> values) {
        return base.withValues(values);
    }

    @Override
    public void replaceState(Optimizer optimizer, List<Hyperparameters> groupHyperparameters,
                             Map<String, ParameterState> states) {
        optimizer.replaceState(groupHyperparameters, states);
    }

    @Override
    public void restoreStepSettings(Optimizer optimizer, long skippedSteps, GradientClipping clipping,
                                    GradientNoise noise, NonFinitePolicy policy, List<GradientClipping> groupClipping,
                                    WeightRounding weightRounding, double lossScale) {
        optimizer.restoreStepSettings(skippedSteps, clipping, noise, policy, groupClipping, weightRounding, lossScale);
    }

    @Override
    public Optimizer fromTorch(String className, List<Parameter> parameters, Map<String, ?> kwargs,
                               OptimizerKernels kernels) {
        return Optimizers.fromTorch(className, parameters, kwargs, kernels);
    }

    @Override
    public Optimizer withKernels(Optimizer optimizer, OptimizerKernels kernels) {
        return optimizer.withKernels(kernels);
    }
}
