package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.testing.MiniJson;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void escapesQuotesBackslashesAndEveryControlCharacter() {
        assertThat(Json.string("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(Json.string("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(Json.string("\u0000\u0001\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001f\\u007f\"");
        assertThat(Json.string("/")).isEqualTo("\"/\"");
        assertThat(Json.string(null)).isEqualTo("null");
        assertThat(Json.string("")).isEqualTo("\"\"");
    }

    @Test
    void nonAsciiStaysAsItIsExceptLineSeparatorsAndLoneSurrogates() {
        assertThat(Json.string("é 日本 \uD83D\uDE00")).isEqualTo("\"é 日本 \uD83D\uDE00\"");
        assertThat(Json.string("a\u2028b\u2029")).isEqualTo("\"a\\u2028b\\u2029\"");
        assertThat(Json.string("x\uD800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(Json.string("\uDC00")).isEqualTo("\"\\udc00\"");
    }

    @Test
    void everyCharacterRoundTripsThroughAStrictParser() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        all.append("\uD83D\uDE00");
        String s = all.toString();
        assertThat(MiniJson.parse(Json.string(s))).isEqualTo(s);
        assertThat(Json.string(s)).doesNotContain("\n").doesNotContain("\r");
    }
}
