package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;
import vecopt.engine.kernels.SgdCoefficients;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, coupled weight
 * decay and maximization, as {@code torch.optim.SGD}:
 * <pre>
 * d = g + weight_decay * p                        (g negated first when maximize)
 * b = d on the first step, else momentum * b + (1 - dampening) * d
 * u = d + momentum * b if nesterov, else b        (u = d without momentum)
 * p = p - lr * u
 * </pre>
 * State: {@code momentum_buffer} when momentum is non-zero.
 */
public final class Sgd extends Optimizer {

    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    public static final Hyperparameter MOMENTUM = Hyperparameter.atLeast("momentum", 0, 0);
    public static final Hyperparameter DAMPENING = Hyperparameter.inClosed("dampening", 0, 0, 1);
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    public static final Hyperparameter NESTEROV = Hyperparameter.flag("nesterov", false);
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, MOMENTUM, DAMPENING, WEIGHT_DECAY, NESTEROV, MAXIMIZE), Sgd::checkCombination);

    /** PyTorch's defaults: lr 1e-3, no momentum, no dampening, no weight decay. */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    public Sgd(List<Parameter> parameters, Hyperparameters hyperparameters) {
        this(parameters, hyperparameters, OptimizerKernelsProvider.get());
    }

    public Sgd(List<Parameter> parameters, Hyperparameters hyperparameters, OptimizerKernels kernels) {
        super("SGD", defaults(), parameters, hyperparameters, kernels);
    }

    @Override
    protected void update(Parameter p, ParameterState state, Hyperparameters h, long step) {
        double momentum = h.get(MOMENTUM);
        boolean nesterov = h.flag(NESTEROV);
        float gradScale = gradScale(h.flag(MAXIMIZE));
        float gradClip = gradClip();
        float negLr = (float) -h.get(LR);
        float weightDecay = (float) h.get(WEIGHT_DECAY);
        if (momentum == 0) {
            SgdCoefficients c = new SgdCoefficients(negLr, gradScale, weightDecay, 0f, 1f, 1f, 0f, gradClip);
            runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().sgd(pa, pOff, ga, gOff, n, c));
            return;
        }
        boolean first = state.buffer("momentum_buffer") == null;
        float[] b = buffer(state, "momentum_buffer", p, 0f);
        SgdCoefficients c = new SgdCoefficients(negLr, gradScale, weightDecay,
                first ? 0f : (float) momentum,
                first ? 1f : (float) (1 - h.get(DAMPENING)),
                nesterov ? (float) momentum : 1f,
                nesterov ? 1f : 0f,
                gradClip);
        runChunked(p, (pa, pOff, ga, gOff, from, n) -> kernels().sgdMomentum(pa, pOff, ga, gOff, b, from, n, c));
    }

    private static void checkCombination(Hyperparameters h) {
        if (h.flag(NESTEROV) && (h.get(MOMENTUM) <= 0 || h.get(DAMPENING) != 0)) {
            throw new IllegalArgumentException("nesterov requires momentum > 0 and dampening = 0, got momentum="
                    + Hyperparameter.format(h.get(MOMENTUM)) + ", dampening=" + Hyperparameter.format(h.get(DAMPENING)));
        }
    }
}
