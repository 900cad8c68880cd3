package io.portico.plugins.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeBody;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeQuery;
import io.portico.plugins.testkit.FakeRequest;
import io.portico.plugins.testkit.FakeResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransformFilterTest {
    private final TransformFilterFactory factory = new TransformFilterFactory();

    private GatewayFilter filter(RequestRules request, ResponseRules response) {
        return factory.create(new TransformConfig(Optional.ofNullable(request), Optional.ofNullable(response)),
                new FakeFilterContext("transform"));
    }

    private static RequestRules request(NameRules headers, NameRules query, String path, BodyRules body) {
        return new RequestRules(Optional.ofNullable(headers), Optional.ofNullable(query), Optional.ofNullable(path),
                Optional.ofNullable(body));
    }

    private static NameRules names(Map<String, String> add, Map<String, String> set, List<String> remove,
                                   Map<String, String> rename) {
        return new NameRules(add, set, remove, rename);
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("transform");
        assertThat(factory.phase()).isEqualTo(Phase.TRANSFORM);
        assertThat(factory.configType()).isEqualTo(TransformConfig.class);
    }

    @Test
    void requestHeadersInTheOrderRemoveRenameSetAdd() {
        GatewayFilter f = filter(request(names(
                Map.of("X-Tag", "b"),
                Map.of("X-Item", "{id}", "X-Mode", "fixed"),
                List.of("Cookie"),
                Map.of("X-Old", "X-New")), null, null, null), null);
        FakeExchange ex = FakeExchange.get("/items/42").pathParams(Map.of("id", "42"));
        ex.request().headers(FakeHeaders.of("cookie", "a=b", "X-Old", "1", "X-Old", "2", "X-New", "0",
                "X-Mode", "client", "X-Tag", "a"));

        assertThat(f.onRequest(ex)).isEqualTo(Decision.proceed());
        FakeHeaders h = (FakeHeaders) ex.request().headers();
        assertThat(h.contains("Cookie")).isFalse();
        assertThat(h.contains("X-Old")).isFalse();
        assertThat(h.all("X-New")).containsExactly("1", "2");
        assertThat(h.all("X-Item")).containsExactly("42");
        assertThat(h.all("X-Mode")).containsExactly("fixed");
        assertThat(h.all("X-Tag")).containsExactly("a", "b");
    }

    @Test
    void headerParameterValuesCannotInjectHeaders() {
        GatewayFilter f = filter(request(names(Map.of(), Map.of("X-Item", "id={id}"), List.of(), Map.of()),
                null, null, null), null);
        FakeExchange ex = FakeExchange.get("/x").pathParams(Map.of("id", "1\r\nX-Evil: 1é"));
        f.onRequest(ex);
        assertThat(ex.request().headers().first("X-Item")).contains("id=1%0D%0AX-Evil: 1%C3%A9");
    }

    @Test
    void unknownParametersStayLiteral() {
        GatewayFilter f = filter(request(names(Map.of(), Map.of("X-Item", "{nope}"), List.of(), Map.of()),
                null, "/v2/{nope}", null), null);
        FakeExchange ex = FakeExchange.get("/x");
        f.onRequest(ex);
        assertThat(ex.request().headers().first("X-Item")).contains("{nope}");
        assertThat(ex.request().upstreamPath()).isEqualTo("/v2/{nope}");
    }

    @Test
    void queryEdits() {
        GatewayFilter f = filter(request(null, names(
                Map.of("tag", "new"), Map.of("version", "2", "item", "{id}"), List.of("debug"), Map.of("q", "search")),
                null, null), null);
        FakeExchange ex = FakeExchange.get("/x").pathParams(Map.of("id", "a b"));
        ex.request().query(FakeQuery.of("debug", "1", "q", "shoes", "tag", "old", "version", "1"));
        f.onRequest(ex);
        FakeQuery q = (FakeQuery) ex.request().query();
        assertThat(q.all("debug")).isEmpty();
        assertThat(q.all("q")).isEmpty();
        assertThat(q.all("search")).containsExactly("shoes");
        assertThat(q.all("version")).containsExactly("2");
        assertThat(q.all("item")).containsExactly("a b");
        assertThat(q.all("tag")).containsExactly("old", "new");
    }

    @Test
    void pathWithRouteParametersEncodedAsSegments() {
        GatewayFilter f = filter(request(null, null, "/v2/items/{id}/x", null), null);
        FakeExchange ex = FakeExchange.get("/api/items/a").pathParams(Map.of("id", "a/b c?é"));
        f.onRequest(ex);
        assertThat(ex.request().upstreamPath()).isEqualTo("/v2/items/a%2Fb%20c%3F%C3%A9/x");
    }

    @Test
    void requestJsonBodyFields() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("source", "gateway");
        set.put("item", "{id}");
        set.put("meta", Map.of("v", 2));
        set.put("price", 9.5);
        GatewayFilter f = filter(request(null, null, null, new BodyRules(set, List.of("secret"))), null);
        FakeExchange ex = new FakeExchange(new FakeRequest("POST", "/x")
                .headers(FakeHeaders.of("Content-Type", "application/json; charset=UTF-8"))
                .body(FakeBody.of("{\"secret\":\"s\",\"price\":1,\"n\":1.10000000000000000001,\"list\":[1,{\"a\":null}],"
                        + "\"source\":\"client\",\"secret\":{\"deep\":[true]}}")))
                .pathParams(Map.of("id", "7"));
        f.onRequest(ex);
        assertThat(ex.request().fakeBody().peek()).isEqualTo("{\"price\":9.5,\"n\":1.10000000000000000001,"
                + "\"list\":[1,{\"a\":null}],\"source\":\"gateway\",\"item\":\"7\",\"meta\":{\"v\":2}}");
    }

    @Test
    void nonJsonOrNonObjectBodiesAreUntouched() {
        GatewayFilter f = filter(request(null, null, null, new BodyRules(Map.of("a", 1), List.of())), null);
        for (String[] c : new String[][] {
                {"text/plain", "{\"x\":1}"},
                {"application/json", "[1,2]"},
                {"application/json", "{\"x\":1} trailing"},
                {"application/json", "{\"x\":"},
                {"application/json", "\"text\""},
                {"application/json; charset=iso-8859-1", "{\"x\":1}"}}) {
            FakeExchange ex = new FakeExchange(new FakeRequest("POST", "/x")
                    .headers(FakeHeaders.of("Content-Type", c[0])).body(FakeBody.of(c[1])));
            f.onRequest(ex);
            assertThat(ex.request().fakeBody().replaced()).as(c[0] + " " + c[1]).isFalse();
            assertThat(ex.request().fakeBody().peek()).isEqualTo(c[1]);
        }
    }

    @Test
    void compressedBodiesAreUntouchedAndNoBodyIsNotRead() {
        GatewayFilter f = filter(request(null, null, null, new BodyRules(Map.of("a", 1), List.of())), null);
        FakeExchange gz = new FakeExchange(new FakeRequest("POST", "/x")
                .headers(FakeHeaders.of("Content-Type", "application/json", "Content-Encoding", "gzip"))
                .body(FakeBody.of("{}")));
        f.onRequest(gz);
        assertThat(gz.request().fakeBody().reads()).isZero();

        FakeExchange none = new FakeExchange(new FakeRequest("GET", "/x")
                .headers(FakeHeaders.of("Content-Type", "application/json")));
        f.onRequest(none);
        assertThat(none.request().fakeBody().reads()).isZero();
    }

    @Test
    void removeOnlyLeavesABodyWithoutThoseFieldsAsItWas() {
        GatewayFilter f = filter(request(null, null, null, new BodyRules(Map.of(), List.of("secret"))), null);
        FakeExchange ex = new FakeExchange(new FakeRequest("POST", "/x")
                .headers(FakeHeaders.of("Content-Type", "application/vnd.api+json")).body(FakeBody.of("{ \"a\": 1 }")));
        f.onRequest(ex);
        assertThat(ex.request().fakeBody().replaced()).isFalse();
    }

    @Test
    void responseHeadersAndBody() {
        GatewayFilter f = filter(null, new ResponseRules(
                Optional.of(names(Map.of(), Map.of("X-Served-By", "portico"), List.of("Server"), Map.of())),
                Optional.of(new BodyRules(Map.of("route", "{id}"), List.of("internal")))));
        FakeExchange ex = FakeExchange.get("/x").pathParams(Map.of("id", "9"));
        assertThat(f.onRequest(ex)).isEqualTo(Decision.proceed());
        ex.response(new FakeResponse(200)
                .headers(FakeHeaders.of("Server", "nginx", "Content-Type", "application/problem+json"))
                .body(FakeBody.of("{\"internal\":1,\"ok\":true}")));
        f.onResponse(ex);
        assertThat(ex.fakeResponse().headers().contains("Server")).isFalse();
        assertThat(ex.fakeResponse().headers().first("X-Served-By")).contains("portico");
        assertThat(ex.fakeResponse().fakeBody().peek()).isEqualTo("{\"ok\":true,\"route\":\"9\"}");
    }

    @Test
    void requestOnlyConfigLeavesTheResponseAlone() {
        GatewayFilter f = filter(request(null, null, "/v2", null), null);
        FakeExchange ex = FakeExchange.get("/x");
        f.onRequest(ex);
        ex.response(new FakeResponse(200).body(FakeBody.of("{}")));
        f.onResponse(ex);
        assertThat(ex.fakeResponse().fakeBody().reads()).isZero();
        assertThat(ex.fakeResponse().headers().names()).isEmpty();
    }
}
