package vecopt.engine.kernels;

/** The standard normal distribution function and its inverse in double, for the noise tests. */
public final class NormalDistribution {

    private NormalDistribution() {
    }

    /** {@code Phi(x)}, to about 1e-14 relative, from {@link #erfc}. */
    public static double cdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    /** {@code Phi^-1(p)} by Newton's method on {@link #cdf}, to double precision. */
    public static double inverseCdf(double p) {
        double x = 0;
        for (int k = 0; k < 200; k++) {
            double step = (cdf(x) - p) / (Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
            x -= Math.max(-1, Math.min(1, step));
            if (Math.abs(step) < 1e-15 * Math.max(1, Math.abs(x))) {
                break;
            }
        }
        return x;
    }

    /** erfc by its Taylor series below 2 and by Lentz's continued fraction from 2 on. */
    public static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < 2) {
            double sum = 0;
            double term = x;
            for (int n = 0; n < 100; n++) {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + 2 / (x + ...)))))
        double f = x;
        double c = x;
        double d = 0;
        for (int k = 1; k < 300; k++) {
            double a = k / 2.0;
            d = 1 / (x + a * d);
            c = x + a / c;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
