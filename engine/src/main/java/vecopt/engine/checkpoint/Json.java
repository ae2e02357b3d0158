package vecopt.engine.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for checkpoint headers, and the few writing helpers the writer
 * needs. Strict because the input is untrusted: duplicate keys, control characters in strings,
 * unpaired surrogates, leading zeros, nesting deeper than {@value #MAX_DEPTH} and anything after the
 * value but whitespace are errors. Linear in the input and never recursing deeper than
 * {@value #MAX_DEPTH}, so no input makes it hang or overflow the stack.
 *
 * <p>Objects become {@code Map<String, Object>} in document order, arrays {@code List<Object>},
 * strings {@code String}, numbers {@link Number} (the literal, so integers and doubles are read
 * exactly), true and false {@code Boolean}, and null {@link #NULL}.
 */
final class Json {

    /** Deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = 32;

    /** JSON's null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A number, as its literal text (valid JSON number syntax). */
    record Number(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private final String what;
    private final String text;
    private int pos;

    private Json(String what, String text) {
        this.what = what;
        this.text = text;
    }

    /**
     * The value {@code text} holds; {@code what} names the text in error messages.
     *
     * @throws CheckpointException if {@code text} is not exactly one JSON value surrounded by whitespace
     */
    static Object parse(String what, String text) throws CheckpointException {
        Json json = new Json(what, text);
        json.skipWhitespace();
        Object value = json.value(0);
        json.skipWhitespace();
        if (json.pos != text.length()) {
            throw json.error("unexpected " + json.describe(json.pos) + " after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws CheckpointException {
        if (pos >= text.length()) {
            throw error("the JSON ends early");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describe(pos));
            }
        };
    }

    private Map<String, Object> object(int depth) throws CheckpointException {
        checkDepth(depth);
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a key string, found " + describe(pos));
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth);
            if (map.putIfAbsent(key, value) != null) {
                pos = keyAt;
                throw error("duplicate key \"" + printable(key) + "\"");
            }
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return map;
            } else {
                throw error("expected ',' or '}', found " + describe(pos));
            }
        }
    }

    private List<Object> array(int depth) throws CheckpointException {
        checkDepth(depth);
        pos++;
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return list;
            } else {
                throw error("expected ',' or ']', found " + describe(pos));
            }
        }
    }

    private String string() throws CheckpointException {
        int start = pos;
        pos++;
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
                pos++;
                checkSurrogates(s, start);
                return s;
            }
            if (c < 0x20) {
                throw error(String.format("control character U+%04X in a string", (int) c));
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, pos);
                pos++;
                if (pos >= text.length()) {
                    pos = start;
                    throw error("unterminated string");
                }
                char e = text.charAt(pos);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 >= text.length()) {
                            throw error("incomplete \\u escape");
                        }
                        int code = 0;
                        for (int k = 1; k <= 4; k++) {
                            int digit = hexDigit(text.charAt(pos + k));
                            if (digit < 0) {
                                throw error("invalid \\u escape");
                            }
                            code = code * 16 + digit;
                        }
                        sb.append((char) code);
                        pos += 4;
                    }
                    default -> throw error("invalid escape \\" + (e < 0x20 || e > 0x7e ? "?" : String.valueOf(e)));
                }
                pos++;
                runStart = pos;
                continue;
            }
            pos++;
        }
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private void checkSurrogates(String s, int at) throws CheckpointException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                pos = at;
                throw error("unpaired surrogate in a string");
            }
        }
    }

    private Number number() throws CheckpointException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("invalid number");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number");
            }
            digits();
        }
        return new Number(text.substring(start, pos));
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws CheckpointException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describe(pos));
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) throws CheckpointException {
        if (peek() != c) {
            throw error("expected '" + c + "', found " + describe(pos));
        }
        pos++;
    }

    /** The character at the position, or 0 at the end (0 is never valid where peek is used). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private void checkDepth(int depth) throws CheckpointException {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "end of text";
        }
        char c = text.charAt(at);
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
    }

    private CheckpointException error(String problem) {
        return new CheckpointException(what + " is not valid JSON: " + problem + " at character " + pos);
    }

    /** {@code s} cut to 100 characters with control characters shown as '?', for messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > 100) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
