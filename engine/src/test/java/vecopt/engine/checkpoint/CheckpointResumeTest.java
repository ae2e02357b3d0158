package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.engine.Rule;
import vecopt.engine.Rules;
import vecopt.engine.ScheduleFreeOptimizer;
import vecopt.tensor.FloatTensor;

/**
 * N steps, save, load into a fresh optimizer, M more steps gives the same bits in parameters and state
 * as N + M uninterrupted steps, for every rule and several option sets; save, load, save again gives
 * the same bytes.
 */
class CheckpointResumeTest {

    static final int N = 4;
    static final int M = 5;

    /** Every rule vecopt has, with option sets that create every kind of state it keeps. */
    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("SGD", Map.of("lr", 0.1)),
                Arguments.of("SGD", ordered("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01)),
                Arguments.of("SGD", Map.of("lr", 0.05, "momentum", 0.8, "dampening", 0.3, "maximize", true)),
                Arguments.of("Adagrad", Map.of("lr", 0.1)),
                Arguments.of("Adagrad", Map.of("lr", 0.05, "lr_decay", 0.01, "weight_decay", 0.1,
                        "initial_accumulator_value", 0.2)),
                Arguments.of("RMSprop", Map.of()),
                Arguments.of("RMSprop", Map.of("momentum", 0.9, "centered", true, "weight_decay", 0.01)),
                Arguments.of("RMSprop", Map.of("eps_inside_sqrt", true, "alpha", 0.9, "maximize", true)),
                Arguments.of("Adadelta", Map.of()),
                Arguments.of("Adadelta", Map.of("rho", 0.8, "weight_decay", 0.1, "maximize", true)),
                Arguments.of("Adam", Map.of()),
                Arguments.of("Adam", Map.of("amsgrad", true, "weight_decay", 0.1, "betas", List.of(0.8, 0.99))),
                Arguments.of("Adam", Map.of("decoupled_weight_decay", true, "weight_decay", 0.1, "maximize", true)),
                Arguments.of("AdamW", Map.of()),
                Arguments.of("AdamW", Map.of("amsgrad", true, "lr", 0.01)),
                Arguments.of("Adamax", Map.of()),
                Arguments.of("Adamax", Map.of("weight_decay", 0.1, "maximize", true)),
                Arguments.of("NAdam", Map.of()),
                Arguments.of("NAdam", Map.of("decoupled_weight_decay", true, "weight_decay", 0.1, "momentum_decay", 0.01)),
                Arguments.of("RAdam", Map.of()),
                Arguments.of("RAdam", Map.of("decoupled_weight_decay", true, "weight_decay", 0.1)),
                Arguments.of("Rprop", Map.of()),
                Arguments.of("Rprop", ordered("lr", 0.05, "etas", List.of(0.3, 1.5), "step_sizes", List.of(1e-3, 0.2),
                        "maximize", true)),
                Arguments.of("ASGD", Map.of()),
                Arguments.of("ASGD", ordered("lr", 0.05, "lambd", 0.01, "alpha", 0.5, "t0", 2.0, "weight_decay", 0.1)),
                Arguments.of("Lion", Map.of()),
                Arguments.of("Lion", Map.of("weight_decay", 0.1, "maximize", true, "betas", List.of(0.8, 0.9))),
                Arguments.of("AdaBelief", Map.of()),
                Arguments.of("AdaBelief", Map.of("weight_decay", 0.1, "eps", 1e-8, "maximize", true)),
                Arguments.of("Yogi", Map.of()),
                Arguments.of("Yogi", Map.of("initial_accumulator_value", 0.01, "betas", List.of(0.5, 0.9))),
                Arguments.of("ADOPT", Map.of()),
                Arguments.of("ADOPT", Map.of("weight_decay", 0.1, "use_clipping", false, "maximize", true)),
                Arguments.of("AdEMAMix", Map.of()),
                Arguments.of("AdEMAMix", Map.of("weight_decay", 0.1, "t_alpha", 4, "t_beta3", 6, "maximize", true)),
                Arguments.of("SGDScheduleFree", Map.of()),
                Arguments.of("SGDScheduleFree", ordered("lr", 0.5, "momentum", 0.6, "weight_decay", 0.01, "warmup_steps", 3,
                        "r", 1.0, "weight_lr_power", 1.0, "maximize", true)),
                Arguments.of("AdamWScheduleFree", Map.of()),
                Arguments.of("AdamWScheduleFree", ordered("lr", 0.01, "betas", List.of(0.8, 0.99), "weight_decay", 0.1,
                        "warmup_steps", 2, "maximize", true)),
                Arguments.of("LAMB", Map.of()),
                Arguments.of("LAMB", Map.of("weight_decay", 0.1, "bias_correction", false, "maximize", true)),
                Arguments.of("LARS", Map.of()),
                Arguments.of("LARS", ordered("lr", 0.2, "weight_decay", 0.01, "nesterov", true, "use_trust_ratio", false)),
                Arguments.of("Adafactor", Map.of()),
                Arguments.of("Adafactor", ordered("lr", 0.05, "beta1", 0.9, "weight_decay", 0.1, "d", 2.0,
                        "eps", java.util.Arrays.asList(null, 1e-2), "maximize", true)),
                Arguments.of("Muon", Map.of()),
                Arguments.of("Muon", ordered("lr", 0.02, "momentum", 0.3, "nesterov", false, "ns_steps", 3,
                        "ns_coefficients", List.of(3.0, -3.2, 1.2), "adjust_lr_fn", "match_rms_adamw")),
                Arguments.of("LBFGS", ordered("lr", 0.5, "max_iter", 3)),
                // a ring of 4 pairs that has wrapped before the save (12 iterations), so ro is recomputed from it
                Arguments.of("LBFGS", ordered("line_search_fn", "strong_wolfe", "max_iter", 3, "history_size", 4)));
    }

    /** The cases of rules with a train and an eval mode, whose eval mode keeps a buffer of its own. */
    static Stream<Arguments> scheduleFreeRules() {
        return rules().filter(a -> Optimizers.fromTorch((String) a.get()[0], Fixtures.forRule((String) a.get()[0],
                List.of(Parameter.of("w", FloatTensor.zeros(1)))), Map.of()) instanceof ScheduleFreeOptimizer);
    }

    /** Kwargs in the order given, so that test names show them as written. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void everyRegisteredRuleAndEveryBufferItKeepsIsRoundTripped() {
        for (Rule rule : Rules.all()) {
            Set<String> created = new TreeSet<>();
            rules().filter(a -> a.get()[0].equals(rule.torchName())).forEach(a -> {
                @SuppressWarnings("unchecked")
                Map<String, ?> kwargs = (Map<String, ?>) a.get()[1];
                Hyperparameters h = Optimizers.fromTorch(rule.torchName(), Fixtures.forRule(rule.torchName(),
                        List.of(Parameter.of("w", FloatTensor.zeros(1)))), kwargs).paramGroups().get(0).hyperparameters();
                rule.buffers(h).forEach(b -> created.add(b.name()));
                if (Rules.get(rule.torchName()).create(Fixtures.forRule(rule.torchName(),
                        List.of(Parameter.of("w", FloatTensor.zeros(1)))), h)
                        instanceof ScheduleFreeOptimizer) {
                    created.add(ScheduleFreeOptimizer.Y); // each such case is also saved in eval mode, below
                }
            });
            assertTrue(rules().anyMatch(a -> a.get()[0].equals(rule.torchName())), rule + " has no resume case");
            for (Rule.Buffer b : rule.buffers()) {
                assertTrue(created.contains(b.name()), rule + "'s buffer " + b.name() + " is in no resume case");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rules")
    void resumedRunIsBitIdenticalToUninterruptedRun(String rule, Map<String, ?> kwargs, @TempDir Path dir)
            throws IOException {
        List<Parameter> model = Fixtures.forRule(rule, Fixtures.model(7));
        Optimizer uninterrupted = Fixtures.optimizer(rule, kwargs, model);
        Fixtures.run(uninterrupted, model, 0, N);
        Path file = dir.resolve("state.safetensors");
        Checkpoints.save(uninterrupted, file);

        List<Parameter> resumedModel = new ArrayList<>();
        model.forEach(p -> resumedModel.add(Fixtures.copyOf(p)));
        Optimizer resumed = Fixtures.optimizer(rule, kwargs, resumedModel);
        Fixtures.assertNoState(resumed);
        assertNotEquals(uninterrupted.paramGroups().get(0).hyperparameters(),
                resumed.paramGroups().get(0).hyperparameters(), "the lr change at step 2 is in the checkpoint only");
        Checkpoints.load(resumed, file);
        Fixtures.Snapshot.of(uninterrupted).assertSame(Fixtures.Snapshot.of(resumed), false, "after load");

        Path again = dir.resolve("again.safetensors");
        Checkpoints.save(resumed, again);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "save, load, save");

        Fixtures.run(uninterrupted, model, N, N + M);
        Fixtures.run(resumed, resumedModel, N, N + M);
        Fixtures.assertParametersBitIdentical(model, resumedModel, rule);
        Fixtures.Snapshot.of(uninterrupted).assertSame(Fixtures.Snapshot.of(resumed), false, "after " + M + " more steps");
        assertEquals(N + M, resumed.state("fc1.weight").step());

        Checkpoints.save(uninterrupted, file);
        Checkpoints.save(resumed, again);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(again), "both runs save the same bytes");
    }

    /**
     * Saved in eval mode (the parameters hold x, the weights a user saves to evaluate), a run resumes
     * in eval mode, refuses to step, and after {@code train()} continues as the uninterrupted run.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scheduleFreeRules")
    void runSavedInEvalModeResumesInEvalModeAndContinuesBitForBit(String rule, Map<String, ?> kwargs, @TempDir Path dir)
            throws IOException {
        List<Parameter> model = Fixtures.model(7);
        ScheduleFreeOptimizer uninterrupted = (ScheduleFreeOptimizer) Fixtures.optimizer(rule, kwargs, model);
        Fixtures.run(uninterrupted, model, 0, N);
        uninterrupted.eval();
        Path file = dir.resolve("eval.safetensors");
        Checkpoints.save(uninterrupted, file);

        List<Parameter> resumedModel = new ArrayList<>();
        model.forEach(p -> resumedModel.add(Fixtures.copyOf(p)));
        ScheduleFreeOptimizer resumed = (ScheduleFreeOptimizer) Fixtures.optimizer(rule, kwargs, resumedModel);
        assertTrue(resumed.training());
        Checkpoints.load(resumed, file);
        assertFalse(resumed.training(), "the mode is in the checkpoint");
        Fixtures.Snapshot.of(uninterrupted).assertSame(Fixtures.Snapshot.of(resumed), false, "after load");
        assertThrows(IllegalStateException.class, resumed::step);

        uninterrupted.train();
        resumed.train();
        Fixtures.assertParametersBitIdentical(model, resumedModel, rule + " back at y");
        Fixtures.run(uninterrupted, model, N, N + M);
        Fixtures.run(resumed, resumedModel, N, N + M);
        Fixtures.assertParametersBitIdentical(model, resumedModel, rule);
        Fixtures.Snapshot.of(uninterrupted).assertSame(Fixtures.Snapshot.of(resumed), false, "after " + M + " more steps");
    }

    /** eval() before any step records the mode too (it creates the state), so the resumed run refuses to step. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scheduleFreeRules")
    void evalModeBeforeTheFirstStepIsSavedToo(String rule, Map<String, ?> kwargs, @TempDir Path dir) throws IOException {
        ScheduleFreeOptimizer o = (ScheduleFreeOptimizer) Fixtures.optimizer(rule, kwargs, Fixtures.model(3));
        o.eval();
        Path file = dir.resolve("fresh.safetensors");
        Checkpoints.save(o, file);
        ScheduleFreeOptimizer resumed = (ScheduleFreeOptimizer) Fixtures.optimizer(rule, kwargs, Fixtures.model(3));
        Checkpoints.load(resumed, file);
        assertFalse(resumed.training());
        assertThrows(IllegalStateException.class, resumed::step);
    }

    @Test
    void nadamMuProductRoundTripsExactly(@TempDir Path dir) throws IOException {
        List<Parameter> model = Fixtures.model(3);
        Optimizer nadam = Fixtures.optimizer("NAdam", Map.of("momentum_decay", 0.0123), model);
        Fixtures.run(nadam, model, 0, 7);
        double muProduct = nadam.state("fc2.bias").scalar("mu_product");
        Path file = dir.resolve("nadam.safetensors");
        Checkpoints.save(nadam, file);
        Optimizer fresh = Fixtures.optimizer("NAdam", Map.of("momentum_decay", 0.0123), Fixtures.model(3));
        Checkpoints.load(fresh, file);
        assertEquals(Double.doubleToRawLongBits(muProduct),
                Double.doubleToRawLongBits(fresh.state("fc2.bias").scalar("mu_product")));
    }

    @Test
    void loadingAFileWithoutStateClearsTheStateAndRestoresHyperparameters(@TempDir Path dir) throws IOException {
        List<Parameter> model = Fixtures.model(1);
        Optimizer never = Fixtures.optimizer("Adam", Map.of("lr", 0.01), model);
        never.paramGroups().get(1).set("amsgrad", true);
        Path file = dir.resolve("empty.safetensors");
        Checkpoints.save(never, file);

        Optimizer stepped = Fixtures.optimizer("Adam", Map.of("lr", 0.01), Fixtures.model(1));
        stepped.step();
        Fixtures.assertHasState(stepped);
        Checkpoints.load(stepped, file);
        Fixtures.assertNoState(stepped);
        assertEquals(never.paramGroups().get(1).hyperparameters(), stepped.paramGroups().get(1).hyperparameters());
        Checkpoints.save(stepped, dir.resolve("again.safetensors"));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("again.safetensors")));
    }

    @Test
    void nonFiniteAndNegativeZeroStateRoundTripsBitExactly(@TempDir Path dir) throws IOException {
        List<Parameter> model = Fixtures.model(5);
        Optimizer sgd = Fixtures.optimizer("SGD", Map.of("momentum", 0.9), model);
        Fixtures.run(sgd, model, 0, 1);
        float[] b = sgd.state("fc1.weight").buffer("momentum_buffer");
        b[0] = Float.NaN;
        b[1] = Float.intBitsToFloat(0x7fc0_1234); // a NaN with a payload
        b[2] = Float.POSITIVE_INFINITY;
        b[3] = Float.NEGATIVE_INFINITY;
        b[4] = -0f;
        b[5] = Float.MIN_VALUE;
        Path file = dir.resolve("odd.safetensors");
        Checkpoints.save(sgd, file);
        Optimizer fresh = Fixtures.optimizer("SGD", Map.of("momentum", 0.9), Fixtures.model(5));
        Checkpoints.load(fresh, file);
        Fixtures.Snapshot.of(sgd).assertSame(Fixtures.Snapshot.of(fresh), false, "odd values");
    }
}
