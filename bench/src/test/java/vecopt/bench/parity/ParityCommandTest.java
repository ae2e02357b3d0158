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
import java.util.stream.Stream;
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
            {"name":"nosuchrule","optimizer":"NoSuchRule","hyper":{},"size":1,"steps":1,"init":[1.0],"grads":[[1.0]],"params":[[1.0]]}""";
    private static final String UNKNOWN_OPTION = """
            {"name":"sgd/option","optimizer":"SGD","hyper":{"lr":0.1,"grad_scale":2},"size":1,"steps":1,
             "init":[1.0],"grads":[[1.0]],"params":[[0.9]]}""";

    @TempDir
    Path dir;

    @Test
    void passingCasesPrintPassAndTheSummary() throws IOException {
        Run run = run(write("good.json", "[" + GOOD + "]", false));
        assertEquals(ParityCommand.PASSED, run.status);
        assertTrue(run.out.contains("sgd/plain PASS 0.000e+00 0.000e+00 0 ulp exact"), run.out);
        assertTrue(run.out.strip().endsWith("1 passed, 0 failed, 0 unsupported"), run.out);
    }

    @Test
    void aWrongStepFailsTheRunWithNonZeroStatus() throws IOException {
        Run run = run(write("mixed.json.gz", "[" + GOOD + "," + WRONG + "]", true));
        assertEquals(ParityCommand.FAILED, run.status);
        // 0.5 - 0.375 = 2^-3, and floats in [0.25, 0.5) are 2^-25 apart: 2^22 ulp
        assertTrue(run.out.contains("sgd/wrong FAIL 1.250e-01 3.333e-01 4194304 ulp  ("), run.out);
        assertTrue(run.out.contains("1 passed, 1 failed, 0 unsupported"), run.out);
    }

    @Test
    void theSummaryTablesTheLargestDistancePerRuleOnEachKernelPath() throws IOException {
        Run run = run(write("mixed.json", "[" + GOOD + "," + WRONG + "," + UNKNOWN_RULE + "]", false));
        assertTrue(run.out.contains("Distance to PyTorch per rule, scalar kernels:"), run.out);
        assertTrue(run.out.contains("| rule | cases | steps | max ulp | max relative error | exact |"), run.out);
        // both SGD cases, 2 + 1 steps; the unsupported NoSuchRule case has no row
        assertTrue(run.out.contains("| SGD | 2 | 3 | 4194304 | 3.33e-01 | no |"), run.out);
        assertFalse(run.out.contains("| NoSuchRule |"), run.out);
    }

    @Test
    void missingRulesAndOptionsAreUnsupportedNotPassed() throws IOException {
        Run run = run(write("unsupported.json", "[" + UNKNOWN_RULE + "," + UNKNOWN_OPTION + "]", false));
        assertTrue(run.out.contains("nosuchrule UNSUPPORTED"), run.out);
        assertTrue(run.out.contains("sgd/option UNSUPPORTED"), run.out);
        assertTrue(run.out.contains("0 passed, 0 failed, 2 unsupported"), run.out);
    }

    // Python's json.dump of an SGD run (lr 0.5) whose gradients hold NaN and an infinity: bare tokens.
    private static final String PYTHON_NAN = """
            {"name": "sgd/nan", "optimizer": "SGD", "hyper": {"lr": 0.5}, "size": 2, "steps": 2,
             "init": [1.0, 2.0], "grads": [[NaN, 1.0], [1.0, Infinity]], "params": [[NaN, 1.5], [NaN, -Infinity]]}""";

    @Test
    void nanGradientsWrittenByPythonReplayAndPass() throws IOException {
        Run run = run(write("nan.json", "[" + PYTHON_NAN + "]", false));
        assertEquals(ParityCommand.PASSED, run.status, run.err);
        assertTrue(run.out.contains("sgd/nan PASS 0.000e+00 0.000e+00 0 ulp exact"), run.out);
        assertEquals("", run.err);
    }

    @Test
    void exitZeroWhenEveryCasePassesOrIsUnsupportedAndOnePassed() throws IOException {
        Run run = run(write("some.json", "[" + GOOD + "," + UNKNOWN_RULE + "]", false));
        assertEquals(ParityCommand.PASSED, run.status, run.err);
        assertTrue(run.out.strip().endsWith("1 passed, 0 failed, 1 unsupported"), run.out);
    }

    @Test
    void exitOneWhenACaseFailsEvenIfAnotherFileIsUnreadable() throws IOException {
        Run run = run(write("wrong.json", "[" + WRONG + "]", false), write("broken.json", "[{", false));
        assertEquals(ParityCommand.FAILED, run.status);
        assertTrue(run.out.contains("sgd/wrong FAIL"), run.out);
        assertTrue(run.out.strip().endsWith("0 passed, 1 failed, 0 unsupported; 1 of 2 files could not be read"), run.out);
        assertTrue(run.err.contains("broken.json: case 0: the JSON ends early"), run.err);
        assertTrue(run.err.contains("parity: exit 1: 1 case failed"), run.err);
    }

    @Test
    void exitTwoOnUsageErrorsWithTheExitCodesInTheUsage() {
        for (List<String> args : List.of(List.<String>of(), List.of("--frobnicate", "x.json"), List.of("--"))) {
            Run run = runArgs(args);
            assertEquals(ParityCommand.USAGE_ERROR, run.status, args.toString());
            assertEquals("", run.out, "nothing is replayed");
            assertTrue(run.err.contains("usage: java --add-modules jdk.incubator.vector -jar vecopt-bench.jar parity FILE..."), run.err);
            assertTrue(run.err.contains("4  nothing was verified"), run.err);
        }
        assertTrue(runArgs(List.of("--frobnicate")).err.startsWith("parity: unknown option --frobnicate"));
    }

    @Test
    void helpPrintsTheExitCodesOnStandardOutputAndExitsZero() {
        Run run = runArgs(List.of("--help"));
        assertEquals(ParityCommand.PASSED, run.status);
        assertEquals(ParityCommand.HELP, run.out);
        for (String line : List.of("1  some case failed", "3  a file could not be read", "4  nothing was verified",
                "0  every case passed", "2  usage error")) {
            assertTrue(run.out.contains(line), line);
        }
    }

    @Test
    void exitThreeWhenAFileIsUnreadableAndTheOthersAreStillReplayedAndSummed() throws IOException {
        Path first = write("first.json", "[" + GOOD + "]", false);
        Path missing = dir.resolve("missing.json");
        Path broken = write("broken.json", "{\"not\": \"an array\"}", false);
        Path last = write("last.json.gz", "[" + PYTHON_NAN + "]", true);
        Run run = run(first, missing, broken, last);
        assertEquals(ParityCommand.UNREADABLE, run.status, run.err);
        assertTrue(run.out.contains("sgd/plain PASS"), run.out);
        assertTrue(run.out.contains("sgd/nan PASS"), "files after an unreadable one are replayed: " + run.out);
        assertTrue(run.out.strip().endsWith("2 passed, 0 failed, 0 unsupported; 2 of 4 files could not be read"), run.out);
        assertTrue(run.err.contains("parity: " + missing + ": no such file"), run.err);
        assertTrue(run.err.contains("parity: " + broken + ": expected a JSON array of cases"), run.err);
        assertTrue(run.err.contains("parity: exit 3: 2 of 4 files could not be read"), run.err);
    }

    @Test
    void exitThreeBeatsNothingVerified() throws IOException {
        Run run = run(write("unsupported.json", "[" + UNKNOWN_RULE + "]", false), dir.resolve("missing.json"));
        assertEquals(ParityCommand.UNREADABLE, run.status, run.err);
        assertTrue(run.out.strip().endsWith("0 passed, 0 failed, 1 unsupported; 1 of 2 files could not be read"), run.out);
    }

    @Test
    void exitFourWhenEveryCaseIsUnsupported() throws IOException {
        Run run = run(write("unsupported.json", "[" + UNKNOWN_RULE + "," + UNKNOWN_OPTION + "]", false));
        assertEquals(ParityCommand.NOTHING_VERIFIED, run.status);
        assertTrue(run.out.strip().endsWith("0 passed, 0 failed, 2 unsupported"), run.out);
        assertTrue(run.err.contains("parity: exit 4: nothing was verified (every case is unsupported)"), run.err);
    }

    @Test
    void exitFourWhenNoFileHoldsACase() throws IOException {
        Path empty = write("empty.json", "[]", false);
        Run run = run(empty, write("empty.json.gz", "[ ]", true));
        assertEquals(ParityCommand.NOTHING_VERIFIED, run.status);
        assertTrue(run.out.strip().endsWith("0 passed, 0 failed, 0 unsupported"), run.out);
        assertTrue(run.err.contains("parity: " + empty + ": holds no cases"), run.err);
        assertTrue(run.err.contains("parity: exit 4: nothing was verified (no cases)"), run.err);
    }

    @Test
    void aMalformedCaseIsNamedByFileCaseAndField() throws IOException {
        Path file = write("bad.json", "[" + GOOD + "," + GOOD.replace("\"sgd/plain\"", "\"sgd/bad\"")
                .replace("[[1.0,2.0],[0.5,-4.0]]", "[[1.0,2.0],[0.5,\"x\"]]") + "]", false);
        Run run = run(file);
        assertEquals(ParityCommand.UNREADABLE, run.status);
        assertTrue(run.err.contains("parity: " + file + ": case 1 \"sgd/bad\", grads[1][1]: must be a number, got \"x\""),
                run.err);
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

    private static Run run(Path... files) {
        return runArgs(Stream.of(files).map(Path::toString).toList());
    }

    private static Run runArgs(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ParityCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
