package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vecopt.bench.convergence.TestFunction;
import vecopt.bench.convergence.TestFunctionClosure;
import vecopt.bench.convergence.TestFunctions;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.tensor.FloatTensor;

/**
 * PyTorch's LBFGS trajectories ({@code golden/torch_lbfgs_golden.json.gz}, made by
 * {@code generate_lbfgs_golden.py} beside it) replayed with vecopt's LBFGS and the same closures:
 * Rosenbrock, Beale and the ravine of the convergence suite, and a logistic regression over two
 * parameters (weight [1, 4] and bias [1]) on the script's data; with and without the strong Wolfe
 * line search, several {@code step(closure)} calls each so that the history and counters carry over,
 * small histories so that it wraps. Every parameter bit after every step, the returned loss and the
 * state's {@code func_evals} and {@code n_iter} equal PyTorch's, on the scalar and the Panama kernels.
 *
 * <p>Why exact equality holds: the closures compute in double from the same float32 points, in the
 * same order as the script (so both sides give the optimizer the same numbers; the logistic loss uses
 * exp and log1p, whose last bit Java and glibc could in principle round differently); the vector work
 * is float32 with ATen's fused {@code add_}; the dot products of two elements round as OpenBLAS's
 * {@code sdot}; and the scalars round where PyTorch's tensors do. The logistic regression's dot
 * products over five elements sum in another order than OpenBLAS and may differ in the last bit of a
 * float: for those cases the test allows what such a difference can grow to over a run,
 * {@code |got - want| <= 1e-5 + 1e-4 |want|} (LBFGS converges to the same minimiser; measured: they
 * agree bit for bit today), and still demands the counters exactly.
 */
class LbfgsGoldenTest {

    private static final String FIXTURE = "/golden/torch_lbfgs_golden.json.gz";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Objectives whose dot products have two elements, where vecopt rounds as OpenBLAS does: no tolerance. */
    private static final Set<String> EXACT = Set.of("rosenbrock", "beale", "ravine");
    private static final double ABS_TOLERANCE = 1e-5;
    private static final double REL_TOLERANCE = 1e-4;

    static List<JsonNode> cases() throws IOException {
        try (InputStream in = LbfgsGoldenTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IOException("missing test resource " + FIXTURE);
            }
            List<JsonNode> cases = new ArrayList<>();
            JSON.readTree(new GZIPInputStream(in)).forEach(cases::add);
            return cases;
        }
    }

    static Stream<Arguments> casesOnEveryPath() throws IOException {
        List<JsonNode> cases = cases();
        return GoldenTrajectoryTest.kernelPaths().flatMap(k -> cases.stream()
                .map(c -> Arguments.of(Named.of(k.name() + " " + c.get("name").asText(), c), k)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesOnEveryPath")
    void lbfgsReplaysTorchEveryStep(JsonNode c, OptimizerKernels kernels) {
        String name = c.get("name").asText();
        List<Parameter> ps = new ArrayList<>();
        JsonNode shapes = c.get("shapes");
        for (int k = 0; k < shapes.size(); k++) {
            int[] shape = ints(shapes.get(k));
            FloatTensor value = FloatTensor.of(floats(c.get("init").get(k))).reshape(shape);
            ps.add(new Parameter("p" + k, value, FloatTensor.zeros(shape)));
        }
        Optimizer.LossClosure closure = closure(c, ps);
        Optimizer lbfgs = EngineAccess.stateHooks().fromTorch("LBFGS", ps, kwargs(c.get("hyper")), kernels);
        boolean exact = EXACT.contains(c.get("objective").asText());
        for (int step = 0; step < c.get("steps").asInt(); step++) {
            String where = name + " step " + (step + 1);
            double loss = lbfgs.step(closure);
            assertEquals(c.get("loss").get(step).asDouble(), loss, where + ": returned loss");
            assertEquals(c.get("func_evals").get(step).asDouble(), lbfgs.state("p0").scalar("func_evals"), where + ": func_evals");
            assertEquals(c.get("n_iter").get(step).asDouble(), lbfgs.state("p0").scalar("n_iter"), where + ": n_iter");
            for (int k = 0; k < ps.size(); k++) {
                float[] want = floats(c.get("params").get(step).get(k));
                float[] got = ps.get(k).value().toArray();
                for (int i = 0; i < want.length; i++) {
                    String at = where + ", p" + k + "[" + i + "]: want " + want[i] + ", got " + got[i];
                    if (exact) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), at);
                    } else {
                        assertTrue(Math.abs(got[i] - want[i]) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(want[i]), at);
                    }
                }
            }
        }
    }

    @Test
    void fixturesCoverEveryObjectiveWithAndWithoutTheLineSearchAndAWrappingHistory() throws IOException {
        Set<String> seen = new TreeSet<>();
        for (JsonNode c : cases()) {
            JsonNode hyper = c.get("hyper");
            boolean wolfe = hyper.has("line_search_fn") && hyper.get("line_search_fn").asText().equals("strong_wolfe");
            String objective = c.get("objective").asText();
            seen.add(objective + (wolfe ? " wolfe" : " fixed"));
            int history = hyper.has("history_size") ? hyper.get("history_size").asInt() : 100;
            int last = c.get("n_iter").get(c.get("steps").asInt() - 1).asInt();
            if (last > history + 2) {
                seen.add(objective + (wolfe ? " wolfe" : " fixed") + " wraps");
            }
            assertTrue(c.get("steps").asInt() >= 3, c.get("name") + " has fewer than 3 steps");
        }
        for (String objective : List.of("rosenbrock", "beale", "ravine", "logistic")) {
            for (String search : List.of(" wolfe", " fixed")) {
                assertTrue(seen.contains(objective + search), "no case of " + objective + search + ": " + seen);
            }
        }
        assertTrue(seen.contains("rosenbrock wolfe wraps") && seen.contains("logistic wolfe wraps")
                && seen.contains("beale fixed wraps"), "no case whose history wraps: " + seen);
    }

    /** The case's objective over {@code ps}, as the generator's closure computes it. */
    private static Optimizer.LossClosure closure(JsonNode c, List<Parameter> ps) {
        String objective = c.get("objective").asText();
        return switch (objective) {
            case "rosenbrock" -> on(TestFunctions.rosenbrock(), ps);
            case "beale" -> on(TestFunctions.beale(), ps);
            case "ravine" -> on(TestFunctions.ravine(TestFunctions.RAVINE_CONDITION, TestFunctions.RAVINE_ANGLE_DEGREES), ps);
            case "logistic" -> new LogisticRegression(c.get("data"), ps.get(0), ps.get(1));
            default -> throw new IllegalArgumentException("unknown objective " + objective);
        };
    }

    private static Optimizer.LossClosure on(TestFunction fn, List<Parameter> ps) {
        return new TestFunctionClosure(fn, ps.get(0).value(), ps.get(0).grad());
    }

    /**
     * The mean logistic loss of {@code sigmoid(w.x + b)} against labels 0 and 1, and its gradient, in
     * double in the generator's order; the gradient rounded to float32.
     */
    private record LogisticRegression(double[][] x, double[] y, Parameter weight, Parameter bias)
            implements Optimizer.LossClosure {

        LogisticRegression(JsonNode data, Parameter weight, Parameter bias) {
            this(matrix(data.get("x")), doubles(data.get("y")), weight, bias);
        }

        @Override
        public double evaluate() {
            int m = y.length;
            int features = weight.size();
            double loss = 0;
            double[] gw = new double[features];
            double gb = 0;
            for (int i = 0; i < m; i++) {
                double z = bias.value().getFlat(0);
                for (int j = 0; j < features; j++) {
                    z += (double) weight.value().getFlat(j) * x[i][j];
                }
                loss += Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
                double e = Math.exp(-Math.abs(z));
                double sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e);
                double r = sigmoid - y[i];
                for (int j = 0; j < features; j++) {
                    gw[j] += r * x[i][j];
                }
                gb += r;
            }
            for (int j = 0; j < features; j++) {
                weight.grad().setFlat(j, (float) (gw[j] / m));
            }
            bias.grad().setFlat(0, (float) (gb / m));
            return loss / m;
        }
    }

    private static Map<String, Object> kwargs(JsonNode hyper) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        hyper.fields().forEachRemaining(e -> kwargs.put(e.getKey(), e.getValue().isNull() ? null
                : e.getValue().isTextual() ? e.getValue().asText()
                : e.getValue().isIntegralNumber() ? (Object) e.getValue().asInt() : (Object) e.getValue().asDouble()));
        return kwargs;
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    private static double[] doubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    private static double[][] matrix(JsonNode a) {
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = doubles(a.get(i));
        }
        return m;
    }

    private static int[] ints(JsonNode a) {
        int[] d = new int[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asInt();
        }
        return d;
    }
}
