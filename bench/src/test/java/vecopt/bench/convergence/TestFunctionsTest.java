package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The analytic derivatives of every test function against central differences. */
class TestFunctionsTest {

    private static final double[][] POINTS = {{-1.2, 1}, {0.3, -0.7}, {1.5, 0.25}, {2.9, 0.45}, {-0.4, 1.8}};

    private static List<TestFunction> functions() {
        return List.of(TestFunctions.saddle(), TestFunctions.ravine(25, 30), TestFunctions.ravine(1000, 77),
                TestFunctions.rosenbrock(), TestFunctions.beale(), TestFunctions.twoMinima());
    }

    @Test
    void gradientsMatchCentralDifferencesTo1e6Relative() {
        double h = 1e-6;
        for (TestFunction fn : functions()) {
            for (double[] p : POINTS) {
                double[] g = new double[2];
                fn.gradient(p[0], p[1], g);
                double dx = (fn.value(p[0] + h, p[1]) - fn.value(p[0] - h, p[1])) / (2 * h);
                double dy = (fn.value(p[0], p[1] + h) - fn.value(p[0], p[1] - h)) / (2 * h);
                assertEquals(dx, g[0], 1e-6 * Math.max(1, Math.abs(dx)), fn.name() + " df/dx at " + p[0] + "," + p[1]);
                assertEquals(dy, g[1], 1e-6 * Math.max(1, Math.abs(dy)), fn.name() + " df/dy at " + p[0] + "," + p[1]);
            }
        }
    }

    @Test
    void hessiansMatchCentralDifferencesOfTheGradientAndAreSymmetric() {
        double h = 1e-6;
        for (TestFunction fn : functions()) {
            for (double[] p : POINTS) {
                double[] hess = new double[4];
                fn.hessian(p[0], p[1], hess);
                double[] gp = new double[2];
                double[] gm = new double[2];
                fn.gradient(p[0] + h, p[1], gp);
                fn.gradient(p[0] - h, p[1], gm);
                double hxx = (gp[0] - gm[0]) / (2 * h);
                double hyx = (gp[1] - gm[1]) / (2 * h);
                fn.gradient(p[0], p[1] + h, gp);
                fn.gradient(p[0], p[1] - h, gm);
                double hxy = (gp[0] - gm[0]) / (2 * h);
                double hyy = (gp[1] - gm[1]) / (2 * h);
                String at = fn.name() + " at " + p[0] + "," + p[1];
                assertEquals(hxx, hess[0], 1e-5 * Math.max(1, Math.abs(hxx)), at + " fxx");
                assertEquals(hxy, hess[1], 1e-5 * Math.max(1, Math.abs(hxy)), at + " fxy");
                assertEquals(hyx, hess[2], 1e-5 * Math.max(1, Math.abs(hyx)), at + " fyx");
                assertEquals(hyy, hess[3], 1e-5 * Math.max(1, Math.abs(hyy)), at + " fyy");
                assertEquals(hess[1], hess[2], 0, at + " symmetric");
            }
        }
    }

    @Test
    void minimisersAreStationaryWithTheStatedValues() {
        double[] g = new double[2];
        for (TestFunction fn : TestFunctions.all()) {
            double[] m = fn.minimizer();
            if (m == null) {
                assertEquals("saddle", fn.name());
                assertEquals(Double.NEGATIVE_INFINITY, fn.minimum());
                continue;
            }
            fn.gradient(m[0], m[1], g);
            assertTrue(Math.hypot(g[0], g[1]) < 1e-12, fn.name() + " gradient at minimiser " + g[0] + "," + g[1]);
        }
        assertEquals(0, TestFunctions.rosenbrock().minimum());
        assertEquals(0, TestFunctions.beale().minimum());
        assertEquals(0, TestFunctions.ravine(25, 30).minimum());
        // Two minima: global near x = -1.036 (f = -0.3054), local near x = 0.960 (f = 0.2941).
        TestFunction two = TestFunctions.twoMinima();
        double[] local = TestFunctions.twoMinimaLocalMinimizer();
        two.gradient(local[0], local[1], g);
        assertTrue(Math.hypot(g[0], g[1]) < 1e-12);
        assertEquals(-1.0356, two.minimizer()[0], 1e-4);
        assertEquals(0.9601, local[0], 1e-4);
        assertEquals(-0.3054, two.minimum(), 1e-4);
        assertEquals(0.2941, two.value(local[0], local[1]), 1e-4);
    }

    @Test
    void theRavinesConditionNumberIsKappa() {
        for (double kappa : new double[] {1, 25, 1e4}) {
            double[] h = new double[4];
            TestFunctions.ravine(kappa, 30).hessian(0, 0, h);
            double trace = h[0] + h[3];
            double det = h[0] * h[3] - h[1] * h[2];
            double disc = Math.sqrt(trace * trace / 4 - det);
            double hi = trace / 2 + disc;
            double lo = trace / 2 - disc;
            assertEquals(kappa, hi, 1e-9 * kappa);
            assertEquals(1, lo, 1e-6);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestFunctions.ravine(0.5, 0));
        assertEquals("kappa must be >= 1, got 0.5", e.getMessage());
    }

    @Test
    void everyFunctionHasThreeFixedStartsInsideItsWindow() {
        for (TestFunction fn : TestFunctions.all()) {
            assertEquals(3, fn.starts().size(), fn.name());
            assertEquals(fn.start()[0], fn.starts().get(0)[0]);
            assertEquals(fn.start()[1], fn.starts().get(0)[1]);
            double[] w = fn.window();
            for (double[] s : fn.starts()) {
                assertTrue(s[0] >= w[0] && s[0] <= w[1] && s[1] >= w[2] && s[1] <= w[3], fn.name());
            }
        }
    }
}
