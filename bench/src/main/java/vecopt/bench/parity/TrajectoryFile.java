package vecopt.bench.parity;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads trajectory files: a JSON array, gzipped or not, of objects
 * {@code {"name", "optimizer", "hyper", "size", "steps", "init", "grads", "params"}}.
 *
 * <p>Numbers may be written as Python's {@code json.dump} writes them, including the bare tokens
 * {@code NaN}, {@code Infinity} and {@code -Infinity}, or as strings ({@code "NaN"}). Every problem is
 * an {@link IOException} whose message names the file, the case (its index and, when it has one, its
 * name) and the field, for example {@code runs.json: case 3 "adam/wide", grads[2][1]: must be a number,
 * got "abc"}; syntax errors add the line and column.
 */
public final class TrajectoryFile {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)      // Python's NaN, Infinity, -Infinity
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)  // "[...] garbage" is an error too
            .build();

    private TrajectoryFile() {
    }

    /** Every case in {@code file}; gzip is recognized by its magic bytes, not the name. */
    public static List<TrajectoryCase> read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a trajectory file");
        }
        InputStream opened;
        try {
            opened = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot open: " + e.getMessage(), e);
        }
        try (InputStream in = new BufferedInputStream(opened)) {
            return read(in, file.toString());
        }
    }

    /** Every case in {@code in}, which may be gzipped; {@code source} names it in messages. */
    public static List<TrajectoryCase> read(InputStream in, String source) throws IOException {
        JsonNode root;
        boolean gzip = false;
        try {
            InputStream raw = in.markSupported() ? in : new BufferedInputStream(in);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            gzip = b0 == 0x1f && b1 == 0x8b;
            root = JSON.readTree(gzip ? new GZIPInputStream(raw) : raw);
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": " + syntaxError(e), e);
        } catch (IOException e) {
            throw new IOException(source + ": cannot read" + (gzip ? " the gzip data" : "") + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IOException(source + ": the file is empty; expected a JSON array of cases");
        }
        if (!root.isArray()) {
            throw new IOException(source + ": expected a JSON array of cases, got " + kind(root));
        }
        List<TrajectoryCase> cases = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            cases.add(parse(root.get(i), source, i));
        }
        return cases;
    }

    /** Where a syntax error is (case index and field, line and column) and what it is, in plain words. */
    private static String syntaxError(JsonProcessingException e) {
        StringBuilder where = new StringBuilder();
        if (e.getProcessor() instanceof JsonParser parser) {
            List<JsonStreamContext> chain = new ArrayList<>();
            for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                chain.addFirst(c);
            }
            if (!chain.isEmpty() && chain.getFirst().inArray()) {
                where.append("case ").append(chain.getFirst().getCurrentIndex());
                String field = path(chain.subList(1, chain.size()));
                if (!field.isEmpty()) {
                    where.append(", ").append(field);
                }
                where.append(": ");
            }
        }
        JsonLocation at = e.getLocation();
        String line = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String reason = e.getOriginalMessage();
        if (e instanceof JsonEOFException || reason != null && reason.startsWith("Unexpected end-of-input")) {
            return where + "the JSON ends early" + line + " (is the file truncated?)";
        }
        if (reason != null && reason.startsWith("Trailing token")) {
            return "unexpected content after the array of cases" + line;
        }
        return where + "not valid JSON" + line + ": " + plain(reason);
    }

    /** The field names and indices of {@code contexts}, outermost first: {@code grads[2][1]}. */
    private static String path(List<JsonStreamContext> contexts) {
        StringBuilder s = new StringBuilder();
        for (JsonStreamContext c : contexts) {
            if (c.inObject() && c.getCurrentName() != null) {
                s.append(s.isEmpty() ? "" : ".").append(c.getCurrentName());
            } else if (c.inArray()) {
                s.append('[').append(c.getCurrentIndex()).append(']');
            }
        }
        return s.toString();
    }

    /** Jackson's description of a syntax error without its character codes, source and feature names. */
    private static String plain(String message) {
        if (message == null) {
            return "malformed input";
        }
        String s = message.replaceAll(" \\(code -?\\d+\\)", "");
        for (String cut : List.of("\n", " (start marker", ": enable `", " (JSON String", " (for ")) {
            int at = s.indexOf(cut);
            if (at >= 0) {
                s = s.substring(0, at);
            }
        }
        return s.strip();
    }

    private static TrajectoryCase parse(JsonNode node, String source, int index) throws IOException {
        String caseAt = source + ": case " + index;
        if (!node.isObject()) {
            throw new IOException(caseAt + ": must be an object, got " + kind(node));
        }
        JsonNode n = node.get("name");
        Fields f = new Fields(n != null && n.isTextual() ? caseAt + " \"" + n.asText() + "\"" : caseAt, node);
        String name = f.text("name");
        String optimizer = f.text("optimizer");
        Map<String, Object> hyper = f.hyper();
        int size = f.integer("size");
        int steps = f.integer("steps");
        float[] init = f.floats(node.get("init"), "init", size);
        float[][] grads = f.matrix("grads", steps, size);
        float[][] params = f.matrix("params", steps, size);
        try {
            return new TrajectoryCase(name, optimizer, hyper, size, steps, init, grads, params);
        } catch (IllegalArgumentException e) { // the checks above come first; this is a last line
            throw new IOException(f.where + ": " + e.getMessage(), e);
        }
    }

    /** Reads the fields of one case; {@code where} names the file and the case in every message. */
    private record Fields(String where, JsonNode node) {

        IOException bad(String field, String problem) {
            return new IOException(where + ", " + field + ": " + problem);
        }

        String text(String field) throws IOException {
            JsonNode v = node.get(field);
            if (v == null || !v.isTextual()) {
                throw bad(field, "must be a string, got " + kind(v));
            }
            return v.asText();
        }

        int integer(String field) throws IOException {
            JsonNode v = node.get(field);
            if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw bad(field, "must be a non-negative integer, got " + kind(v));
            }
            return v.asInt();
        }

        Map<String, Object> hyper() throws IOException {
            Map<String, Object> hyper = new LinkedHashMap<>();
            JsonNode h = node.get("hyper");
            if (h == null || h.isNull()) {
                return hyper;
            }
            if (!h.isObject()) {
                throw bad("hyper", "must be an object of keyword arguments, got " + kind(h));
            }
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                try {
                    hyper.put(e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
                } catch (JsonProcessingException ex) {
                    throw bad("hyper." + e.getKey(), "cannot be read: " + plain(ex.getOriginalMessage()));
                }
            }
            return hyper;
        }

        float[][] matrix(String field, int steps, int size) throws IOException {
            JsonNode m = node.get(field);
            if (m == null || !m.isArray()) {
                throw bad(field, "must be an array with one array of numbers per step, got " + kind(m));
            }
            if (m.size() != steps) {
                throw bad(field, "has " + m.size() + " entries, but steps is " + steps);
            }
            float[][] a = new float[steps][];
            for (int s = 0; s < steps; s++) {
                a[s] = floats(m.get(s), field + "[" + s + "]", size);
            }
            return a;
        }

        float[] floats(JsonNode array, String field, int size) throws IOException {
            if (array == null || !array.isArray()) {
                throw bad(field, "must be an array of " + size + " numbers, got " + kind(array));
            }
            if (array.size() != size) {
                throw bad(field, "has " + array.size() + " values, but size is " + size);
            }
            float[] a = new float[size];
            for (int i = 0; i < size; i++) {
                a[i] = number(array.get(i), field + "[" + i + "]");
            }
            return a;
        }

        /** A number, NaN or infinity (bare or as a string) that a float holds; finite doubles beyond it are refused. */
        float number(JsonNode v, String field) throws IOException {
            double d;
            if (v.isNumber()) {
                d = v.asDouble();
            } else if (v.isTextual()) {
                try {
                    d = Double.parseDouble(v.asText().strip()); // "NaN", "Infinity", "-Infinity", "1.5"
                } catch (NumberFormatException e) {
                    throw bad(field, "must be a number, got " + kind(v));
                }
            } else {
                throw bad(field, "must be a number, got " + kind(v));
            }
            float f = (float) d;
            if (Double.isFinite(d) && !Float.isFinite(f)) {
                throw bad(field, v.asText() + " is beyond the range of float (largest " + Float.MAX_VALUE + ")");
            }
            return f;
        }
    }

    /** A short description of a JSON value for messages: its text when short, else its kind. */
    private static String kind(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing (the field is missing)";
        }
        String text = v.toString();
        if (text.length() <= 40) {
            return text;
        }
        return v.isArray() ? "an array of " + v.size() : v.isObject() ? "an object" : text.substring(0, 37) + "...";
    }
}
