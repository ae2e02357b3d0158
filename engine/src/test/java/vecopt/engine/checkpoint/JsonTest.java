package vecopt.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The header reader accepts RFC 8259 JSON and nothing looser. */
class JsonTest {

    @Test
    void readsEveryKindOfValue() throws CheckpointException {
        Object value = Json.parse("t", " {\"a\":[1,-0.5e-3,true,false,null,\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"],"
                + "\"b\":{}, \"c\":[] }\t\n\r");
        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals(List.of("a", "b", "c"), List.copyOf(map.keySet()));
        List<?> a = (List<?>) map.get("a");
        assertEquals(new Json.Number("1"), a.get(0));
        assertEquals(new Json.Number("-0.5e-3"), a.get(1));
        assertEquals(Boolean.TRUE, a.get(2));
        assertEquals(Boolean.FALSE, a.get(3));
        assertEquals(Json.NULL, a.get(4));
        assertEquals("x\"\\/\b\f\n\r\té\ud83d\ude00", a.get(5));
        assertEquals(Map.of(), map.get("b"));
        assertEquals(List.of(), map.get("c"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\":1,\"a\":2}            | duplicate key \"a\"",
        "{\"a\":01}                   | expected ',' or '}'",
        "{\"a\":+1}                   | unexpected '+'",
        "{\"a\":1.}                   | invalid number",
        "{\"a\":.5}                   | unexpected '.'",
        "{\"a\":1e}                   | invalid number",
        "{\"a\":-}                    | invalid number",
        "{\"a\":NaN}                  | unexpected 'N'",
        "{\"a\":Infinity}             | unexpected 'I'",
        "{\"a\":tru}                  | unexpected 't'",
        "{\"a\":1,}                   | expected a key string",
        "[1,]                         | unexpected ']'",
        "{'a':1}                      | expected a key string",
        "{\"a\" 1}                    | expected ':'",
        "{\"a\":\"\\x\"}              | invalid escape \\x",
        "{\"a\":\"\\u12g4\"}          | invalid \\u escape",
        "{\"a\":\"\\u12\"}            | invalid \\u escape",
        "{\"a\":\"\\udc00\"}          | unpaired surrogate",
        "{\"a\":\"\\ud800x\"}         | unpaired surrogate",
        "{\"a\":1}}                   | unexpected '}' after the JSON value",
        "``                           | the JSON ends early",
        "{\"a\":                      | the JSON ends early",
        "\"abc                        | unterminated string",
    })
    void rejects(String text, String expected) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Json.parse("the test text", text));
        assertTrue(e.getMessage().startsWith("the test text is not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }

    @Test
    void rejectsControlCharactersInStrings() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Json.parse("t", "\"a\tb\""));
        assertTrue(e.getMessage().contains("control character U+0009 in a string"), e.getMessage());
    }

    @Test
    void nestingIsLimitedWithoutOverflowingTheStack() throws CheckpointException {
        Json.parse("t", "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Json.parse("t", "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1)));
        assertTrue(e.getMessage().contains("nested deeper than 32 levels"), e.getMessage());
        assertThrows(CheckpointException.class, () -> Json.parse("t", "{\"a\":".repeat(1_000_000)));
    }

    @Test
    void writtenStringsReadBack() throws CheckpointException {
        String s = "quote \" backslash \\ slash / controls \u0000\u0001\n\r\t\u001f\u007f é 😀";
        StringBuilder sb = new StringBuilder();
        Json.appendString(sb, s);
        assertEquals(s, Json.parse("t", sb.toString()));
        assertTrue(sb.chars().noneMatch(c -> c < 0x20), "no raw control characters");
    }
}
