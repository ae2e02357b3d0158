package vecopt.engine;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clipping of one step parameter by parameter, when a group clips or the optimizer clips each
 * parameter by its own norm: the coefficients of every scope, finest first (see {@link GradientClipping}),
 * multiplied into each parameter's {@link StepContext}, from the sums of squares of the one norm pass.
 */
final class ScopedClipping {

    private ScopedClipping() {
    }

    /** Whether a step needs a context per parameter: a group clips, or the optimizer clips per parameter. */
    static boolean applies(GradientClipping optimizerClipping, List<ParamGroup> groups) {
        if (optimizerClipping instanceof GradientClipping.ByNormPerParameter) {
            return true;
        }
        for (ParamGroup g : groups) {
            if (!(g.gradientClipping() instanceof GradientClipping.None)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any clipping in force needs gradient norms. */
    static boolean needsNorms(GradientClipping optimizerClipping, List<ParamGroup> groups) {
        if (isNorm(optimizerClipping)) {
            return true;
        }
        for (ParamGroup g : groups) {
            if (isNorm(g.gradientClipping())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNorm(GradientClipping c) {
        return c instanceof GradientClipping.ByNorm || c instanceof GradientClipping.ByNormPerParameter;
    }

    /** The clamp bound of {@code c}: its clip value, infinite if it does not clip by value. */
    static float clipValue(GradientClipping c) {
        return c instanceof GradientClipping.ByValue v ? (float) v.clipValue() : Float.POSITIVE_INFINITY;
    }

    /**
     * Each parameter's context: the product of the per-parameter, group and optimizer coefficients
     * applied in that order, each norm being of the gradients the scopes before it left, and the
     * smallest clamp bound of the group and the optimizer.
     *
     * @param sums each parameter's sum of squares by group, in order; null when no scope clips by norm
     */
    static Map<Parameter, StepContext> contexts(GradientClipping optimizerClipping, List<ParamGroup> groups,
                                                double[][] sums) {
        Map<Parameter, StepContext> contexts = new IdentityHashMap<>();
        double[][] scales = new double[groups.size()][];
        double total = 0; // sum of squares after every scope below the optimizer's norm
        for (int g = 0; g < groups.size(); g++) {
            List<Parameter> parameters = groups.get(g).parameters();
            GradientClipping groupClipping = groups.get(g).gradientClipping();
            scales[g] = new double[parameters.size()];
            double groupSum = 0;
            for (int i = 0; i < parameters.size(); i++) {
                double s = sums == null ? 0 : sums[g][i];
                double c = 1;
                if (optimizerClipping instanceof GradientClipping.ByNormPerParameter clip) {
                    c *= clip.coefficient(Math.sqrt(s));
                }
                if (groupClipping instanceof GradientClipping.ByNormPerParameter clip) {
                    c *= clip.coefficient(c * Math.sqrt(s));
                }
                scales[g][i] = c;
                groupSum += c * c * s;
            }
            if (groupClipping instanceof GradientClipping.ByNorm clip) {
                double c = clip.coefficient(Math.sqrt(groupSum));
                for (int i = 0; i < parameters.size(); i++) {
                    scales[g][i] *= c;
                }
                groupSum *= c * c;
            }
            total += groupSum;
        }
        double optimizerScale = optimizerClipping instanceof GradientClipping.ByNorm clip
                ? clip.coefficient(Math.sqrt(total)) : 1;
        float optimizerBound = clipValue(optimizerClipping);
        for (int g = 0; g < groups.size(); g++) {
            float bound = Math.min(optimizerBound, clipValue(groups.get(g).gradientClipping()));
            List<Parameter> parameters = groups.get(g).parameters();
            for (int i = 0; i < parameters.size(); i++) {
                contexts.put(parameters.get(i), new StepContext((float) (optimizerScale * scales[g][i]), bound));
            }
        }
        return contexts;
    }
}
