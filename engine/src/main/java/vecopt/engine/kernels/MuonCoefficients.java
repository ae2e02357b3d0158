package vecopt.engine.kernels;

import vecopt.engine.Hyperparameters;
import vecopt.engine.StepContext;

/**
 * Per-step scalars of Muon's kernels ({@link OptimizerKernels#muonMomentum},
 * {@link OptimizerKernels#muonApply}) and of its Newton–Schulz iteration ({@link NewtonSchulz}).
 *
 * @param gradScale          gradient multiplier: the norm-clipping coefficient (Muon has no maximize)
 * @param gradClip           gradients are clamped to {@code [-gradClip, gradClip]} first; infinite for no clamp
 * @param momentumWeight     {@code 1 - momentum}: ATen's {@code buf.lerp_(grad, 1 - momentum)}
 * @param momentumComplement {@code 1 - momentumWeight}, in float
 * @param nesterov           whether the update is {@code grad.lerp(buf, momentum)} rather than the buffer
 * @param nesterovWeight     {@code momentum}, the weight of that lerp
 * @param nesterovComplement {@code 1 - nesterovWeight}, in float
 * @param paramScale         {@code 1 - lr * weight_decay}: decoupled decay, with the unadjusted lr
 * @param negAdjustedLr      {@code -lr * ratio}, the ratio from {@code adjust_lr_fn} and the shape
 * @param a                  Newton–Schulz coefficient of {@code X}
 * @param b                  Newton–Schulz coefficient of {@code X X^T X}
 * @param c                  Newton–Schulz coefficient of {@code (X X^T)^2 X}
 * @param eps                the least Frobenius norm the update is divided by
 * @param steps              Newton–Schulz iterations
 */
public record MuonCoefficients(
        float gradScale,
        float gradClip,
        float momentumWeight,
        float momentumComplement,
        boolean nesterov,
        float nesterovWeight,
        float nesterovComplement,
        float paramScale,
        float negAdjustedLr,
        float a,
        float b,
        float c,
        float eps,
        int steps) {

    /** {@code adjust_lr_fn}'s options, in the order of their index. */
    public static final String ORIGINAL = "original";
    public static final String MATCH_RMS_ADAMW = "match_rms_adamw";

    /**
     * Muon's coefficients for step {@code step} of a {@code rows x cols} parameter.
     *
     * @throws IllegalArgumentException if {@code 1 - lr * weight_decay} or the adjusted lr overflows float32
     */
    public static MuonCoefficients forStep(Hyperparameters h, long step, StepContext context, int rows, int cols) {
        double lr = h.get("lr");
        float w = (float) (1 - h.get("momentum"));
        float mu = (float) h.get("momentum");
        return new MuonCoefficients(
                context.gradScale(false),
                context.clipValue(),
                w,
                1f - w,
                h.flag("nesterov"),
                mu,
                1f - mu,
                FiniteCoefficient.decoupledDecay("Muon", lr, h.get("weight_decay"), step),
                FiniteCoefficient.of("Muon", "-lr * adjusted ratio", -lr * ratio(h, rows, cols), step),
                (float) h.get("ns_a"),
                (float) h.get("ns_b"),
                (float) h.get("ns_c"),
                (float) h.get("eps"),
                (int) h.get("ns_steps"));
    }

    /**
     * PyTorch's {@code _adjust_lr} ratio for a {@code rows x cols} matrix: Keller Jordan's
     * {@code sqrt(max(1, rows / cols))} ({@code "original"}, and None), or Moonshot's
     * {@code 0.2 sqrt(max(rows, cols))} ({@code "match_rms_adamw"}), which gives the update AdamW's RMS;
     * 1 for an empty matrix.
     */
    public static double ratio(Hyperparameters h, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return 1; // nothing to update (PyTorch divides by zero columns)
        }
        return h.get("adjust_lr_fn") == 0
                ? Math.sqrt(Math.max(1, (double) rows / cols))
                : 0.2 * Math.sqrt(Math.max(rows, cols));
    }

    /** ATen's lerp with its weight and the weight's complement, as one fma: see {@link AdafactorCoefficients#lerp}. */
    static float lerp(float from, float to, float weight, float complement) {
        return AdafactorCoefficients.lerp(from, to, weight, complement);
    }
}
