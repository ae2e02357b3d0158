package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParityCommandTest {

    // Plain SGD, lr 0.5: p1 = p0 - 0.5 g1, p2 = p1 - 0.5 g2 (exact in binary).
    private static final String GOOD = """
            {"name":"sgd/plain","optimizer":"SGD","hyper":{"lr":0.5,"foreach":false},"size":2,"steps":2,
             "init":[1.0,-2.0],"grads":[[1.0,2.0],[0.5,-4.0]],"params":[[0.5,-3.0],[0.25,-1.0]]}""";
    private static final String WRONG = """
            {"name":"sgd/wrong","optimizer":"SGD","hyper":{"lr":0.5},"size":1,"steps":1,
             "init":[1.0],"grads":[[1.0]],"params":[[0.375]]}""";
    private static final String UNKNOWN_RULE = """
            {"name":"lion","optimizer":"Lion","hyper":{},"size":1,"steps":1,"init":[1.0],"grads":[[1.0]],"params":[[1.0]]}""";
    private static final String UNKNOWN_OPTION = """
            {"name":"sgd/option","optimizer":"SGD","hyper":{"lr":0.1,"grad_scale":2},"size":1,"steps":1,
             "init":[1.0],"grads":[[1.0]],"params":[[0.9]]}""";

    @TempDir
    Path dir;

    @Test
    void passingCasesPrintPassAndTheSummary() throws IOException {
        Run run = run(write("good.json", "[" + GOOD + "]", false));
        assertEquals(0, run.status);
        assertTrue(run.out.contains("sgd/plain PASS 0.000e+00 0.000e+00 0 ulp exact"), run.out);
        assertTrue(run.out.strip().endsWith("1 passed, 0 failed, 0 unsupported"), run.out);
    }

    @Test
    void aWrongStepFailsTheRunWithNonZeroStatus() throws IOException {
        Run run = run(write("mixed.json.gz", "[" + GOOD + "," + WRONG + "]", true));
        assertEquals(1, run.status);
        // 0.5 - 0.375 = 2^-3, and floats in [0.25, 0.5) are 2^-25 apart: 2^22 ulp
        assertTrue(run.out.contains("sgd/wrong FAIL 1.250e-01 3.333e-01 4194304 ulp  ("), run.out);
        assertTrue(run.out.contains("1 passed, 1 failed, 0 unsupported"), run.out);
    }

    @Test
    void theSummaryTablesTheLargestDistancePerRuleOnEachKernelPath() throws IOException {
        Run run = run(write("mixed.json", "[" + GOOD + "," + WRONG + "," + UNKNOWN_RULE + "]", false));
        assertTrue(run.out.contains("Distance to PyTorch per rule, scalar kernels:"), run.out);
        assertTrue(run.out.contains("| rule | cases | steps | max ulp | max relative error | exact |"), run.out);
        // both SGD cases, 2 + 1 steps; the unsupported Lion case has no row
        assertTrue(run.out.contains("| SGD | 2 | 3 | 4194304 | 3.33e-01 | no |"), run.out);
        assertFalse(run.out.contains("| Lion |"), run.out);
    }

    @Test
    void missingRulesAndOptionsAreUnsupportedNotPassed() throws IOException {
        Run run = run(write("unsupported.json", "[" + UNKNOWN_RULE + "," + UNKNOWN_OPTION + "]", false));
        assertEquals(0, run.status);
        assertTrue(run.out.contains("lion UNSUPPORTED"), run.out);
        assertTrue(run.out.contains("sgd/option UNSUPPORTED"), run.out);
        assertTrue(run.out.contains("0 passed, 0 failed, 2 unsupported"), run.out);
    }

    @Test
    void unreadableFileExitsWithTwo() throws IOException {
        Run run = run(write("broken.json", "{\"not\": \"an array\"}", false));
        assertEquals(2, run.status);
        assertTrue(run.err.contains("expected a JSON array of cases"), run.err);
    }

    private Path write(String name, String json, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ParityCommand.run(List.of(file.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
