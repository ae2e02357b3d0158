package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of {@link OptimizerKernels#asgd}, from the state's {@code eta} and {@code mu} of
 * the previous step, as PyTorch reads them ({@code eta.item()}, {@code mu.item()} of float32 tensors).
 *
 * @param gradScale   gradient multiplier: {@code -1} to maximize, else {@code 1}, times the norm-clipping
 *                    coefficient
 * @param weightDecay coupled L2 coefficient
 * @param paramScale  {@code 1 - lambd * eta}, in double, then float32 as ATen's {@code mul_} takes it
 * @param negEta      {@code -eta}
 * @param mu          averaging weight of the new iterate
 * @param averaging   {@code mu != 1}: {@code ax + (p - ax) * mu}; else {@code ax = p}, which that
 *                    formula would not always give bit for bit
 * @param gradClip    gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 */
public record ASGDCoefficients(float gradScale, float weightDecay, float paramScale, float negEta, float mu,
                               boolean averaging, float gradClip) {

    /** Without value clipping. */
    public ASGDCoefficients(float gradScale, float weightDecay, float paramScale, float negEta, float mu,
                            boolean averaging) {
        this(gradScale, weightDecay, paramScale, negEta, mu, averaging, Float.POSITIVE_INFINITY);
    }

    /**
     * ASGD's coefficients for step {@code step} (1-based), given the state's {@code eta} and {@code mu}
     * after step {@code step - 1} ({@code lr} and 1 before the first).
     */
    public static ASGDCoefficients forStep(Hyperparameters h, double eta, double mu, long step, StepContext context) {
        double etaF = (float) eta;
        float muF = (float) mu;
        return new ASGDCoefficients(context.gradScale(h.flag("maximize")), (float) h.get("weight_decay"),
                FiniteCoefficient.of("ASGD", "1 - lambd * eta", 1 - h.get("lambd") * etaF, step),
                FiniteCoefficient.of("ASGD", "-eta", -etaF, step),
                muF, muF != 1, context.clipValue());
    }

    /**
     * The state's {@code eta} after step {@code step}: {@code lr / (1 + lambd * lr * step)^alpha} in
     * double, kept as float32.
     *
     * @throws IllegalArgumentException if it is NaN or beyond float32 (it scales the next step)
     */
    public static double eta(Hyperparameters h, long step) {
        double lr = h.get("lr");
        return FiniteCoefficient.of("ASGD", "eta = lr / (1 + lambd lr t)^alpha",
                lr / Math.pow(1 + h.get("lambd") * lr * step, h.get("alpha")), step);
    }

    /** The state's {@code mu} after step {@code step}: {@code 1 / max(1, step - t0)}, kept as float32. */
    public static double mu(Hyperparameters h, long step) {
        return (float) (1 / Math.max(1, step - h.get("t0")));
    }
}
