package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

class SgdTest {

    private static Parameter param(String name, float... values) {
        return new Parameter(name, FloatTensor.of(values), FloatTensor.of(new float[values.length]));
    }

    @Test
    void defaultsAreTorchs() {
        Hyperparameters h = Sgd.defaults();
        assertEquals(1e-3, h.get("lr"));
        assertEquals(0, h.get("momentum"));
        assertEquals(0, h.get("dampening"));
        assertEquals(0, h.get("weight_decay"));
        assertEquals(false, h.flag(Sgd.NESTEROV));
        assertEquals(false, h.flag(Sgd.MAXIMIZE));
    }

    @Test
    void rejectsNegativeLearningRate() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("lr", -0.1));
        assertEquals("lr must be >= 0, got -0.1", e.getMessage());
    }

    @Test
    void rejectsNanAndInfiniteValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("momentum", Double.NaN));
        assertEquals("momentum must be finite, got NaN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sgd.defaults().with("weight_decay", Double.POSITIVE_INFINITY));
        assertEquals("weight_decay must be finite, got Infinity", e.getMessage());
    }

    @Test
    void rejectsDampeningOutsideZeroToOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("dampening", 1.5));
        assertEquals("dampening must be in [0, 1], got 1.5", e.getMessage());
    }

    @Test
    void rejectsNesterovWithoutMomentum() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("nesterov", true));
        assertEquals("nesterov requires momentum > 0 and dampening = 0, got momentum=0, dampening=0", e.getMessage());
    }

    @Test
    void rejectsUnknownHyperparameterNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> Sgd.defaults().with("betas", 0.9));
        assertEquals("this optimizer has no hyperparameter betas; it has "
                + "[lr, momentum, dampening, weight_decay, nesterov, maximize]", e.getMessage());
    }

    @Test
    void rejectedGroupChangeKeepsTheOldValue() {
        Sgd sgd = new Sgd(List.of(param("w", 1f)), Sgd.defaults().with("lr", 0.5));
        ParamGroup group = sgd.paramGroups().get(0);
        assertThrows(IllegalArgumentException.class, () -> group.set("lr", -1));
        assertEquals(0.5, group.lr());
    }

    @Test
    void fromTorchAppliesKwargsInAnyOrder() {
        var kwargs = new java.util.LinkedHashMap<String, Object>();
        kwargs.put("nesterov", true);
        kwargs.put("momentum", 0.9);
        kwargs.put("lr", 0.1);
        Optimizer sgd = Optimizers.fromTorch("SGD", List.of(param("w", 1f)), kwargs, vecopt.engine.kernels.OptimizerKernelsProvider.scalar());
        assertEquals(0.9, sgd.paramGroups().get(0).hyperparameters().get("momentum"));
        assertEquals(true, sgd.paramGroups().get(0).hyperparameters().flag(Sgd.NESTEROV));
    }

    @Test
    void fromTorchRejectsANumberForAFlag() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("SGD",
                List.of(param("w", 1f)), java.util.Map.of("maximize", 1), vecopt.engine.kernels.OptimizerKernelsProvider.scalar()));
        assertEquals("maximize must be true or false, got 1", e.getMessage());
    }

    @Test
    void rejectsAnotherRulesHyperparameters() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(param("w", 1f)), Adam.defaults()));
        assertEquals(true, e.getMessage().startsWith("hyperparameters must be SGD's [lr, momentum"), e.getMessage());
    }

    @Test
    void rejectsDuplicateParameterNames() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(List.of(param("w", 1f), param("w", 2f)), Sgd.defaults()));
        assertEquals("parameter name w appears twice", e.getMessage());
    }

    @Test
    void momentumBufferIsCreatedOnTheFirstStepOnlyWhenMomentumIsUsed() {
        Parameter w = param("w", 1f, 2f);
        Parameter b = param("b", 3f);
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.1));
        sgd.addParamGroup(List.of(b), Sgd.defaults().with("lr", 0.1).with("momentum", 0.9));
        assertNull(sgd.state("w"));
        sgd.step();
        assertEquals(1, sgd.state("w").step());
        assertNull(sgd.state("w").buffer("momentum_buffer"));
        assertNotNull(sgd.state("b").buffer("momentum_buffer"));
    }

    @Test
    void groupsUseTheirOwnHyperparametersAndLearningRateChangesTakeEffect() {
        Parameter w = param("w", 1f);
        Parameter b = param("b", 1f);
        w.grad().setFlat(0, 1f);
        b.grad().setFlat(0, 1f);
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with("lr", 0.5));
        sgd.addParamGroup(List.of(b), Sgd.defaults().with("lr", 0.25));
        sgd.step();
        assertEquals(0.5f, w.value().getFlat(0));
        assertEquals(0.75f, b.value().getFlat(0));
        sgd.paramGroups().get(0).set("lr", 0.125);
        sgd.step();
        assertEquals(0.375f, w.value().getFlat(0));
    }

    @Test
    void updatesAViewInPlaceLeavingTheRestOfTheModelArray() {
        float[] model = {9f, 1f, 2f, 9f};
        float[] grads = {5f, 1f, -1f, 5f};
        Parameter p = new Parameter("w", FloatTensor.view(model, 1, 2), FloatTensor.view(grads, 1, 2));
        new Sgd(List.of(p), Sgd.defaults().with("lr", 0.5)).step();
        assertArrayEquals(new float[] {9f, 0.5f, 2.5f, 9f}, model);
    }

    @Test
    void maximizeClimbsTheGradient() {
        Parameter p = param("w", 1f);
        p.grad().setFlat(0, 2f);
        new Sgd(List.of(p), Sgd.defaults().with("lr", 0.25).with("maximize", true)).step();
        assertEquals(1.5f, p.value().getFlat(0));
    }
}
