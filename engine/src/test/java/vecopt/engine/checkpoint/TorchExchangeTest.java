package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Optimizer state exchanged with PyTorch through {@code engine/src/main/python/vecopt_torch.py}, against
 * {@code exchange/torch_exchange.tsv} and the checkpoints beside it (from {@code generate_exchange.py}):
 * a torch run's {@code optimizer.state_dict()} after 3 steps, converted to a vecopt checkpoint, resumed
 * in vecopt, continues torch's own trajectory; and vecopt's checkpoint after the same 3 steps, converted
 * to a torch state dict and resumed in torch, continues vecopt's.
 */
class TorchExchangeTest {

    private static final int SAVED_AT = 3;
    private static final int STEPS = 6;

    /** One case of the fixture: the optimizer and every record, by "record step". */
    private record Case(String torchClass, Map<String, Object> kwargs, Map<String, float[]> records) {

        float[] get(String record, int step) {
            float[] values = records.get(record + " " + step);
            assertNotNull(values, record + " at step " + step + " is not in the fixture");
            return values;
        }
    }

    private static Case read(String name) throws IOException {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        Map<String, float[]> records = new HashMap<>();
        String torchClass = null;
        try (var in = new BufferedReader(new InputStreamReader(resource("torch_exchange.tsv"), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split("\t");
                if (line.startsWith("#") || !f[0].equals(name)) {
                    continue;
                }
                String[] values = f[3].split(" ");
                if (f[1].equals("optimizer")) {
                    torchClass = values[0];
                    for (int i = 1; i < values.length; i++) {
                        String[] kv = values[i].split("=");
                        kwargs.put(kv[0], Double.parseDouble(kv[1]));
                    }
                } else {
                    float[] floats = new float[values.length];
                    for (int i = 0; i < floats.length; i++) {
                        floats[i] = Float.parseFloat(values[i]);
                    }
                    records.put(f[1] + " " + f[2], floats);
                }
            }
        }
        return new Case(torchClass, kwargs, records);
    }

    private static InputStream resource(String name) {
        InputStream in = TorchExchangeTest.class.getResourceAsStream("/exchange/" + name);
        assertNotNull(in, "/exchange/" + name + " is missing; see generate_exchange.py");
        return in;
    }

    /** fc.weight [3, 4] in group 0 and fc.bias [3] in group 1 at half the rate, at the values of record p0/p1 at {@code step}. */
    private static Optimizer optimizer(Case c, List<Parameter> model) {
        Optimizer o = Optimizers.fromTorch(c.torchClass, model.subList(0, 1), c.kwargs);
        Hyperparameters h = o.defaultHyperparameters();
        o.addParamGroup(model.subList(1, 2), h.with("lr", h.get("lr") / 2));
        return o;
    }

    private static List<Parameter> model(Case c, String record, int step) {
        return List.of(Parameter.of("fc.weight", FloatTensor.of(c.get(record + "0", step).clone()).reshape(3, 4)),
                Parameter.of("fc.bias", FloatTensor.of(c.get(record + "1", step).clone())));
    }

    private static void step(Optimizer o, List<Parameter> model, Case c, int t) {
        for (int k = 0; k < 2; k++) {
            model.get(k).grad().copyFrom(FloatTensor.of(c.get("g" + k, t).clone()).reshape(model.get(k).value().shape()));
        }
        o.step();
    }

    /** Within float32 rounding of a few steps: 1e-5 relative to the value or to 1e-2 absolute. */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5f * Math.max(Math.abs(expected[i]), 1e-2f), what + " element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd_momentum"})
    void aTorchRunResumedInVecoptContinuesTorchsTrajectory(String name) throws IOException {
        Case c = read(name);
        List<Parameter> model = model(c, "p", SAVED_AT);
        Optimizer o = optimizer(c, model);
        try (InputStream in = resource("torch_" + name + "_step" + SAVED_AT + ".safetensors")) {
            Checkpoints.load(o, in);
        }
        assertEquals(SAVED_AT, o.state("fc.weight").step());
        for (int t = SAVED_AT + 1; t <= STEPS; t++) {
            step(o, model, c, t);
            for (int k = 0; k < 2; k++) {
                assertClose(c.get("p" + k, t), model.get(k).value().toArray(), name + " p" + k + " after step " + t);
            }
        }
    }

    /** vecopt's own 3 steps from torch's start give the committed checkpoint the generator hands to torch. */
    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd_momentum"})
    void vecoptsCheckpointAfterThreeStepsIsTheOneHandedToTorch(String name) throws IOException {
        Case c = read(name);
        List<Parameter> model = model(c, "p", 0);
        Optimizer o = optimizer(c, model);
        for (int t = 1; t <= SAVED_AT; t++) {
            step(o, model, c, t);
            for (int k = 0; k < 2; k++) {
                assertClose(c.get("p" + k, t), model.get(k).value().toArray(), name + " p" + k + " after step " + t);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Checkpoints.save(o, out);
        String file = "vecopt_" + name + "_step" + SAVED_AT + ".safetensors";
        String writeTo = System.getProperty("vecopt.exchange.write");
        if (writeTo != null) {
            Files.write(Path.of(writeTo, file), out.toByteArray());
            return;
        }
        try (InputStream in = resource(file)) {
            assertArrayEquals(in.readAllBytes(), out.toByteArray(), file + " is not what vecopt writes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd_momentum"})
    void aVecoptRunResumedInTorchContinuesVecoptsTrajectory(String name) throws IOException {
        Case c = read(name);
        List<Parameter> model = model(c, "p", 0);
        Optimizer o = optimizer(c, model);
        for (int t = 1; t <= STEPS; t++) {
            step(o, model, c, t);
            if (t > SAVED_AT) {
                for (int k = 0; k < 2; k++) {
                    assertClose(c.get("from_vecopt_p" + k, t), model.get(k).value().toArray(),
                            name + " p" + k + " after step " + t + ", torch resumed from vecopt's state");
                }
            }
        }
    }
}
