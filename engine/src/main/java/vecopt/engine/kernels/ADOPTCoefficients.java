package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#adopt}.
 *
 * @param firstStep     the first step: only {@code v = d^2} is written
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the
 *                      norm-clipping coefficient
 * @param paramScale    {@code 1 - lr * weight_decay}: the decoupled decay
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param eps           lower bound of {@code sqrt(v)}
 * @param updateClip    the normalised gradient is clamped to {@code [-updateClip, updateClip]}:
 *                      {@code (step - 1)^0.25}, or infinite without use_clipping
 * @param negLr         {@code -lr}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record ADOPTCoefficients(
        boolean firstStep,
        float gradScale,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float eps,
        float updateClip,
        float negLr,
        float gradClip) {

    /** ADOPT's coefficients for step {@code step} (1-based), with optax's clipping schedule. */
    public static ADOPTCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        return new ADOPTCoefficients(
                step == 1,
                context.gradScale(h.flag("maximize")),
                FiniteCoefficient.decoupledDecay("ADOPT", lr, h.get("weight_decay"), step),
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                (float) h.get("eps"),
                h.flag("use_clipping") ? (float) Math.pow(step - 1, 0.25) : Float.POSITIVE_INFINITY,
                (float) -lr,
                context.clipValue());
    }
}
