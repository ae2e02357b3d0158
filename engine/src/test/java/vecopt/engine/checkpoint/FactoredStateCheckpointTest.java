package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Adafactor;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * State that is not of its parameter's shape (Adafactor's row and column factors) is saved with its
 * own shape, loaded only into a parameter of a shape that keeps it, and checked against that shape.
 */
class FactoredStateCheckpointTest {

    @TempDir
    Path dir;

    private static Adafactor stepped(Parameter... ps) {
        Adafactor o = new Adafactor(List.of(ps), Adafactor.defaults());
        for (Parameter p : ps) {
            p.grad().fill(0.5f);
        }
        o.step();
        return o;
    }

    @Test
    void eachBufferIsSavedWithItsOwnShape() throws IOException {
        Path file = dir.resolve("adafactor.safetensors");
        Checkpoints.save(stepped(Parameter.of("fc.weight", FloatTensor.randomNormal(1, 3, 4)),
                Parameter.of("fc.bias", FloatTensor.randomNormal(2, 3)),
                Parameter.of("conv", FloatTensor.randomNormal(3, 2, 5, 6))), file);
        Map<String, Object> header = Crafted.header(Files.readAllBytes(file));
        assertEquals(List.of(3L, 1L), shape(header, "fc.weight/row_var"));
        assertEquals(List.of(1L, 4L), shape(header, "fc.weight/col_var"));
        assertEquals(List.of(3L), shape(header, "fc.bias/variance"));
        assertEquals(List.of(2L, 5L, 1L), shape(header, "conv/row_var"));
        assertEquals(List.of(2L, 1L, 6L), shape(header, "conv/col_var"));
    }

    @SuppressWarnings("unchecked")
    private static List<Long> shape(Map<String, Object> header, String tensor) {
        Map<String, Object> info = (Map<String, Object>) header.get(tensor);
        return ((List<Object>) info.get("shape")).stream().map(d -> Long.parseLong(d.toString())).toList();
    }

    @Test
    void aVectorsStateIsRefusedForAMatrixOfTheSameSize() throws IOException {
        Path file = dir.resolve("vector.safetensors");
        Checkpoints.save(stepped(Parameter.of("w", FloatTensor.randomNormal(1, 6))), file);
        Optimizer matrix = new Adafactor(List.of(Parameter.of("w", FloatTensor.randomNormal(1, 2, 3))),
                Adafactor.defaults());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(matrix, file));
        assertEquals(file + ": parameter w: Adafactor keeps no buffer variance for a parameter of shape [2, 3]; it"
                + " keeps col_var, exp_avg, row_var", e.getMessage().substring("cannot load ".length()));
        assertEquals(null, matrix.state("w"), "nothing loaded");
    }

    @Test
    void aMatrixsFactorsAreRefusedForAMatrixOfAnotherShapeOfTheSameSize() throws IOException {
        Path file = dir.resolve("matrix.safetensors");
        Checkpoints.save(stepped(Parameter.of("w", FloatTensor.randomNormal(1, 2, 6))), file);
        Optimizer other = new Adafactor(List.of(Parameter.of("w", FloatTensor.randomNormal(1, 3, 4))),
                Adafactor.defaults());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(other, file));
        assertEquals(file + ": parameter w: row_var has 2 floats, its shape [3, 1] for the parameter has 3",
                e.getMessage().substring("cannot load ".length()));
        assertEquals(null, other.state("w"), "nothing loaded");
    }
}
