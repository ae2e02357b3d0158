package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;

/**
 * LBFGS's state in a checkpoint: the history as tensors of shape {@code [history_size, *shape]}, a
 * history that is not a whole number of rows refused, and a run resumed with a different
 * {@code history_size} than it saved with going on from the newest pairs.
 */
class LbfgsCheckpointTest {

    @TempDir
    Path dir;

    private static final Map<String, Object> KWARGS = Map.of("line_search_fn", "strong_wolfe", "max_iter", 3,
            "history_size", 4);

    private Path saved(Optimizer o, List<Parameter> model, int steps) throws IOException {
        Fixtures.run(o, model, 0, steps);
        Path file = dir.resolve("lbfgs.safetensors");
        Checkpoints.save(o, file);
        return file;
    }

    @Test
    void theHistoryIsSavedAsRowsOfTheParametersShape() throws IOException {
        List<Parameter> model = Fixtures.model(3);
        Path file = saved(Fixtures.optimizer("LBFGS", KWARGS, model), model, 4);
        Map<String, Object> header = Crafted.header(Files.readAllBytes(file));
        assertEquals(List.of(4L, 3L, 4L), shape(header, "fc1.weight/old_dirs"), "[history_size, 3, 4]");
        assertEquals(List.of(4L, 2L), shape(header, "fc2.bias/old_stps"));
        assertEquals(List.of(4L), shape(header, "scale/old_dirs"), "a 0-dim parameter's rows");
        assertEquals(List.of(3L, 4L), shape(header, "fc1.weight/d"));
        assertEquals(List.of(2L, 3L), shape(header, "fc2.weight/prev_flat_grad"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> shape(Map<String, Object> header, String tensor) {
        List<Object> shape = new ArrayList<>();
        for (Object d : (List<Object>) Crafted.tensor(header, tensor).get("shape")) {
            shape.add(Long.parseLong(((Json.Number) d).text()));
        }
        return shape;
    }

    @Test
    void aHistoryThatIsNotAWholeNumberOfRowsIsRefused() throws IOException {
        List<Parameter> model = Fixtures.model(3);
        byte[] good = Files.readAllBytes(saved(Fixtures.optimizer("LBFGS", KWARGS, model), model, 2));
        byte[] bad = Crafted.edit(good, header -> Crafted.tensor(header, "fc1.weight/old_dirs")
                .put("shape", List.of(Crafted.number("47"))), null);
        Path path = Files.write(dir.resolve("bad.safetensors"), bad);
        List<Parameter> target = Fixtures.model(4);
        Optimizer o = Fixtures.optimizer("LBFGS", KWARGS, target);
        Fixtures.run(o, target, 0, 1);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(o, path));
        assertTrue(e.getMessage().endsWith("parameter fc1.weight: old_dirs has 47 floats, not a whole number of rows"
                + " of the parameter's 12"), e.getMessage());
        before.assertSame(Fixtures.Snapshot.of(o), true, "after the refused load");
    }

    /** Saved with 4 rows, resumed with history_size 2: the two newest pairs go on, as after set("history_size", 2). */
    @Test
    void aResumedRunWithASmallerHistoryGoesOnFromTheNewestPairs() throws IOException {
        List<Parameter> model = Fixtures.model(5);
        Optimizer original = Fixtures.optimizer("LBFGS", KWARGS, model);
        Path file = saved(original, model, 4);
        original.paramGroups().get(0).set("history_size", 2);

        List<Parameter> resumedModel = new ArrayList<>();
        model.forEach(p -> resumedModel.add(Fixtures.copyOf(p)));
        Optimizer resumed = Fixtures.optimizer("LBFGS", KWARGS, resumedModel);
        Checkpoints.load(resumed, file);
        resumed.paramGroups().get(0).set("history_size", 2);
        Fixtures.run(original, model, 4, 7);
        Fixtures.run(resumed, resumedModel, 4, 7);
        Fixtures.assertParametersBitIdentical(model, resumedModel, "LBFGS");
        assertArrayEquals(original.state("fc1.bias").buffer("old_stps"), resumed.state("fc1.bias").buffer("old_stps"));
        assertEquals(2 * 3, resumed.state("fc1.bias").buffer("old_stps").length);
    }
}
