package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecondOrderTest {

    @Test
    void newtonSolvesEveryQuadraticRavineInOneStep() {
        for (double kappa : new double[] {1, 25, 1e3, 1e4, 1e6}) {
            for (double angle : new double[] {0, 30, 77}) {
                TestFunction ravine = TestFunctions.ravine(kappa, angle);
                for (double[] start : ravine.starts()) {
                    Trajectory t = SecondOrder.newton(ravine, start, 5, 0.01);
                    double error = Math.hypot(t.x()[1], t.y()[1]);
                    // float64 limits the answer to about kappa * 2^-52 * |x0|.
                    double bound = kappa <= 1e4 ? 1e-12 : 1e-9;
                    String who = "kappa " + kappa + ", angle " + angle;
                    assertTrue(error <= bound * Math.hypot(start[0], start[1]), who + ": after one step " + error);
                    assertEquals(0, t.fallbacks(), who);
                }
            }
        }
    }

    @Test
    void newtonFallsBackToGradientStepsOnEveryStepOfTheSaddleAndSaysSo() {
        TestFunction saddle = TestFunctions.saddle();
        Trajectory t = SecondOrder.newton(saddle, saddle.start(), 50, 0.01);
        assertEquals(50, t.steps());
        assertEquals(50, t.fallbacks());
        // The gradient step with lr 0.01: y grows by the factor 1.02 per step.
        assertEquals(1e-3 * Math.pow(1.02, 50), t.y()[50], 1e-15);
    }

    /**
     * L-BFGS on the ravine (a 2-D quadratic): steepest descent with the step min(1, 1/|g|_1), then
     * quasi-Newton steps whose curvature pairs capture the Hessian: f - f* below 1e-4 after 6 steps and
     * no move left after 8, where steepest descent with exact steps needs 20 and Newton 1.
     */
    @Test
    void lbfgsSolvesTheRavineInAFewIterations() {
        TestFunction ravine = TestFunctions.ravine(TestFunctions.RAVINE_CONDITION, TestFunctions.RAVINE_ANGLE_DEGREES);
        Trajectory t = SecondOrder.lbfgs(ravine, ravine.start(), 100);
        assertTrue(t.firstReached(ravine, 1e-4) <= 6, "reached f - f* <= 1e-4 after " + t.firstReached(ravine, 1e-4));
        assertTrue(t.lastValue() < 1e-9, "final f " + t.lastValue());
        assertTrue(t.stop().startsWith("converged"), t.stop());
        assertTrue(t.steps() <= 8, t.steps() + " steps, " + t.stop());
    }

    /**
     * From (-1.2, 1), as PyTorch's LBFGS with strong Wolfe, which counts 36 iterations (some of them without
     * a move) to f = 2.4e-10 there (the golden fixture); Newton needs 7 steps with the Hessian.
     */
    @Test
    void lbfgsReachesRosenbrocksMinimumAsPyTorchDoes() {
        TestFunction rosenbrock = TestFunctions.rosenbrock();
        Trajectory t = SecondOrder.lbfgs(rosenbrock, rosenbrock.start(), 200);
        assertTrue(t.distanceTo(rosenbrock.minimizer()) < 1e-4, () -> java.util.Arrays.toString(t.last()));
        assertTrue(t.steps() <= 40, t.steps() + " steps, " + t.stop());
        assertTrue(t.stop().startsWith("converged"), t.stop());
        assertEquals(Double.doubleToLongBits(1.0), Double.doubleToLongBits(t.lr()), "lr is LBFGS's default");
    }

    @Test
    void newtonReachesRosenbrocksMinimumFromTheClassicStartInSevenSteps() {
        TestFunction rosenbrock = TestFunctions.rosenbrock();
        Trajectory t = SecondOrder.newton(rosenbrock, rosenbrock.start(), 50, 1e-3);
        assertEquals(7, t.steps(), t.stop());
        assertEquals(0, t.fallbacks());
        assertTrue(t.distanceTo(rosenbrock.minimizer()) < 1e-12, () -> java.util.Arrays.toString(t.last()));
        assertTrue(t.stop().startsWith("converged"), t.stop());
    }

    /**
     * Exact steepest descent on a quadratic with condition number kappa: each step minimises f along
     * -g, so consecutive gradients are orthogonal, and f falls by at least the Kantorovich factor
     * ((kappa - 1) / (kappa + 1))^2 per step.
     */
    @Test
    void exactSteepestDescentStepsToTheLineMinimumAndKeepsTheKantorovichRate() {
        double kappa = TestFunctions.RAVINE_CONDITION;
        TestFunction ravine = TestFunctions.ravine(kappa, TestFunctions.RAVINE_ANGLE_DEGREES);
        Trajectory t = SecondOrder.exactSteepestDescent(ravine, ravine.start(), 200, 0.01);
        assertEquals(0, t.fallbacks());
        double rate = Math.pow((kappa - 1) / (kappa + 1), 2);
        double[] g0 = new double[2];
        double[] g1 = new double[2];
        for (int k = 0; k + 1 < t.steps(); k++) {
            assertTrue(t.f()[k + 1] <= rate * t.f()[k] * (1 + 1e-9), "step " + k);
            ravine.gradient(t.x()[k], t.y()[k], g0);
            ravine.gradient(t.x()[k + 1], t.y()[k + 1], g1);
            double cos = (g0[0] * g1[0] + g0[1] * g1[1]) / (Math.hypot(g0[0], g0[1]) * Math.hypot(g1[0], g1[1]));
            assertEquals(0, cos, 1e-9, "step " + k);
        }
        assertTrue(t.stop().startsWith("converged"), t.stop());
        // With kappa = 1 the first exact step lands on the minimum.
        TestFunction round = TestFunctions.ravine(1, 0);
        Trajectory one = SecondOrder.exactSteepestDescent(round, new double[] {3, -2}, 10, 0.01);
        assertEquals(1, one.steps());
    }

    @Test
    void exactSteepestDescentFallsBackWhereThereIsNoMinimumAlongTheGradient() {
        TestFunction saddle = TestFunctions.saddle();
        Trajectory t = SecondOrder.exactSteepestDescent(saddle, saddle.start(), 100, 0.01);
        // The first step is exact (g'Hg = 8 - 8e-6 > 0): eps* = (4 + 4e-6) / (8 - 8e-6), landing on
        // x = 1 - 2 eps* = -2.000002e-6; from there g'Hg < 0 on every step.
        assertEquals(-2.000002e-6, t.x()[1], 1e-12);
        assertEquals(99, t.fallbacks());
    }

    @Test
    void exactSteepestDescentRejectsFunctionsThatAreNotQuadratic() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SecondOrder.exactSteepestDescent(TestFunctions.rosenbrock(), new double[] {0, 0}, 10, 0.01));
        assertEquals("exact steepest descent needs a quadratic, got rosenbrock", e.getMessage());
    }
}
