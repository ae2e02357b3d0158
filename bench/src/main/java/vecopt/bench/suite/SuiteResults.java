package vecopt.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import vecopt.bench.speed.Workload;

/** Reads a suite's {@code jmh-results.json} back into measurements, to rewrite a report without rerunning. */
public final class SuiteResults {

    private SuiteResults() {
    }

    /** The measurements in JMH's JSON result file; {@code workloadOf} maps a benchmark class name to its workload. */
    public static List<Measurement> fromJson(Path json, Function<String, Workload> workloadOf) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(json + " is not a JMH JSON result file (expected an array)");
        }
        List<Measurement> measurements = new ArrayList<>();
        for (JsonNode run : root) {
            String benchmark = run.path("benchmark").asText();
            int dot = benchmark.lastIndexOf('.');
            JsonNode params = run.path("params");
            JsonNode metric = run.path("primaryMetric");
            if (dot < 0 || !params.has("size") || !params.has("threads") || !metric.has("score")) {
                throw new IOException(json + ": not a vecopt speed benchmark result: " + benchmark);
            }
            String className = benchmark.substring(0, dot);
            measurements.add(new Measurement(className.substring(className.lastIndexOf('.') + 1),
                    benchmark.substring(dot + 1), workloadOf.apply(className),
                    Integer.parseInt(params.path("size").asText()), Integer.parseInt(params.path("threads").asText()),
                    metric.path("score").asDouble(), metric.path("scoreError").asDouble(Double.NaN), spread(metric)));
        }
        return measurements;
    }

    /** Slowest over fastest iteration in {@code rawData} (one array per fork), 1 when absent. */
    private static double spread(JsonNode metric) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (JsonNode fork : metric.path("rawData")) {
            for (JsonNode iteration : fork) {
                min = Math.min(min, iteration.asDouble());
                max = Math.max(max, iteration.asDouble());
            }
        }
        return min > 0 && max >= min ? max / min : 1;
    }
}
