package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.engine.AveragedModel;
import vecopt.engine.Averaging;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.schedule.SWALR;
import vecopt.tensor.FloatTensor;

/**
 * PyTorch 1.13's {@code torch.optim.swa_utils} ({@code golden/torch_averaging_golden.json.gz}, made by
 * {@code generate_averaging_golden.py} beside it) replayed exactly: every bit of every average and every
 * learning rate. Exact because the kernels do ATen's operations in its order, each rounded once (no FMA
 * where ATen has none), the per-update factors are the same double expressions rounded to float as
 * PyTorch rounds Python floats, and SWALR repeats PyTorch's recursion in double. Two values come from
 * transcendental functions, Java's {@code Math.pow} (timm's warm-up) and {@code Math.cos} (SWALR's cosine)
 * where PyTorch has the C library's: both are within an ulp of the exact value and equal glibc's at every
 * argument here on HotSpot x86-64 (in general the decays, once rounded to float, were measured equal at
 * 109,930 warm-up steps; the cosines differ in the last bit at 88 of 45,450 arguments {@code pi * s / a},
 * which would move a cosine-annealed rate by about that much).
 */
class AveragingGoldenTest {

    private static final String FIXTURE = "/golden/torch_averaging_golden.json.gz";

    static JsonNode fixture() throws IOException {
        try (InputStream in = AveragingGoldenTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IOException("missing test resource " + FIXTURE);
            }
            return JsonMapper.builder().build().readTree(new GZIPInputStream(in));
        }
    }

    static Stream<Arguments> averagedModelCases() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        fixture().get("averaged_model").forEach(cases::add);
        return GoldenTrajectoryTest.kernelPaths().flatMap(k -> cases.stream()
                .map(c -> Arguments.of(Named.of(k.name() + " " + c.get("name").asText(), c), k)));
    }

    static Stream<Arguments> swalrCases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        fixture().get("swalr").forEach(c -> cases.add(Arguments.of(Named.of(c.get("name").asText(), c))));
        return cases.stream();
    }

    private static Averaging averaging(JsonNode a) {
        return switch (a.get("kind").asText()) {
            case "equal" -> Averaging.equal();
            case "ema" -> new Averaging.Exponential(a.get("decay").asDouble(), a.get("warmup").asBoolean(),
                    a.get("warmup_gamma").asDouble(), a.get("warmup_power").asDouble(), a.get("min_decay").asDouble());
            default -> throw new AssertionError("unknown averaging " + a);
        };
    }

    private static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) array.get(i).asDouble();
        }
        return f;
    }

    /** The model's two parameters, {@code w} and {@code b}, at the case's initial values. */
    private static List<Parameter> model(JsonNode c) {
        return List.of(Parameter.of("w", FloatTensor.of(floats(c.get("init").get(0)))),
                Parameter.of("b", FloatTensor.of(floats(c.get("init").get(1)))));
    }

    private static Map<String, Object> kwargs(JsonNode hyper) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        hyper.fields().forEachRemaining(e -> kwargs.put(e.getKey(),
                e.getValue().isBoolean() ? (Object) e.getValue().asBoolean() : (Object) e.getValue().asDouble()));
        return kwargs;
    }

    /** As torch's {@code n_averaged.fill_(n)} on a fresh AveragedModel, whose copy of the model is {@code init}. */
    private static void startAt(AveragedModel averaged, JsonNode c, List<Parameter> model) {
        long n = c.get("n_averaged_start").asLong();
        if (n > 0) {
            Map<String, float[]> copies = new LinkedHashMap<>();
            copies.put("w", floats(c.get("init").get(0)));
            copies.put("b", floats(c.get("init").get(1)));
            averaged.prepareRestore(Map.of("n_averaged", n, "steps", 0L), copies).run();
        }
    }

    private static void assertSameBits(JsonNode want, float[] got, String what) {
        assertEquals(want.size(), got.length, what);
        for (int i = 0; i < got.length; i++) {
            float w = (float) want.get(i).asDouble();
            if (Float.floatToRawIntBits(w) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + "[" + i + "]: torch " + w + ", vecopt " + got[i] + " ("
                        + Math.abs(Float.floatToIntBits(w) - Float.floatToIntBits(got[i])) + " ulp)");
            }
        }
    }

    /** Steps vecopt's SGD (which equals torch's bit for bit) inside the wrapper, on torch's gradients. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("averagedModelCases")
    void averagedModelAroundSgdEqualsTorchBitForBitEveryStep(JsonNode c, OptimizerKernels kernels) {
        List<Parameter> model = model(c);
        Optimizer sgd = EngineAccess.stateHooks().fromTorch("SGD", model, kwargs(c.get("hyper")), kernels);
        AveragedModel averaged = AveragedModel.of(sgd, averaging(c.get("averaging")), c.get("start").asLong(),
                c.get("every").asLong());
        startAt(averaged, c, model);
        for (int s = 0; s < c.get("grads").size(); s++) {
            for (int p = 0; p < 2; p++) {
                model.get(p).grad().copyFrom(FloatTensor.of(floats(c.get("grads").get(s).get(p))));
            }
            averaged.step();
            String at = c.get("name").asText() + " step " + (s + 1);
            assertEquals(c.get("n_averaged").get(s).asLong(), averaged.nAveraged(), at + " n_averaged");
            for (int p = 0; p < 2; p++) {
                assertSameBits(c.get("params").get(s).get(p), model.get(p).value().toArray(), at + " param " + p);
                JsonNode want = c.get("averaged").get(s);
                String name = model.get(p).name();
                if (want.isNull()) {
                    assertNull(averaged.averaged(name), at + " average of " + name + " before the first update");
                } else {
                    assertSameBits(want.get(p), averaged.averaged(name), at + " average of " + name);
                }
            }
        }
    }

    /** Writes torch's parameters into the model and updates explicitly: the averaging alone. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("averagedModelCases")
    void updateParametersOnTorchsParametersEqualsTorchBitForBit(JsonNode c, OptimizerKernels kernels) {
        List<Parameter> model = model(c);
        Optimizer holder = EngineAccess.stateHooks().withKernels(new Sgd(model, Sgd.defaults()), kernels);
        AveragedModel averaged = AveragedModel.of(holder, averaging(c.get("averaging")));
        startAt(averaged, c, model);
        long n = c.get("n_averaged_start").asLong();
        for (int s = 0; s < c.get("grads").size(); s++) {
            for (int p = 0; p < 2; p++) {
                model.get(p).value().copyFrom(FloatTensor.of(floats(c.get("params").get(s).get(p))));
            }
            if (c.get("n_averaged").get(s).asLong() > n) {
                averaged.updateParameters();
                n++;
                for (int p = 0; p < 2; p++) {
                    assertSameBits(c.get("averaged").get(s).get(p), averaged.averaged(model.get(p).name()),
                            c.get("name").asText() + " update " + averaged.nAveraged() + " param " + p);
                }
            }
        }
        assertEquals(c.get("n_averaged").get(c.get("n_averaged").size() - 1).asLong(), averaged.nAveraged());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("swalrCases")
    void swalrEqualsTorchBitForBitEveryStep(JsonNode c) {
        int groups = c.get("lrs").size();
        Optimizer sgd = new Sgd(List.of(Parameter.of("p0", FloatTensor.zeros(1))),
                Sgd.defaults().with("lr", c.get("lrs").get(0).asDouble()));
        for (int g = 1; g < groups; g++) {
            sgd.addParamGroup(List.of(Parameter.of("p" + g, FloatTensor.zeros(1))),
                    Sgd.defaults().with("lr", c.get("lrs").get(g).asDouble()));
        }
        double[] swaLrs = new double[groups];
        for (int g = 0; g < groups; g++) {
            swaLrs[g] = c.get("swa_lr").isArray() ? c.get("swa_lr").get(g).asDouble() : c.get("swa_lr").asDouble();
        }
        SWALR scheduler = new SWALR(sgd, swaLrs, c.get("anneal_epochs").asLong(),
                SWALR.AnnealStrategy.valueOf(c.get("anneal_strategy").asText().toUpperCase(java.util.Locale.ROOT)));
        assertRates(c, sgd, 0);
        for (int s = 1; s <= c.get("steps").asInt(); s++) {
            JsonNode set = c.get("set_lr").get(Integer.toString(s));
            if (set != null) {
                for (int g = 0; g < groups; g++) {
                    sgd.paramGroups().get(g).set("lr", set.get(g).asDouble());
                }
            }
            scheduler.step();
            assertRates(c, sgd, s);
        }
    }

    private static void assertRates(JsonNode c, Optimizer sgd, int step) {
        for (int g = 0; g < sgd.paramGroups().size(); g++) {
            double want = c.get("lr").get(step).get(g).asDouble();
            double got = sgd.paramGroups().get(g).lr();
            if (Double.doubleToRawLongBits(want) != Double.doubleToRawLongBits(got)) {
                throw new AssertionError(c.get("name").asText() + " step " + step + " group " + g + ": torch " + want
                        + ", vecopt " + got + " (" + Math.abs(Double.doubleToLongBits(want)
                        - Double.doubleToLongBits(got)) + " ulp)");
            }
        }
    }

    @Test
    void fixturesCoverEveryAveragingAndBothAnnealingStrategies() throws IOException {
        JsonNode f = fixture();
        Set<String> kinds = new HashSet<>();
        boolean warmup = false;
        boolean delayed = false;
        boolean beyondFloatCounts = false;
        for (JsonNode c : f.get("averaged_model")) {
            kinds.add(c.get("averaging").get("kind").asText());
            warmup |= c.get("averaging").path("warmup").asBoolean(false);
            delayed |= c.get("start").asLong() > 1 && c.get("every").asLong() > 1;
            beyondFloatCounts |= c.get("n_averaged_start").asLong() + c.get("grads").size() > (1L << 24);
        }
        assertEquals(Set.of("equal", "ema"), kinds);
        assertTrue(warmup && delayed && beyondFloatCounts, "warm-up, a delayed start and counts past 2^24 are covered");
        Set<String> strategies = new HashSet<>();
        Set<Long> anneals = new HashSet<>();
        for (JsonNode c : f.get("swalr")) {
            strategies.add(c.get("anneal_strategy").asText());
            anneals.add(c.get("anneal_epochs").asLong());
        }
        assertEquals(Set.of("cos", "linear"), strategies);
        assertTrue(anneals.containsAll(Set.of(0L, 1L, 10L)), "anneal_epochs 0, 1 and the default 10: " + anneals);
    }
}
