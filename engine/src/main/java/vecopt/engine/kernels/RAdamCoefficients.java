package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#radam}. RAdam adapts the step only once the length of
 * the approximated simple moving average, {@code rho_t}, exceeds 5; before that the denominator is
 * made exactly 1 by the coefficients ({@code rootScale = 0}, {@code denomOffset = 1}), so one kernel
 * serves both kinds of step. (An overflowed, infinite {@code v} then gives {@code 0 * inf = NaN} where
 * PyTorch's un-adapted step would not read {@code v}.)
 *
 * @param gradScale     gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                      coefficient
 * @param weightDecay   coupled L2 coefficient; 0 when the decay is decoupled
 * @param paramScale    {@code 1 - lr * weight_decay} for decoupled decay, else 1
 * @param beta1         decay of the first moment
 * @param oneMinusBeta1 {@code 1 - beta1}
 * @param beta2         decay of the second moment
 * @param oneMinusBeta2 {@code 1 - beta2}
 * @param rootScale     1 on adapted steps, 0 on un-adapted ones
 * @param denomOffset   {@code eps} on adapted steps, 1 on un-adapted ones
 * @param negStepSize   adapted: {@code -lr * r_t * sqrt(1 - beta2^step) / (1 - beta1^step)} with the
 *                      rectification {@code r_t}; un-adapted: {@code -lr / (1 - beta1^step)}
 * @param gradClip      gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record RAdamCoefficients(
        float gradScale,
        float weightDecay,
        float paramScale,
        float beta1,
        float oneMinusBeta1,
        float beta2,
        float oneMinusBeta2,
        float rootScale,
        float denomOffset,
        float negStepSize,
        float gradClip) {

    /** Without value clipping. */
    public RAdamCoefficients(float gradScale, float weightDecay, float paramScale, float beta1, float oneMinusBeta1,
                             float beta2, float oneMinusBeta2, float rootScale, float denomOffset, float negStepSize) {
        this(gradScale, weightDecay, paramScale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, rootScale, denomOffset,
                negStepSize, Float.POSITIVE_INFINITY);
    }

    /** RAdam's coefficients for step {@code step} (1-based): rectified once {@code rho_t > 5}. */
    public static RAdamCoefficients forStep(Hyperparameters h, long step, StepContext context) {
        double lr = h.get("lr");
        double beta1 = h.get("beta1");
        double beta2 = h.get("beta2");
        double wd = h.get("weight_decay");
        boolean decoupled = h.flag("decoupled_weight_decay");
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * step * Math.pow(beta2, step) / bias2;
        boolean adapted = rhoT > 5;
        double negStepSize = -lr / bias1;
        if (adapted) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            negStepSize *= rect * Math.sqrt(bias2);
        }
        return new RAdamCoefficients(
                context.gradScale(h.flag("maximize")),
                decoupled ? 0f : (float) wd,
                decoupled ? FiniteCoefficient.decoupledDecay("RAdam", lr, wd, step) : 1f,
                (float) beta1,
                (float) (1 - beta1),
                (float) beta2,
                (float) (1 - beta2),
                adapted ? 1f : 0f,
                adapted ? (float) h.get("eps") : 1f,
                FiniteCoefficient.of("RAdam", "the step size", negStepSize, step),
                context.clipValue());
    }
}
