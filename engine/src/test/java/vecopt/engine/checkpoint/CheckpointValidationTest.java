package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * A checkpoint that does not fit the optimizer it is loaded into is rejected with a message that says
 * what did not match, and the optimizer is left exactly as it was: same hyperparameters, same state,
 * the very same arrays.
 */
class CheckpointValidationTest {

    @TempDir
    Path dir;

    /** Adam with AMSGrad on the fixture model, 3 steps: the file every case starts from. */
    private byte[] adam;

    @BeforeEach
    void saveAdam() throws IOException {
        List<Parameter> model = Fixtures.model(11);
        Optimizer o = Fixtures.optimizer("Adam", Map.of("amsgrad", true), model);
        Fixtures.run(o, model, 0, 3);
        Path file = dir.resolve("adam.safetensors");
        Checkpoints.save(o, file);
        adam = Files.readAllBytes(file);
    }

    /** The optimizer loads are tried on: the same kind, model and groups, in another state. */
    private static Optimizer target() {
        List<Parameter> model = Fixtures.model(12);
        Optimizer o = Fixtures.optimizer("Adam", Map.of("amsgrad", true, "lr", 0.005), model);
        Fixtures.run(o, model, 0, 5);
        return o;
    }

    /** Loading {@code file} into {@code o} fails with a message containing {@code expected}; o is unchanged. */
    private void assertRejected(Optimizer o, byte[] file, String expected) throws IOException {
        Path path = Files.write(dir.resolve("bad.safetensors"), file);
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.load(o, path));
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage() + "\nexpected: " + expected);
        assertTrue(e.getMessage().startsWith("cannot load " + path + ": "), e.getMessage());
        before.assertSame(Fixtures.Snapshot.of(o), true, "after a rejected load");
    }

    private void assertGroupsEditRejected(Consumer<List<Object>> edit, String expected) throws IOException {
        assertRejected(target(), Crafted.edit(adam, null, edit), expected);
    }

    private void assertHeaderEditRejected(Consumer<Map<String, Object>> edit, String expected) throws IOException {
        assertRejected(target(), Crafted.edit(adam, edit, null), expected);
    }

    @Test
    void theUneditedFileLoads() throws IOException {
        Optimizer o = target();
        Checkpoints.load(o, Files.write(dir.resolve("good.safetensors"), Crafted.edit(adam, h -> { }, g -> { })));
        assertEquals(3, o.state("fc1.weight").step());
    }

    @Test
    void anotherRulesCheckpoint() throws IOException {
        List<Parameter> model = Fixtures.model(11);
        Optimizer sgd = Fixtures.optimizer("SGD", Map.of("momentum", 0.9), model);
        Fixtures.run(sgd, model, 0, 2);
        Path file = dir.resolve("sgd.safetensors");
        Checkpoints.save(sgd, file);
        assertRejected(target(), Files.readAllBytes(file),
                "the checkpoint holds the state of a \"SGD\" optimizer; this optimizer is Adam");
    }

    @Test
    void anotherGrouping() throws IOException {
        List<Parameter> model = Fixtures.model(12);
        Optimizer oneGroup = vecopt.engine.Optimizers.fromTorch("Adam", model, Map.of("amsgrad", true));
        assertRejected(oneGroup, adam, "the checkpoint has 2 parameter groups, the optimizer has 1");
    }

    @Test
    void anotherParameterName() throws IOException {
        List<Parameter> model = new ArrayList<>(Fixtures.model(12));
        model.set(1, Parameter.of("fc1.b", FloatTensor.zeros(3)));
        assertRejected(Fixtures.optimizer("Adam", Map.of("amsgrad", true), model), adam,
                "group 0 parameter 1 is \"fc1.bias\" in the checkpoint, fc1.b in the optimizer");
    }

    @Test
    void anotherParameterOrder() throws IOException {
        List<Parameter> model = new ArrayList<>(Fixtures.model(12));
        model.add(0, model.remove(1));
        assertRejected(Fixtures.optimizer("Adam", Map.of("amsgrad", true), model), adam,
                "group 0 parameter 0 is \"fc1.weight\" in the checkpoint, fc1.bias in the optimizer");
    }

    @Test
    void anotherParameterSize() throws IOException {
        List<Parameter> model = new ArrayList<>(Fixtures.model(12));
        model.set(0, Parameter.of("fc1.weight", FloatTensor.zeros(3, 5)));
        assertRejected(Fixtures.optimizer("Adam", Map.of("amsgrad", true), model), adam,
                "parameter fc1.weight has 12 elements in the checkpoint, 15 in the optimizer");
    }

    @Test
    void anotherParameterCount() throws IOException {
        List<Parameter> model = new ArrayList<>(Fixtures.model(12));
        model.remove(4);
        assertRejected(Fixtures.optimizer("Adam", Map.of("amsgrad", true), model), adam,
                "group 1 has 3 parameters in the checkpoint, 2 in the optimizer");
    }

    @Test
    void aBufferOfAnotherLength() throws IOException {
        assertHeaderEditRejected(h -> Crafted.tensor(h, "fc1.weight/exp_avg").put("shape",
                        List.of(Crafted.number("10"))),
                "parameter fc1.weight: exp_avg has 10 floats, the parameter has 12");
    }

    @Test
    void aHyperparameterOutOfRange() throws IOException {
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 0).put("lr", Crafted.number("-1")),
                "group 0: lr must be >= 0, got -1");
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 1).put("beta2", Crafted.number("1.0")),
                "group 1: beta2 must be in [0, 1), got 1");
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 1).put("eps", Crafted.number("1e999")),
                "group 1: eps must be finite, got Infinity");
    }

    @Test
    void aHyperparameterOfTheWrongType() throws IOException {
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 0).put("amsgrad", Crafted.number("1")),
                "group 0: hyperparameter amsgrad must be true or false, got 1");
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 0).put("lr", "0.1"),
                "group 0: hyperparameter lr must be a number, got 0.1");
    }

    @Test
    void aMissingOrUnknownHyperparameter() throws IOException {
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 0).remove("eps"),
                "group 0: hyperparameter eps is missing");
        assertGroupsEditRejected(g -> Crafted.hyperparameters(g, 1).put("momentum", Crafted.number("0.9")),
                "group 1: unknown hyperparameter \"momentum\"; this optimizer has [lr, beta1, beta2, eps,");
    }

    @Test
    void anInvalidCombinationOfHyperparameters() throws IOException {
        Optimizer sgd = Fixtures.optimizer("SGD", Map.of("momentum", 0.9), Fixtures.model(1));
        Path file = dir.resolve("sgd.safetensors");
        Checkpoints.save(sgd, file);
        byte[] nesterovWithoutMomentum = Crafted.edit(Files.readAllBytes(file), null, g -> {
            Crafted.hyperparameters(g, 0).put("nesterov", true);
            Crafted.hyperparameters(g, 0).put("momentum", Crafted.number("0"));
        });
        assertRejected(Fixtures.optimizer("SGD", Map.of("momentum", 0.9), Fixtures.model(1)), nesterovWithoutMomentum,
                "group 0: nesterov requires momentum > 0 and dampening = 0, got momentum=0, dampening=0");
    }

    @Test
    void hyperparametersAreCheckedTogetherNotOneByOne() throws IOException {
        // nesterov needs momentum > 0: set one at a time onto momentum 0, nesterov would be refused first
        Optimizer withNesterov = Fixtures.optimizer("SGD", orderedNesterov(), Fixtures.model(1));
        Path file = dir.resolve("nesterov.safetensors");
        Checkpoints.save(withNesterov, file);
        Optimizer plain = Fixtures.optimizer("SGD", Map.of(), Fixtures.model(1));
        Checkpoints.load(plain, file);
        assertEquals(withNesterov.paramGroups().get(0).hyperparameters(), plain.paramGroups().get(0).hyperparameters());
    }

    private static Map<String, Object> orderedNesterov() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("momentum", 0.9);
        kwargs.put("nesterov", true);
        return kwargs;
    }

    @Test
    void aBufferTheRuleDoesNotKeep() throws IOException {
        assertGroupsEditRejected(g -> buffers(g, 0, 1).add("momentum_buffer"),
                "parameter fc1.bias: Adam keeps no buffer momentum_buffer; it keeps exp_avg, exp_avg_sq, max_exp_avg_sq");
    }

    @Test
    void aBufferTheRuleNeedsIsMissing() throws IOException {
        assertGroupsEditRejected(g -> buffers(g, 0, 1).remove("exp_avg_sq"),
                "parameter fc1.bias: buffer exp_avg_sq is missing; Adam keeps it from the first step");
    }

    @Test
    void aListedBufferWithoutItsTensor() throws IOException {
        assertHeaderEditRejected(h -> h.remove("fc2.bias/exp_avg"),
                "parameter fc2.bias: buffer exp_avg is listed but tensor \"fc2.bias/exp_avg\" is missing");
    }

    @Test
    void aBufferListedTwice() throws IOException {
        assertGroupsEditRejected(g -> buffers(g, 1, 0).add("exp_avg"),
                "parameter fc2.weight: buffer exp_avg is listed twice");
    }

    @Test
    void aScalarTheRuleDoesNotKeep() throws IOException {
        assertGroupsEditRejected(g -> scalars(g, 0, 0).put("mu_product", Crafted.number("0.5")),
                "parameter fc1.weight: Adam keeps no scalar mu_product");
    }

    @Test
    void nadamWithoutItsMuProduct() throws IOException {
        List<Parameter> model = Fixtures.model(2);
        Optimizer nadam = Fixtures.optimizer("NAdam", Map.of(), model);
        Fixtures.run(nadam, model, 0, 2);
        Path file = dir.resolve("nadam.safetensors");
        Checkpoints.save(nadam, file);
        byte[] edited = Crafted.edit(Files.readAllBytes(file), null, g -> scalars(g, 1, 2).remove("mu_product"));
        assertRejected(Fixtures.optimizer("NAdam", Map.of(), Fixtures.model(2)), edited,
                "parameter scale: scalar mu_product is missing; NAdam keeps it from the first step");
    }

    @Test
    void aNegativeOrNonIntegerStep() throws IOException {
        assertGroupsEditRejected(g -> Crafted.param(g, 0, 0).put("step", Crafted.number("-1")),
                "parameter fc1.weight: step must be >= 0, got -1");
        assertGroupsEditRejected(g -> Crafted.param(g, 0, 0).put("step", Crafted.number("2.5")),
                "parameter fc1.weight step must be an integer that fits 64 bits, got 2.5");
        assertGroupsEditRejected(g -> Crafted.param(g, 0, 0).put("step", Crafted.number("99999999999999999999")),
                "parameter fc1.weight step must be an integer that fits 64 bits, got 99999999999999999999");
    }

    @Test
    void anotherFormatOrVersion() throws IOException {
        assertHeaderEditRejected(h -> Crafted.metadata(h).put("version", "3"),
                "checkpoint version \"3\" is not supported; this vecopt reads versions 1 and 2");
        assertHeaderEditRejected(h -> Crafted.metadata(h).put("version", "1"),
                "__metadata__ has an unknown key \"settings\" for version 1");
        assertHeaderEditRejected(h -> Crafted.metadata(h).put("format", "pt"),
                "this is not a vecopt optimizer checkpoint: __metadata__ format is \"pt\"");
        assertHeaderEditRejected(h -> h.remove("__metadata__"),
                "the header has no __metadata__; this is not a vecopt optimizer checkpoint");
    }

    @Test
    void damagedGroupsMetadata() throws IOException {
        assertHeaderEditRejected(h -> Crafted.metadata(h).put("groups",
                        ((String) Crafted.metadata(h).get("groups")).replace("\"step\":3", "\"step\":4")),
                "the groups metadata is damaged: its CRC32C is ");
    }

    @Test
    void damagedBuffer() throws IOException {
        byte[] file = adam.clone();
        file[file.length - 1] ^= 1;
        assertRejected(target(), file, "tensor scale/max_exp_avg_sq is damaged: its CRC32C is ");
    }

    @Test
    void aMissingFileIsAnIoErrorAndChangesNothing() {
        Optimizer o = target();
        Fixtures.Snapshot before = Fixtures.Snapshot.of(o);
        assertThrows(NoSuchFileException.class, () -> Checkpoints.load(o, dir.resolve("missing.safetensors")));
        before.assertSame(Fixtures.Snapshot.of(o), true, "after a missing file");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> buffers(List<Object> groups, int g, int p) {
        return (List<Object>) Crafted.param(groups, g, p).get("buffers");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> scalars(List<Object> groups, int g, int p) {
        return (Map<String, Object>) Crafted.param(groups, g, p).get("scalars");
    }
}
