package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

class ParameterSplitTest {

    private static final Parameter WEIGHT = Parameter.of("encoder.fc.weight", FloatTensor.zeros(2));
    private static final Parameter BIAS = Parameter.of("encoder.fc.bias", FloatTensor.zeros(2));
    private static final Parameter NORM = Parameter.of("encoder.LayerNorm.weight", FloatTensor.zeros(2));

    @Test
    void aMatchAnywhereInTheNameCountsAndOrderIsKept() {
        ParameterSplit s = ParameterSplit.byName(List.of(NORM, WEIGHT, BIAS), "bias|LayerNorm");
        assertEquals(List.of(NORM, BIAS), s.matching());
        assertEquals(List.of(WEIGHT), s.rest());
    }

    @Test
    void anchorsAndCaseFollowTheRegex() {
        assertEquals(List.of(), ParameterSplit.byName(List.of(BIAS), "^bias").matching());
        assertEquals(List.of(NORM), ParameterSplit.byName(List.of(NORM, WEIGHT), "(?i)layernorm").matching());
    }

    @Test
    void rejectsNullArgumentsAndBadPatterns() {
        assertEquals("parameters must not be null",
                assertThrows(IllegalArgumentException.class, () -> ParameterSplit.byName(null, "bias")).getMessage());
        assertEquals("regex must not be null",
                assertThrows(IllegalArgumentException.class, () -> ParameterSplit.byName(List.of(BIAS), null)).getMessage());
        assertEquals("parameters must not contain null", assertThrows(IllegalArgumentException.class,
                () -> ParameterSplit.byName(Arrays.asList(BIAS, null), "bias")).getMessage());
        String message = assertThrows(IllegalArgumentException.class,
                () -> ParameterSplit.byName(List.of(BIAS), "[bias")).getMessage();
        assertEquals(true, message.startsWith("regex must be a regular expression, got '[bias': "), message);
    }
}
