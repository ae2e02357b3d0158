package vecopt.bench.convergence;

import java.util.List;

/**
 * A function of two variables with its analytic gradient and Hessian, a starting point that every
 * optimizer shares, and the window the charts draw. Values and derivatives are computed in double
 * from whatever point they are given (the optimizers' float32 parameters, widened).
 */
public interface TestFunction {

    /** Short name used in file names and tables, such as {@code rosenbrock}. */
    String name();

    /** The formula, as shown in chart titles and the summary. */
    String formula();

    /** f(x, y). */
    double value(double x, double y);

    /** Writes (df/dx, df/dy) into {@code out[0..1]}. */
    void gradient(double x, double y, double[] out);

    /** Writes the Hessian row-major into {@code out[0..3]}: fxx, fxy, fyx, fyy. */
    void hessian(double x, double y, double[] out);

    /** The point every optimizer starts from in the suite and its charts. */
    double[] start();

    /** Further fixed starting points the tests use, the first being {@link #start()}. */
    List<double[]> starts();

    /** The global minimiser, or null if the function is unbounded below. */
    double[] minimizer();

    /** f at the global minimiser, or {@link Double#NEGATIVE_INFINITY} if unbounded below. */
    default double minimum() {
        double[] m = minimizer();
        return m == null ? Double.NEGATIVE_INFINITY : value(m[0], m[1]);
    }

    /** Whether the function is convex (the suite then expects every optimizer to reach the minimiser). */
    boolean convex();

    /** Whether the function is quadratic (its Hessian is constant). */
    boolean quadratic();

    /** The chart window {xMin, xMax, yMin, yMax}. */
    double[] window();

    /** Contour levels worth drawing in {@link #window()}. */
    double[] contourLevels();

    /**
     * Whether the trajectory point {@code (x, y)} has done what the suite measures: for functions with
     * a minimum, {@code f - f* <= tolerance}; the saddle overrides this with leaving the unit band.
     */
    default boolean reached(double x, double y, double tolerance) {
        return value(x, y) - minimum() <= tolerance;
    }

    /** What {@link #reached} means, for the summary table's column note. */
    default String reachedMeaning(double tolerance) {
        return "f - f* <= " + tolerance;
    }

    /** Levels spaced evenly in log scale from {@code lo} to {@code hi} above {@code base}. */
    static double[] logLevels(double base, double lo, double hi, int count) {
        double[] levels = new double[count];
        double a = Math.log(lo);
        double b = Math.log(hi);
        for (int i = 0; i < count; i++) {
            levels[i] = base + Math.exp(a + (b - a) * i / (count - 1));
        }
        return levels;
    }
}
