package io.portico.plugins.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransformConfigTest {

    private static RequestRules path(String path) {
        return new RequestRules(Optional.empty(), Optional.empty(), Optional.of(path), Optional.empty());
    }

    private static RequestRules headers(NameRules rules) {
        return new RequestRules(Optional.of(rules), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void needsRequestOrResponse() {
        assertThatThrownBy(() -> new TransformConfig(Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void pathMustStartWithSlashAndBeEncoded() {
        assertThat(path("/v2/items/{id}").path()).contains("/v2/items/{id}");
        assertThat(path("/a%20b/:x@y").path()).isPresent();
        assertThatThrownBy(() -> path("v2")).hasMessageStartingWith("request.path: must start with /");
        assertThatThrownBy(() -> path("/a b")).hasMessageStartingWith("request.path: ' ' must be percent-encoded");
        assertThatThrownBy(() -> path("/a?x=1")).hasMessageContaining("'?'");
        assertThatThrownBy(() -> path("/a/{i d}")).hasMessageContaining("must be percent-encoded");
        assertThatThrownBy(() -> path("/a%2")).hasMessageContaining("'%'");
    }

    @Test
    void headerNamesAndValuesAreChecked() {
        assertThatThrownBy(() -> headers(new NameRules(Map.of(), Map.of("Bad Name", "v"), List.of(), Map.of())))
                .hasMessage("request.headers.set: 'Bad Name' is not a valid header name");
        assertThatThrownBy(() -> headers(new NameRules(Map.of("X-A", "line\nbreak"), Map.of(), List.of(), Map.of())))
                .hasMessageStartingWith("request.headers.add.X-A: a header value");
        assertThatThrownBy(() -> headers(new NameRules(Map.of(), Map.of(), List.of("a:b"), Map.of())))
                .hasMessageStartingWith("request.headers.remove:");
        assertThatThrownBy(() -> headers(new NameRules(Map.of(), Map.of(), List.of(), Map.of("X-A", "X B"))))
                .hasMessageStartingWith("request.headers.rename.X-A:");
        assertThatThrownBy(() -> new ResponseRules(Optional.of(new NameRules(Map.of(), Map.of("é", "v"),
                List.of(), Map.of())), Optional.empty())).hasMessageStartingWith("response.headers.set:");
    }

    @Test
    void nameRulesDefaultToEmptyAndKeepOrder() {
        NameRules empty = new NameRules(null, null, null, null);
        assertThat(empty.isEmpty()).isTrue();
        Map<String, String> set = new LinkedHashMap<>();
        set.put("b", "1");
        set.put("a", "2");
        assertThat(new NameRules(null, set, null, null).set().keySet()).containsExactly("b", "a");
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("a", null);
        assertThatThrownBy(() -> new NameRules(nullValue, null, null, null)).hasMessage("add.a: a value is required");
    }

    @Test
    void bodyValuesMustBeJsonable() {
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("n", null);
        ok.put("l", List.of(1, 2L, "x", Map.of("k", true)));
        assertThat(new BodyRules(ok, List.of()).set()).hasSize(2);
        assertThatThrownBy(() -> new BodyRules(Map.of("when", LocalDate.of(2026, 1, 1)), List.of()))
                .hasMessageStartingWith("set.when: cannot be written as JSON (LocalDate)");
        assertThatThrownBy(() -> new BodyRules(Map.of("x", List.of(Double.NaN)), List.of()))
                .hasMessageStartingWith("set.x[0]:");
        assertThatThrownBy(() -> new BodyRules(Map.of("x", Map.of(1, "a")), List.of()))
                .hasMessageContaining("keys must be strings");
        assertThatThrownBy(() -> new BodyRules(Map.of("x", 1), List.of("x"))).hasMessageContaining("also in set");
    }

    @Test
    void configValuesAreWrittenAsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"uote");
        m.put("n", null);
        m.put("l", List.of(1, 2.5, false));
        assertThat(JsonBodyEdit.toJson(m)).isEqualTo("{\"s\":\"q\\\"uote\",\"n\":null,\"l\":[1,2.5,false]}");
    }

    @Test
    void mediaTypes() {
        assertThat(JsonBodyEdit.applies(Optional.of("application/json"), Optional.empty())).isTrue();
        assertThat(JsonBodyEdit.applies(Optional.of("Application/JSON;charset=\"utf-8\""), Optional.empty())).isTrue();
        assertThat(JsonBodyEdit.applies(Optional.of("application/merge-patch+json"), Optional.of("identity"))).isTrue();
        assertThat(JsonBodyEdit.applies(Optional.of("application/json"), Optional.of("br"))).isFalse();
        assertThat(JsonBodyEdit.applies(Optional.of("text/json"), Optional.empty())).isFalse();
        assertThat(JsonBodyEdit.applies(Optional.of("+json"), Optional.empty())).isFalse();
        assertThat(JsonBodyEdit.applies(Optional.empty(), Optional.empty())).isFalse();
    }
}
