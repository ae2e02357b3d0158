package vecopt.examples;

/**
 * {@link Signum}'s scalar kernel: the reference its vector kernel must equal bit for bit, and that
 * kernel's tail. Every operation is a float operation whose rounding is defined (fused multiply-adds
 * through {@link Math#fma}), so a vector kernel doing the same operations in the same order gives the
 * same bits.
 */
public final class SignumKernel {

    private SignumKernel() {
    }

    /**
     * One step over {@code n} elements: the parameter from {@code p[pOff]}, its gradient from
     * {@code g[gOff]}, its momentum from {@code m[mOff]}.
     *
     * @param p the parameter's values, updated
     * @param pOff the index of the first parameter element
     * @param g the gradient, read
     * @param gOff the index of the first gradient element
     * @param m the momentum buffer, updated
     * @param mOff the index of the first momentum element
     * @param n the number of elements
     * @param c the step's coefficients
     */
    public static void step(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, int n,
                            Signum.Coefficients c) {
        for (int i = 0; i < n; i++) {
            float pi = p[pOff + i];
            float d = Math.fma(c.weightDecay(), pi, c.gradScale() * clamp(g[gOff + i], c.gradClip()));
            float mi = Math.fma(c.oneMinusMomentum(), d, c.momentum() * m[mOff + i]);
            m[mOff + i] = mi;
            p[pOff + i] = Math.fma(c.negLr(), Math.signum(mi), pi);
        }
    }

    /** {@code g} clamped to {@code [-clip, clip]}; NaN stays NaN. */
    static float clamp(float g, float clip) {
        return g > clip ? clip : g < -clip ? -clip : g;
    }
}
