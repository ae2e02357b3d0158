package vecopt.bench.parity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads trajectory files: a JSON array, gzipped or not, of objects
 * {@code {"name", "optimizer", "hyper", "size", "steps", "init", "grads", "params"}}.
 */
public final class TrajectoryFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrajectoryFile() {
    }

    /** Every case in {@code file}; gzip is recognized by its magic bytes, not the name. */
    public static List<TrajectoryCase> read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        }
    }

    /** Every case in {@code in}, which may be gzipped. */
    public static List<TrajectoryCase> read(InputStream in, String source) throws IOException {
        InputStream raw = in.markSupported() ? in : new BufferedInputStream(in);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream json = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw) : raw;
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isArray()) {
            throw new IOException(source + ": expected a JSON array of cases");
        }
        List<TrajectoryCase> cases = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            cases.add(parse(root.get(i), source + " case " + i));
        }
        return cases;
    }

    private static TrajectoryCase parse(JsonNode node, String where) throws IOException {
        try {
            String name = text(node, "name", where);
            Map<String, Object> hyper = new LinkedHashMap<>();
            JsonNode h = node.get("hyper");
            if (h != null && !h.isNull()) {
                if (!h.isObject()) {
                    throw new IOException(where + ": hyper must be an object");
                }
                for (Map.Entry<String, JsonNode> e : h.properties()) {
                    hyper.put(e.getKey(), JSON.treeToValue(e.getValue(), Object.class));
                }
            }
            return new TrajectoryCase(name, text(node, "optimizer", where), hyper,
                    integer(node, "size", where), integer(node, "steps", where),
                    floats(node.get("init"), where + " init"),
                    matrix(node.get("grads"), where + " grads"),
                    matrix(node.get("params"), where + " params"));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String where) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException(where + ": " + field + " must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, String where) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new IOException(where + ": " + field + " must be a non-negative integer");
        }
        return v.asInt();
    }

    private static float[][] matrix(JsonNode node, String where) throws IOException {
        if (node == null || !node.isArray()) {
            throw new IOException(where + " must be an array of arrays");
        }
        float[][] m = new float[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = floats(node.get(i), where + "[" + i + "]");
        }
        return m;
    }

    private static float[] floats(JsonNode node, String where) throws IOException {
        if (node == null || !node.isArray()) {
            throw new IOException(where + " must be an array of numbers");
        }
        float[] a = new float[node.size()];
        for (int i = 0; i < a.length; i++) {
            JsonNode v = node.get(i);
            if (v.isNumber()) {
                a[i] = (float) v.asDouble();
            } else if (v.isTextual()) {
                a[i] = Float.parseFloat(v.asText()); // "NaN", "Infinity"
            } else {
                throw new IOException(where + "[" + i + "] must be a number");
            }
        }
        return a;
    }
}
