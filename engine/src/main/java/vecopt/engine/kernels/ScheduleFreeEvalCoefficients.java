package vecopt.engine.kernels;

/**
 * The scalars of {@link OptimizerKernels#scheduleFreeEval}: the package's
 * {@code p.lerp_(z, 1 - 1/momentum)}, which takes {@code y} to {@code x = (y - (1 - momentum) z) / momentum},
 * in {@code torch.lerp}'s two forms ({@link ScheduleFreeAveraging#lerpScale}).
 *
 * @param lerpScale the interpolation's scale
 * @param lerpFromZ whether it is measured from {@code z} ({@code |1 - 1/momentum| >= 0.5}, momentum up to 2/3)
 */
public record ScheduleFreeEvalCoefficients(float lerpScale, boolean lerpFromZ) {

    /** The coefficients for {@code momentum} ({@code beta1} of AdamW), in (0, 1). */
    public static ScheduleFreeEvalCoefficients forMomentum(double momentum) {
        double w = 1 - 1 / momentum;
        return new ScheduleFreeEvalCoefficients(ScheduleFreeAveraging.lerpScale(w), ScheduleFreeAveraging.lerpFromEnd(w));
    }
}
