package vecopt.bench.convergence;

import java.util.List;

/** The suite's five test functions. */
public final class TestFunctions {

    private TestFunctions() {
    }

    /** Condition number of the suite's ravine. */
    public static final double RAVINE_CONDITION = 25;
    /** Angle in degrees between the ravine's long axis and the x axis. */
    public static final double RAVINE_ANGLE_DEGREES = 30;

    /** All five, in the order the summary lists them. */
    public static List<TestFunction> all() {
        return List.of(saddle(), ravine(RAVINE_CONDITION, RAVINE_ANGLE_DEGREES), rosenbrock(), beale(), twoMinima());
    }

    /**
     * f(x, y) = x^2 - y^2, a saddle at the origin. Started at (1, 0.001), just off the ridge y = 0:
     * gradient descent first slides towards the saddle, then has to escape along y.
     */
    public static TestFunction saddle() {
        return new Saddle();
    }

    /**
     * A quadratic ravine f = (u^2 + kappa v^2) / 2 in coordinates (u, v) rotated by {@code angleDegrees}
     * from (x, y): the Hessian's eigenvalues are 1 and {@code kappa}, so kappa is its condition number.
     * Minimum 0 at the origin. Started at (-4, -1.5), far along the ravine and a little up its side,
     * where gradient descent zigzags.
     */
    public static TestFunction ravine(double kappa, double angleDegrees) {
        if (!(kappa >= 1)) {
            throw new IllegalArgumentException("kappa must be >= 1, got " + kappa);
        }
        return new Ravine(kappa, angleDegrees);
    }

    /** Rosenbrock's banana f = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1), from (-1.2, 1). */
    public static TestFunction rosenbrock() {
        return new Rosenbrock();
    }

    /**
     * Beale's function f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2, minimum 0 at
     * (3, 0.5), from (1, 1.5).
     */
    public static TestFunction beale() {
        return new Beale();
    }

    /**
     * A tilted double well f = (x^2 - 1)^2 + 0.3 x + y^2: a global minimum near (-1.04, 0) and a local
     * one near (0.96, 0), with a ridge at x = 0.075 between them. Started at (1.9, 1.4), above the
     * local basin: plain descent stops in the local minimum; momentum can carry over the ridge.
     */
    public static TestFunction twoMinima() {
        return new TwoMinima();
    }

    private record Saddle() implements TestFunction {
        @Override public String name() { return "saddle"; }
        @Override public String formula() { return "f(x, y) = x² − y²"; }
        @Override public double value(double x, double y) { return x * x - y * y; }
        @Override public void gradient(double x, double y, double[] out) { out[0] = 2 * x; out[1] = -2 * y; }
        @Override public void hessian(double x, double y, double[] out) { out[0] = 2; out[1] = 0; out[2] = 0; out[3] = -2; }
        @Override public double[] start() { return new double[] {1, 1e-3}; }
        @Override public List<double[]> starts() { return List.of(start(), new double[] {-0.8, -1e-3}, new double[] {0.5, 1e-2}); }
        @Override public double[] minimizer() { return null; }
        @Override public boolean convex() { return false; }
        @Override public boolean quadratic() { return true; }
        @Override public double[] window() { return new double[] {-1.2, 1.2, -1.2, 1.2}; }
        @Override public double[] contourLevels() { return new double[] {-1.2, -0.8, -0.4, -0.1, 0, 0.1, 0.4, 0.8, 1.2}; }

        /** Escaped: |y| >= 1, a distance 1000 times the start's from the ridge. */
        @Override public boolean reached(double x, double y, double tolerance) { return Math.abs(y) >= 1; }
        @Override public String reachedMeaning(double tolerance) { return "|y| >= 1 (escaped)"; }
    }

    private record Ravine(double kappa, double angleDegrees) implements TestFunction {
        private double cos() { return Math.cos(Math.toRadians(angleDegrees)); }
        private double sin() { return Math.sin(Math.toRadians(angleDegrees)); }

        @Override public String name() { return "ravine"; }
        @Override public String formula() {
            return "f = (u² + " + fmt(kappa) + " v²) / 2, (u, v) = (x, y) rotated " + fmt(angleDegrees) + "°";
        }
        @Override public double value(double x, double y) {
            double u = cos() * x + sin() * y;
            double v = -sin() * x + cos() * y;
            return 0.5 * (u * u + kappa * v * v);
        }
        @Override public void gradient(double x, double y, double[] out) {
            double[] h = new double[4];
            hessian(x, y, h);
            out[0] = h[0] * x + h[1] * y;
            out[1] = h[2] * x + h[3] * y;
        }
        @Override public void hessian(double x, double y, double[] out) {
            // H = R^T diag(1, kappa) R with R = [[c, s], [-s, c]].
            double c = cos();
            double s = sin();
            out[0] = c * c + kappa * s * s;
            out[1] = c * s - kappa * s * c;
            out[2] = out[1];
            out[3] = s * s + kappa * c * c;
        }
        @Override public double[] start() { return new double[] {-4, -1.5}; }
        @Override public List<double[]> starts() { return List.of(start(), new double[] {3, 2}, new double[] {0.5, -2.5}); }
        @Override public double[] minimizer() { return new double[] {0, 0}; }
        @Override public boolean convex() { return true; }
        @Override public boolean quadratic() { return true; }
        @Override public double[] window() { return new double[] {-5, 5, -3, 3}; }
        @Override public double[] contourLevels() { return TestFunction.logLevels(0, 0.02, 60, 12); }
    }

    private record Rosenbrock() implements TestFunction {
        @Override public String name() { return "rosenbrock"; }
        @Override public String formula() { return "f = (1 − x)² + 100 (y − x²)²"; }
        @Override public double value(double x, double y) {
            double a = 1 - x;
            double b = y - x * x;
            return a * a + 100 * b * b;
        }
        @Override public void gradient(double x, double y, double[] out) {
            double b = y - x * x;
            out[0] = -2 * (1 - x) - 400 * x * b;
            out[1] = 200 * b;
        }
        @Override public void hessian(double x, double y, double[] out) {
            out[0] = 2 - 400 * (y - x * x) + 800 * x * x;
            out[1] = -400 * x;
            out[2] = out[1];
            out[3] = 200;
        }
        @Override public double[] start() { return new double[] {-1.2, 1}; }
        @Override public List<double[]> starts() { return List.of(start(), new double[] {0, 0}, new double[] {1.5, 1.5}); }
        @Override public double[] minimizer() { return new double[] {1, 1}; }
        @Override public boolean convex() { return false; }
        @Override public boolean quadratic() { return false; }
        @Override public double[] window() { return new double[] {-2, 2, -1, 3}; }
        @Override public double[] contourLevels() { return TestFunction.logLevels(0, 0.05, 800, 12); }
    }

    private record Beale() implements TestFunction {
        private static final double A = 1.5;
        private static final double B = 2.25;
        private static final double C = 2.625;

        @Override public String name() { return "beale"; }
        @Override public String formula() { return "f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²"; }
        @Override public double value(double x, double y) {
            double t1 = A - x + x * y;
            double t2 = B - x + x * y * y;
            double t3 = C - x + x * y * y * y;
            return t1 * t1 + t2 * t2 + t3 * t3;
        }
        @Override public void gradient(double x, double y, double[] out) {
            double y2 = y * y;
            double y3 = y2 * y;
            double t1 = A - x + x * y;
            double t2 = B - x + x * y2;
            double t3 = C - x + x * y3;
            out[0] = 2 * t1 * (y - 1) + 2 * t2 * (y2 - 1) + 2 * t3 * (y3 - 1);
            out[1] = 2 * t1 * x + 2 * t2 * 2 * x * y + 2 * t3 * 3 * x * y2;
        }
        @Override public void hessian(double x, double y, double[] out) {
            double y2 = y * y;
            double y3 = y2 * y;
            double t1 = A - x + x * y;
            double t2 = B - x + x * y2;
            double t3 = C - x + x * y3;
            // d t_i / dx and d t_i / dy
            double a1 = y - 1;
            double a2 = y2 - 1;
            double a3 = y3 - 1;
            double b1 = x;
            double b2 = 2 * x * y;
            double b3 = 3 * x * y2;
            out[0] = 2 * (a1 * a1 + a2 * a2 + a3 * a3);
            out[1] = 2 * (b1 * a1 + t1 + b2 * a2 + t2 * 2 * y + b3 * a3 + t3 * 3 * y2);
            out[2] = out[1];
            out[3] = 2 * (b1 * b1 + b2 * b2 + t2 * 2 * x + b3 * b3 + t3 * 6 * x * y);
        }
        @Override public double[] start() { return new double[] {1, 1.5}; }
        @Override public List<double[]> starts() { return List.of(start(), new double[] {2, 1}, new double[] {0.5, 0.5}); }
        @Override public double[] minimizer() { return new double[] {3, 0.5}; }
        @Override public boolean convex() { return false; }
        @Override public boolean quadratic() { return false; }
        @Override public double[] window() { return new double[] {-0.5, 4, -1, 2}; }
        @Override public double[] contourLevels() { return TestFunction.logLevels(0, 0.02, 200, 12); }
    }

    private record TwoMinima() implements TestFunction {
        private static final double TILT = 0.3;

        @Override public String name() { return "two-minima"; }
        @Override public String formula() { return "f = (x² − 1)² + 0.3 x + y²"; }
        @Override public double value(double x, double y) {
            double a = x * x - 1;
            return a * a + TILT * x + y * y;
        }
        @Override public void gradient(double x, double y, double[] out) {
            out[0] = 4 * x * (x * x - 1) + TILT;
            out[1] = 2 * y;
        }
        @Override public void hessian(double x, double y, double[] out) {
            out[0] = 12 * x * x - 4;
            out[1] = 0;
            out[2] = 0;
            out[3] = 2;
        }
        @Override public double[] start() { return new double[] {1.9, 1.4}; }
        @Override public List<double[]> starts() { return List.of(start(), new double[] {0.5, -1}, new double[] {-1.6, 0.8}); }
        @Override public double[] minimizer() { return new double[] {stationary(-1), 0}; }
        /** The local (not global) minimiser near x = 0.96. */
        double[] localMinimizer() { return new double[] {stationary(1), 0}; }
        @Override public boolean convex() { return false; }
        @Override public boolean quadratic() { return false; }
        @Override public double[] window() { return new double[] {-2, 2, -1.5, 1.5}; }
        @Override public double[] contourLevels() {
            double fmin = minimum();
            return TestFunction.logLevels(fmin, 0.03, 6, 12);
        }

        /** The root of 4x(x^2 - 1) + 0.3 = 0 that Newton's method reaches from {@code x}. */
        private static double stationary(double x) {
            for (int i = 0; i < 60; i++) {
                x -= (4 * x * (x * x - 1) + TILT) / (12 * x * x - 4);
            }
            return x;
        }
    }

    /** The local minimiser of {@link #twoMinima()}, near (0.96, 0). */
    public static double[] twoMinimaLocalMinimizer() {
        return new TwoMinima().localMinimizer();
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
