package vecopt.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.tensor.FloatTensor;

class FlatParametersTest {

    @Test
    void tensorsAreViewsIntoOneSharedArray() {
        FlatParameters flat = FlatParameters.builder("mlp").add("w", 2, 3).add("b", 3).add("s").build();
        assertEquals(10, flat.parameter().size());
        assertSame(flat.parameter().value().array(), flat.value("b").array());
        assertEquals(6, flat.value("b").offset());
        assertEquals(9, flat.grad("s").offset());
        assertArrayEquals(new int[] {2, 3}, flat.value("w").shape());
        flat.value("w").set(4f, 1, 2);
        assertEquals(4f, flat.parameter().value().getFlat(5));
    }

    @Test
    void oneStepOverTheFlatParameterEqualsOneStepPerTensor() {
        FlatParameters flat = FlatParameters.builder("all").add("w", 5, 7).add("b", 7).build();
        FloatTensor w = FloatTensor.randomNormal(1, 5, 7);
        FloatTensor b = FloatTensor.randomNormal(2, 7);
        FloatTensor gw = FloatTensor.randomNormal(3, 5, 7);
        FloatTensor gb = FloatTensor.randomNormal(4, 7);
        flat.value("w").copyFrom(w);
        flat.value("b").copyFrom(b);
        flat.grad("w").copyFrom(gw);
        flat.grad("b").copyFrom(gb);
        Hyperparameters h = Sgd.defaults().with("lr", 0.1).with("momentum", 0.9).with("weight_decay", 0.01);
        Sgd together = new Sgd(List.of(flat.parameter()), h);
        Sgd separate = new Sgd(List.of(new Parameter("w", w, gw), new Parameter("b", b, gb)), h);
        for (int step = 0; step < 3; step++) {
            together.step();
            separate.step();
        }
        assertArrayEquals(w.toArray(), flat.value("w").toArray());
        assertArrayEquals(b.toArray(), flat.value("b").toArray());
    }

    @Test
    void rejectsDuplicateAndUnknownNames() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> FlatParameters.builder("x").add("w", 2).add("w", 3));
        assertEquals("tensor name w appears twice", e.getMessage());
        FlatParameters flat = FlatParameters.builder("x").add("w", 2).build();
        e = assertThrows(IllegalArgumentException.class, () -> flat.value("v"));
        assertEquals("no tensor called v; there are [w]", e.getMessage());
    }

    @Test
    void rejectsNegativeExtent() {
        var e = assertThrows(IllegalArgumentException.class, () -> FlatParameters.builder("x").add("w", 2, -1));
        assertEquals("w: shape[1] must be >= 0, got -1", e.getMessage());
    }
}
