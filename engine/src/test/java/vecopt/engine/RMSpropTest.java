package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vecopt.engine.reference.TextbookOptimizer;
import vecopt.engine.reference.TextbookOptimizers;
import vecopt.tensor.FloatTensor;

class RMSpropTest {

    private static Parameter param(String name, float... values) {
        return new Parameter(name, FloatTensor.of(values), FloatTensor.of(new float[values.length]));
    }

    @Test
    void defaultsAreTorchs() {
        Hyperparameters h = RMSprop.defaults();
        assertEquals(1e-2, h.get("lr"));
        assertEquals(0.99, h.get("alpha"));
        assertEquals(1e-8, h.get("eps"));
        assertEquals(0, h.get("weight_decay"));
        assertEquals(0, h.get("momentum"));
        assertFalse(h.flag(RMSprop.CENTERED));
        assertFalse(h.flag(RMSprop.MAXIMIZE));
        assertFalse(h.flag(RMSprop.EPS_INSIDE_SQRT));
    }

    @Test
    void rejectsNegativeLearningRate() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("lr", -0.1));
        assertEquals("lr must be >= 0, got -0.1", e.getMessage());
    }

    @Test
    void rejectsNegativeAlpha() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("alpha", -0.5));
        assertEquals("alpha must be >= 0, got -0.5", e.getMessage());
    }

    @Test
    void rejectsNegativeMomentum() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("momentum", -0.9));
        assertEquals("momentum must be >= 0, got -0.9", e.getMessage());
    }

    @Test
    void rejectsNegativeEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("eps", -1e-8));
        assertEquals("eps must be >= 0, got -1.0E-8", e.getMessage());
    }

    @Test
    void rejectsNanEps() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("eps", Double.NaN));
        assertEquals("eps must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectsNegativeWeightDecay() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("weight_decay", -1e-4));
        assertEquals("weight_decay must be >= 0, got -1.0E-4", e.getMessage());
    }

    @Test
    void rejectsInfiniteAlphaAndNanMomentum() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> RMSprop.defaults().with("alpha", Double.POSITIVE_INFINITY));
        assertEquals("alpha must be finite, got Infinity", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("momentum", Double.NaN));
        assertEquals("momentum must be finite, got NaN", e.getMessage());
    }

    @Test
    void rejectsNumberForEpsInsideSqrtFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> RMSprop.defaults().with("eps_inside_sqrt", 0.5));
        assertEquals("eps_inside_sqrt is a flag (true or false), got 0.5", e.getMessage());
    }

    @Test
    void rejectedGroupChangeKeepsTheOldValue() {
        RMSprop rmsprop = new RMSprop(List.of(param("w", 1f)), RMSprop.defaults().with("alpha", 0.9));
        ParamGroup group = rmsprop.paramGroups().get(0);
        assertThrows(IllegalArgumentException.class, () -> group.set("alpha", -1));
        assertThrows(IllegalArgumentException.class, () -> group.set("eps", Double.NaN));
        assertEquals(0.9, group.hyperparameters().get("alpha"));
        assertEquals(1e-8, group.hyperparameters().get("eps"));
    }

    @Test
    void onlySquareAvgIsCreatedByDefault() {
        Parameter w = param("w", 1f, 2f);
        RMSprop rmsprop = new RMSprop(List.of(w), RMSprop.defaults());
        assertNull(rmsprop.state("w"));
        rmsprop.step();
        assertEquals(List.of("square_avg"), List.copyOf(rmsprop.state("w").buffers().keySet()));
        assertEquals(1, rmsprop.state("w").step());
    }

    @Test
    void momentumAndCenteringCreateTheirBuffersOnTheFirstStep() {
        Parameter w = param("w", 1f, 2f);
        Parameter b = param("b", 3f);
        RMSprop rmsprop = new RMSprop(List.of(w), RMSprop.defaults().with("momentum", 0.9));
        rmsprop.addParamGroup(List.of(b), RMSprop.defaults().with("centered", true));
        assertNull(rmsprop.state("w"));
        assertNull(rmsprop.state("b"));
        rmsprop.step();
        assertEquals(List.of("square_avg", "momentum_buffer"), List.copyOf(rmsprop.state("w").buffers().keySet()));
        assertEquals(List.of("square_avg", "grad_avg"), List.copyOf(rmsprop.state("b").buffers().keySet()));
        assertArrayEquals(new float[2], rmsprop.state("w").buffer("momentum_buffer"));
    }

    @Test
    void momentumTurnedOnLaterStartsItsBufferAtZero() {
        // PyTorch creates momentum_buffer only on the first step; here a later change creates it then.
        Parameter w = param("w", 1f);
        w.grad().setFlat(0, 1f);
        RMSprop rmsprop = new RMSprop(List.of(w), RMSprop.defaults());
        rmsprop.step();
        rmsprop.paramGroups().get(0).set("momentum", 0.5);
        rmsprop.step();
        float[] buffer = rmsprop.state("w").buffer("momentum_buffer");
        // square_avg = 1 - 0.99^2 after two unit gradients; the buffer holds one update, 1 / (sqrt(v) + eps).
        assertEquals(1 / (Math.sqrt(1 - 0.99 * 0.99) + 1e-8), buffer[0], 1e-5);
    }

    @Test
    void firstStepOfPlainRmspropIsLrOverRootOfOneMinusAlpha() {
        Parameter w = param("w", 1f, 1f);
        w.grad().setFlat(0, 4f);
        w.grad().setFlat(1, -4f);
        new RMSprop(List.of(w), RMSprop.defaults().with("lr", 0.1).with("alpha", 0.75).with("eps", 0)).step();
        // square_avg = 0.25 * 16 = 4, so the step is lr * g / 2 = 0.2.
        assertArrayEquals(new float[] {0.8f, 1.2f}, w.value().toArray(), 1e-7f);
    }

    /**
     * eps under the root only matters where the square average is comparable to eps: with
     * v = (1 - alpha) g^2 after the first step, eps = 1e-8 and alpha = 0.99, a gradient of 1e-4 has
     * sqrt(v) = 1e-5, so outside the root the step is lr * g / (1e-5 + 1e-8), about lr * 10, and
     * under it lr * g / sqrt(1e-10 + 1e-8), about lr; a gradient of 1 makes the two agree to 1e-7.
     */
    @Test
    void epsInsideSqrtChangesTheStepWhereTheSquareAverageIsNearEps() {
        float[] gradients = {1e-4f, -1e-4f, 1f, 1e-6f};
        double lr = 1e-3;
        double eps = 1e-8;
        double[] outside = firstStep(RMSprop.defaults().with("lr", lr), gradients);
        double[] inside = firstStep(RMSprop.defaults().with("lr", lr).with("eps_inside_sqrt", true), gradients);
        for (int i = 0; i < gradients.length; i++) {
            double g = gradients[i];
            double v = 0.01 * g * g;
            TrajectoryAgainstTextbook.assertClose("outside, element " + i,
                    new double[] {-lr * g / (Math.sqrt(v) + eps)}, new float[] {(float) outside[i]}, 0, 0);
            TrajectoryAgainstTextbook.assertClose("inside, element " + i,
                    new double[] {-lr * g / Math.sqrt(v + eps)}, new float[] {(float) inside[i]}, 0, 0);
        }
        assertEquals(10, outside[0] / inside[0], 0.1, "g = 1e-4: eps under the root shrinks the step about tenfold");
        assertEquals(outside[0], -outside[1]);
        assertEquals(1, outside[2] / inside[2], 1e-6, "g = 1: the two forms agree");
        assertTrue(Math.abs(outside[3]) > 90 * Math.abs(inside[3]), "g = 1e-6: a hundredfold apart");
    }

    /** The change of each element after one step from 0 with {@code gradients}. */
    private static double[] firstStep(Hyperparameters h, float[] gradients) {
        Parameter w = new Parameter("w", FloatTensor.of(new float[gradients.length]), FloatTensor.of(gradients.clone()));
        new RMSprop(List.of(w), h).step();
        double[] change = new double[gradients.length];
        for (int i = 0; i < change.length; i++) {
            change[i] = w.value().getFlat(i);
        }
        return change;
    }

    @Test
    void bothEpsPlacementsFollowTheirTextbookForms() {
        Hyperparameters outside = RMSprop.defaults().with("eps", 1e-6);
        Hyperparameters inside = outside.with("eps_inside_sqrt", true);
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", outside, RMSprop::new, 1003, 25, 40, "square_avg");
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", inside, RMSprop::new, 1003, 25, 40, "square_avg");
        // The same data through the other form's reference must fail: the forms really differ here.
        TextbookOptimizer wrongForm = TextbookOptimizers.create("RMSprop",
                TrajectoryAgainstTextbook.torchKwargs(outside));
        double[] params = new double[1];
        wrongForm.step(params, new double[] {1e-4});
        double[] got = firstStep(inside, new float[] {1e-4f});
        assertTrue(Math.abs(got[0] - params[0]) > 0.5 * Math.abs(params[0]),
                "eps inside the root gave " + got[0] + ", eps outside " + params[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 17, 1003})
    void followsTheTextbookRuleWithDefaults(int n) {
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", RMSprop.defaults(), RMSprop::new,
                n, 25, 21 + n, "square_avg");
    }

    @Test
    void followsTheTextbookRuleCentered() {
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", RMSprop.defaults().with("centered", true),
                RMSprop::new, 1003, 25, 22, "square_avg", "grad_avg");
    }

    @Test
    void followsTheTextbookRuleWithMomentumWeightDecayAndMaximize() {
        Hyperparameters h = RMSprop.defaults().with("momentum", 0.9).with("weight_decay", 1e-2)
                .with("maximize", true).with("alpha", 0.9);
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", h, RMSprop::new, 1003, 25, 23,
                "square_avg", "momentum_buffer");
    }

    @Test
    void followsTheTextbookRuleCenteredWithMomentumAndEpsInsideSqrt() {
        Hyperparameters h = RMSprop.defaults().with("centered", true).with("momentum", 0.5)
                .with("eps_inside_sqrt", true).with("eps", 1e-6).with("lr", 1e-3);
        TrajectoryAgainstTextbook.assertFollowsTextbook("RMSprop", h, RMSprop::new, 1003, 25, 24,
                "square_avg", "grad_avg", "momentum_buffer");
    }
}
