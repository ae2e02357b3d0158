package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteResultsTest {

    @Test
    void readsJmhJsonIntoMeasurements(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("jmh-results.json");
        Files.writeString(json, """
                [{"jmhVersion":"1.37","benchmark":"vecopt.bench.speed.SgdBenchmark.panama","mode":"avgt",
                  "params":{"size":"65536","threads":"2"},
                  "primaryMetric":{"score":8192.5,"scoreError":12.0,"scoreUnit":"ns/op","rawData":[[8000.0,8192.5,9600.0]]}}]
                """);
        List<Measurement> m = SuiteResults.fromJson(json, SuitePlan::workloadOf);
        assertEquals(List.of(new Measurement("SgdBenchmark", "panama", Workloads.SGD_MOMENTUM, 65536, 2, 8192.5, 12.0, 1.2)), m);
    }

    @Test
    void rejectsOtherJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("other.json");
        Files.writeString(json, "[{\"benchmark\":\"a.B.c\",\"params\":{}}]");
        IOException e = assertThrows(IOException.class, () -> SuiteResults.fromJson(json, SuitePlan::workloadOf));
        assertEquals(json + ": not a vecopt speed benchmark result: a.B.c", e.getMessage());
    }
}
