package vecopt.bench.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrajectoryFileTest {

    /** Python's {@code json.dump} of a case whose gradients hold NaN and infinities (allow_nan=True, its default). */
    private static final String PYTHON_NAN = """
            [{"name": "sgd/nan", "optimizer": "SGD", "hyper": {"lr": 0.5, "foreach": false}, "size": 3, "steps": 1,
              "init": [1.0, 2.0, 3.0], "grads": [[NaN, Infinity, -Infinity]], "params": [[NaN, -Infinity, Infinity]]}]""";

    @TempDir
    Path dir;

    @Test
    void pythonsBareNanAndInfinityTokensAreRead() throws IOException {
        TrajectoryCase c = read(PYTHON_NAN).getFirst();
        float inf = Float.POSITIVE_INFINITY;
        assertArrayEquals(new float[] {Float.NaN, inf, -inf}, c.grads()[0]);
        assertArrayEquals(new float[] {Float.NaN, -inf, inf}, c.params()[0]);
    }

    @Test
    void numbersAsStringsAreReadToo() throws IOException {
        TrajectoryCase c = read(PYTHON_NAN.replace("[[NaN, Infinity, -Infinity]]", "[[\"NaN\", \"Infinity\", \"-1.5\"]]"))
                .getFirst();
        assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, -1.5f}, c.grads()[0]);
    }

    @Test
    void aGzippedFileIsRecognizedByItsMagicBytes() throws IOException {
        Path file = dir.resolve("plain-name.json");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(PYTHON_NAN.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("sgd/nan", TrajectoryFile.read(file).getFirst().name());
    }

    private static final String OK = """
            {"name":"c","optimizer":"SGD","hyper":{"lr":0.5},"size":2,"steps":1,"init":[1.0,2.0],"grads":[[1.0,2.0]],"params":[[0.5,1.0]]}""";

    /** A malformed file's text and what its message must say after {@code "FILE: "}. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                // syntax errors: case index, field, line and column
                Arguments.of("[" + OK + ",\n" + OK.replace("[[1.0,2.0]]", "[[1.0,]]") + "]",
                        "case 1, grads[0][1]: not valid JSON at line 2, column "),
                Arguments.of("[" + OK.replace("\"size\":2", "\"size\" 2") + "]", "case 0, size: not valid JSON at line 1, column "),
                Arguments.of("[" + OK.replace("[1.0,2.0]", "[1.0,+2.0]"), "case 0, init[1]: not valid JSON at line 1, column "),
                Arguments.of("[" + OK.substring(0, 80), "case 0, init[1]: the JSON ends early at line 1, column "),
                Arguments.of("[" + OK + "] [", "unexpected content after the array of cases at line 1, column "),
                Arguments.of("", "the file is empty; expected a JSON array of cases"),
                Arguments.of("{\"not\": \"an array\"}", "expected a JSON array of cases, got {\"not\":\"an array\"}"),
                // well-formed JSON that is not a trajectory: case index and name, field
                Arguments.of("[" + OK + ", 7]", "case 1: must be an object, got 7"),
                Arguments.of("[" + OK.replace("\"name\":\"c\",", "") + "]", "case 0, name: must be a string, got nothing (the field is missing)"),
                Arguments.of("[" + OK.replace("\"SGD\"", "null") + "]", "case 0 \"c\", optimizer: must be a string, got null"),
                Arguments.of("[" + OK.replace("{\"lr\":0.5}", "[0.5]") + "]", "case 0 \"c\", hyper: must be an object of keyword arguments, got [0.5]"),
                Arguments.of("[" + OK.replace("\"size\":2", "\"size\":2.5") + "]", "case 0 \"c\", size: must be a non-negative integer, got 2.5"),
                Arguments.of("[" + OK.replace("\"steps\":1", "\"steps\":-1") + "]", "case 0 \"c\", steps: must be a non-negative integer, got -1"),
                Arguments.of("[" + OK.replace("\"init\":[1.0,2.0]", "\"init\":[1.0]") + "]", "case 0 \"c\", init: has 1 values, but size is 2"),
                Arguments.of("[" + OK.replace("\"steps\":1", "\"steps\":2") + "]", "case 0 \"c\", grads: has 1 entries, but steps is 2"),
                Arguments.of("[" + OK.replace("[[0.5,1.0]]", "[[0.5]]") + "]", "case 0 \"c\", params[0]: has 1 values, but size is 2"),
                Arguments.of("[" + OK.replace("[[1.0,2.0]]", "[[1.0,\"abc\"]]") + "]", "case 0 \"c\", grads[0][1]: must be a number, got \"abc\""),
                Arguments.of("[" + OK.replace("[[1.0,2.0]]", "[[1.0,null]]") + "]", "case 0 \"c\", grads[0][1]: must be a number, got null"),
                Arguments.of("[" + OK.replace("[[0.5,1.0]]", "[[0.5,1e39]]") + "]", "case 0 \"c\", params[0][1]: 1.0E39 is beyond the range of float"),
                Arguments.of("[" + OK.replace("\"grads\":[[1.0,2.0]]", "\"grads\":{}") + "]",
                        "case 0 \"c\", grads: must be an array with one array of numbers per step, got {}"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void everyMalformedInputIsNamedByFileCaseAndFieldInPlainWords(String json, String expected) throws IOException {
        Path file = dir.resolve("runs.json");
        Files.writeString(file, json);
        IOException e = assertThrows(IOException.class, () -> TrajectoryFile.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": " + expected), message);
        for (String internal : List.of("Source:", "REDACTED", "JsonReadFeature", "com.fasterxml", "(code ", "start marker",
                "token 'null'", "Exception")) {
            assertFalse(message.contains(internal), "Jackson's internals in: " + message);
        }
    }

    @Test
    void missingFilesDirectoriesAndDamagedGzipNameTheFile() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertEquals(missing + ": no such file", assertThrows(IOException.class, () -> TrajectoryFile.read(missing)).getMessage());
        assertEquals(dir + ": is a directory, not a trajectory file",
                assertThrows(IOException.class, () -> TrajectoryFile.read(dir)).getMessage());
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gz)) {
            out.write(("[" + OK + "," + OK + "," + OK + "]").getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = gz.toByteArray();
        Path truncated = dir.resolve("truncated.json.gz");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        String message = assertThrows(IOException.class, () -> TrajectoryFile.read(truncated)).getMessage();
        assertTrue(message.startsWith(truncated + ": cannot read the gzip data: "), message);
    }

    private static List<TrajectoryCase> read(String json) throws IOException {
        return TrajectoryFile.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }
}
