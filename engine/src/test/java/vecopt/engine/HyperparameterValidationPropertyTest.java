package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import vecopt.tensor.FloatTensor;

/**
 * Invalid hyperparameter values (NaN, infinities, beyond float32, out of each definition's range,
 * flags other than 0 and 1) and unknown names are refused by every way of setting them, with a
 * message naming the hyperparameter and the value, and nothing changes.
 */
class HyperparameterValidationPropertyTest {

    @Provide
    Arbitrary<String> rules() {
        return Arbitraries.of(Rules.all().stream().map(Rule::torchName).toList());
    }

    @Property(tries = 400, seed = "20261126")
    void invalidValuesAreRefusedNamingTheHyperparameterAndTheValueAndChangeNothing(
            @ForAll("rules") String torchName, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Rule rule = Rules.get(torchName);
        Hyperparameters h = PropertySupport.validHyperparameters(rule, r);
        Parameter p = Parameter.of("w", FloatTensor.randomNormal(seed, RuleCases.shapeFor(torchName, 1 + r.nextInt(5))));
        Optimizer o = Optimizers.fromTorch(torchName, List.of(p), TrajectoryAgainstTextbook.torchKwargs(h));
        ParamGroup group = o.paramGroups().get(0);
        Hyperparameters initial = group.hyperparameters();
        assertEquals(h, initial);
        List<Hyperparameter> defs = rule.defaults().definitions();
        Hyperparameter d = defs.get(r.nextInt(defs.size()));
        double value = PropertySupport.invalidValue(d, r);
        String what = torchName + "." + d.name() + " = " + value;

        assertNamed(what, d, value, assertThrows(IllegalArgumentException.class, () -> group.set(d.name(), value), what));
        assertNamed(what, d, value, assertThrows(IllegalArgumentException.class, () -> group.set(d, value), what));
        assertNamed(what, d, value, assertThrows(IllegalArgumentException.class, () -> h.with(d.name(), value), what));
        assertNamed(what, d, value, assertThrows(IllegalArgumentException.class,
                () -> h.withValues(Map.of(d.name(), value)), what));
        assertSame(initial, group.hyperparameters(), what + ": the group's hyperparameters must be unchanged");
        assertSame(initial, o.defaultHyperparameters(), what + ": the defaults must be unchanged");

        // fromTorch: numbers as kwargs (flags are booleans there, so a number is refused as one)
        Map<String, Object> kwargs = new LinkedHashMap<>(TrajectoryAgainstTextbook.torchKwargs(h));
        if ((d.name().equals("beta1") || d.name().equals("beta2")) && h.has("beta2")) {
            kwargs.put("betas", d.name().equals("beta1") ? List.of(value, h.get("beta2")) : List.of(h.get("beta1"), value));
        } else {
            kwargs.put(d.name(), value);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch(torchName, List.of(Parameter.of("v",
                        FloatTensor.zeros(RuleCases.shapeFor(torchName, 2)))), kwargs), what);
        assertTrue(e.getMessage().contains(d.name()), what + ": fromTorch's message names " + d.name() + ": " + e.getMessage());
        assertTrue(mentions(e.getMessage(), value), what + ": fromTorch's message names the value: " + e.getMessage());

        // a numeric hyperparameter set as a flag
        if (!d.isFlag()) {
            IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> group.set(d.name(), true), what);
            assertTrue(f.getMessage().contains(d.name()), f.getMessage());
        }
        assertSame(initial, group.hyperparameters(), what + ": the group's hyperparameters must be unchanged");
    }

    @Property(tries = 150, seed = "20261126")
    void unknownNamesAreRefusedNamingThemAndChangeNothing(@ForAll("rules") String torchName, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Rule rule = Rules.get(torchName);
        List<String> candidates = List.of("LR", "lr ", " lr", "learning_rate", "beta", "betas", "beta3", "momentum",
                "nesterov", "centered", "amsgrad", "rho", "alpha", "eps_", "", "weight-decay", "Weight_decay",
                "lr_decay", "dampening", "momentum_decay", "foreach", "x" + r.nextInt(1000));
        String name = candidates.get(r.nextInt(candidates.size()));
        if (rule.defaults().has(name)) {
            return;
        }
        Hyperparameters h = rule.defaults();
        Optimizer o = Optimizers.fromTorch(torchName,
                List.of(Parameter.of("w", FloatTensor.zeros(RuleCases.shapeFor(torchName, 3)))), Map.of());
        ParamGroup group = o.paramGroups().get(0);
        Hyperparameters initial = group.hyperparameters();
        for (IllegalArgumentException e : List.of(
                assertThrows(IllegalArgumentException.class, () -> group.set(name, 0.5)),
                assertThrows(IllegalArgumentException.class, () -> group.set(name, true)),
                assertThrows(IllegalArgumentException.class, () -> h.with(name, 0.5)),
                assertThrows(IllegalArgumentException.class, () -> h.withValues(Map.of(name, 0.5))))) {
            assertTrue(e.getMessage().contains("hyperparameter " + name + ";"), "message names '" + name + "': "
                    + e.getMessage());
        }
        assertSame(initial, group.hyperparameters());
        if (!name.equals("foreach") && !name.equals("betas")) { // foreach is accepted and ignored, as in PyTorch
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Optimizers.fromTorch(torchName, List.of(Parameter.of("v",
                            FloatTensor.zeros(RuleCases.shapeFor(torchName, 2)))), Map.of(name, 0.5)));
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    private static void assertNamed(String what, Hyperparameter d, double value, IllegalArgumentException e) {
        assertTrue(e.getMessage().contains(d.name()), what + ": message names " + d.name() + ": " + e.getMessage());
        assertTrue(mentions(e.getMessage(), value), what + ": message names the value: " + e.getMessage());
    }

    /** The value as Java prints it, or as the engine's messages print whole numbers ("2", not "2.0"). */
    private static boolean mentions(String message, double value) {
        return message.contains(Double.toString(value)) || message.contains(Hyperparameter.format(value));
    }
}
