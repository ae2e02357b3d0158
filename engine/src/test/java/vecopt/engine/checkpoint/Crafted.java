package vecopt.engine.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Takes checkpoint files apart and puts altered ones together, for the loader's negative tests. */
final class Crafted {

    private Crafted() {
    }

    /** The header length field of {@code file}. */
    static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The header JSON text of {@code file}, padding included. */
    static String headerText(byte[] file) {
        return new String(file, 8, (int) headerLength(file), StandardCharsets.UTF_8);
    }

    /** The bytes after the header. */
    static byte[] data(byte[] file) {
        return Arrays.copyOfRange(file, 8 + (int) headerLength(file), file.length);
    }

    /** A file of this header length field, header bytes and data, as they are. */
    static byte[] file(long headerLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(header).put(data).array();
    }

    /** A file with this header text (its length field set to match) and data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(h.length, h, data);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> header(byte[] file) throws CheckpointException {
        return (Map<String, Object>) Json.parse("header", headerText(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Map<String, Object> header) {
        return (Map<String, Object>) header.get("__metadata__");
    }

    /**
     * {@code file} with its header edited by {@code headerEdit} and its groups metadata by
     * {@code groupsEdit} (the groups CRC updated to match, so only the edit itself is wrong).
     */
    @SuppressWarnings("unchecked")
    static byte[] edit(byte[] file, Consumer<Map<String, Object>> headerEdit, Consumer<List<Object>> groupsEdit)
            throws CheckpointException {
        Map<String, Object> header = header(file);
        if (groupsEdit != null) {
            Map<String, Object> metadata = metadata(header);
            List<Object> groups = (List<Object>) Json.parse("groups", (String) metadata.get("groups"));
            groupsEdit.accept(groups);
            String text = toJson(groups);
            metadata.put("groups", text);
            metadata.put("groups_crc32c",
                    CheckpointWriter.hex(CheckpointWriter.crc32c(text.getBytes(StandardCharsets.UTF_8))));
        }
        if (headerEdit != null) {
            headerEdit.accept(header);
        }
        return file(toJson(header), data(file));
    }

    /**
     * {@code file} with the JSON text of metadata entry {@code key} ({@code "settings"} or
     * {@code "schedulers"}) parsed, edited by {@code edit} and written back, its CRC updated to match.
     */
    static byte[] editEntry(byte[] file, String key, Consumer<Object> edit) throws CheckpointException {
        return edit(file, header -> {
            Map<String, Object> metadata = metadata(header);
            Object value;
            try {
                value = Json.parse(key, (String) metadata.get(key));
            } catch (CheckpointException e) {
                throw new AssertionError(e);
            }
            edit.accept(value);
            String text = toJson(value);
            metadata.put(key, text);
            metadata.put(key + "_crc32c",
                    CheckpointWriter.hex(CheckpointWriter.crc32c(text.getBytes(StandardCharsets.UTF_8))));
        }, null);
    }

    /** The group {@code g}'s map in a groups list. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> group(List<Object> groups, int g) {
        return (Map<String, Object>) groups.get(g);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> hyperparameters(List<Object> groups, int g) {
        return (Map<String, Object>) group(groups, g).get("hyperparameters");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> param(List<Object> groups, int g, int p) {
        return (Map<String, Object>) ((List<Object>) group(groups, g).get("params")).get(p);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> tensor(Map<String, Object> header, String name) {
        return (Map<String, Object>) header.get(name);
    }

    static Json.Number number(String literal) {
        return new Json.Number(literal);
    }

    /** Compact JSON of what {@link Json#parse} returns. */
    static String toJson(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value) {
        if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(first ? "" : ",");
                first = false;
                Json.appendString(sb, (String) e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                write(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof String s) {
            Json.appendString(sb, s);
        } else {
            sb.append(value); // Json.Number, Boolean, Json.NULL
        }
    }
}
