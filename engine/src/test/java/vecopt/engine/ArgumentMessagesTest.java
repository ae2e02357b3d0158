package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

/** Odd and missing arguments at the public entries get an exception naming the argument and its value. */
class ArgumentMessagesTest {

    private static List<Parameter> one() {
        return List.of(Parameter.of("w", FloatTensor.zeros(2)));
    }

    @Test
    void rejectsANullClassNameListingTheKnownRules() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch(null, one(), Map.of()));
        assertEquals("torchName must not be null; known rules are " + registered(), e.getMessage());
    }

    @Test
    void rejectsAnUnknownClassNameListingTheKnownRules() {
        var e = assertThrows(UnsupportedOperationException.class, () -> Optimizers.fromTorch("Adamm", one(), Map.of()));
        assertEquals("vecopt has no optimizer Adamm; it has " + String.join(", ", registered()), e.getMessage());
    }

    /** The registry's names in registration order: the message lists them all, built-in ones first. */
    private static List<String> registered() {
        List<String> names = Rules.all().stream().map(Rule::torchName).toList();
        assertEquals(List.of("SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam", "RAdam"),
                names.subList(0, 9), "the first built-in rules, in order");
        return names;
    }

    @Test
    void rejectsNullKwargs() {
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("Adam", one(), null));
        assertEquals("kwargs must not be null; pass Map.of() for Adam's defaults", e.getMessage());
    }

    @Test
    void rejectsAKwargWithANullName() {
        Map<String, Object> kwargs = new HashMap<>();
        kwargs.put(null, 0.1);
        var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.fromTorch("SGD", one(), kwargs));
        assertEquals("kwargs of SGD must not have a null name", e.getMessage());
    }

    @Test
    void acceptsBetasAsADoubleArray() {
        Optimizer adam = Optimizers.fromTorch("Adam", one(), Map.of("betas", new double[] {0.8, 0.9}));
        assertEquals(0.8, adam.paramGroups().get(0).hyperparameters().get("beta1"));
        assertEquals(0.9, adam.paramGroups().get(0).hyperparameters().get("beta2"));
    }

    @Test
    void showsTheElementsOfAWrongSizedBetasArray() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.fromTorch("Adam", one(), Map.of("betas", new double[] {0.8, 0.9, 0.99})));
        assertEquals("betas must be a pair of numbers, got [0.8, 0.9, 0.99]", e.getMessage());
    }

    @Test
    void rejectsATensorWithoutAName() {
        var e = assertThrows(IllegalArgumentException.class, () -> FlatParameters.builder("x").add(null, 3));
        assertEquals("tensorName must not be blank, got null", e.getMessage());
    }

    @Test
    void acceptsAnEmptyTensorWhoseOtherDimensionsAreLarge() {
        assertEquals(0, FloatTensor.zeros(100_000, 100_000, 0).size());
        assertEquals(0, FlatParameters.builder("x").add("empty", 100_000, 100_000, 0).build().parameter().size());
    }
}
