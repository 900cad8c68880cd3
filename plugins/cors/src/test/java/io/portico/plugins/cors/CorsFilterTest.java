package io.portico.plugins.cors;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Decision;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.plugins.testkit.FakeExchange;
import io.portico.plugins.testkit.FakeFilterContext;
import io.portico.plugins.testkit.FakeHeaders;
import io.portico.plugins.testkit.FakeRequest;
import io.portico.plugins.testkit.FakeResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CorsFilterTest {
    private final CorsFilterFactory factory = new CorsFilterFactory();

    private GatewayFilter filter(List<String> origins, List<String> headers, boolean credentials) {
        CorsConfig c = new CorsConfig(origins, List.of(), headers, List.of("X-Total-Count"), credentials,
                Optional.of(Duration.ofMinutes(10)));
        return factory.create(c, new FakeFilterContext("cors"));
    }

    private static FakeExchange request(String method, String... headers) {
        return new FakeExchange(new FakeRequest(method, "/api/x").headers(FakeHeaders.of(headers)));
    }

    private static Map<String, String> headersOf(Decision d) {
        return ((Decision.Respond) d).headers().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a + "|" + b));
    }

    /** Runs onRequest, then onResponse on a 200 upstream response (or the filter's own answer). */
    private static FakeResponse exchange(GatewayFilter f, FakeExchange ex) {
        Decision d = f.onRequest(ex);
        ex.response(d instanceof Decision.Respond r ? FakeResponse.of(r) : new FakeResponse(200));
        f.onResponse(ex);
        return ex.fakeResponse();
    }

    @Test
    void factoryDescribesItself() {
        assertThat(factory.type()).isEqualTo("cors");
        assertThat(factory.phase()).isEqualTo(Phase.AUTHENTICATE);
        assertThat(factory.configType()).isEqualTo(CorsConfig.class);
    }

    @Test
    void preflightFromAnAllowedOriginIsAnswered204() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        FakeExchange ex = request("OPTIONS", "Origin", "https://APP.example.com:443",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type, x-api-key");
        Decision d = f.onRequest(ex);
        assertThat(d).isInstanceOf(Decision.Respond.class);
        assertThat(((Decision.Respond) d).status()).isEqualTo(204);
        assertThat(headersOf(d)).containsEntry("Access-Control-Allow-Origin", "https://APP.example.com:443")
                .containsEntry("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE")
                .containsEntry("Access-Control-Allow-Headers", "content-type, x-api-key")
                .containsEntry("Access-Control-Max-Age", "600")
                .containsEntry("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
                .doesNotContainKey("Access-Control-Allow-Credentials");

        ex.response(FakeResponse.of((Decision.Respond) d));
        f.onResponse(ex);
        assertThat(ex.fakeResponse().headers().all("Vary")).hasSize(1);
        assertThat(ex.fakeResponse().headers().all("Access-Control-Allow-Origin")).hasSize(1);
    }

    @Test
    void preflightFromAnotherOriginIs403Problem() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        Decision d = f.onRequest(request("OPTIONS", "Origin", "https://evil.example",
                "Access-Control-Request-Method", "GET"));
        Decision.Respond r = (Decision.Respond) d;
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.problem().slug()).isEqualTo("cors-denied");
        assertThat(headersOf(d)).doesNotContainKey("Access-Control-Allow-Origin");
    }

    @Test
    void preflightForAMethodOrHeaderNotAllowedIs403() {
        CorsConfig c = new CorsConfig(List.of("*"), List.of("get", "post"), List.of("Content-Type"), List.of(),
                false, Optional.empty());
        GatewayFilter f = factory.create(c, new FakeFilterContext("cors"));
        Decision.Respond method = (Decision.Respond) f.onRequest(request("OPTIONS", "Origin", "https://a.example",
                "Access-Control-Request-Method", "DELETE"));
        assertThat(method.status()).isEqualTo(403);
        assertThat(method.problem().detail()).contains("method");

        Decision.Respond header = (Decision.Respond) f.onRequest(request("OPTIONS", "Origin", "https://a.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,x-secret"));
        assertThat(header.status()).isEqualTo(403);
        assertThat(header.problem().detail()).contains("header");

        Decision ok = f.onRequest(request("OPTIONS", "Origin", "https://a.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "CONTENT-TYPE"));
        assertThat(headersOf(ok)).containsEntry("Access-Control-Allow-Origin", "*")
                .containsEntry("Access-Control-Allow-Methods", "GET, POST")
                .containsEntry("Access-Control-Allow-Headers", "Content-Type")
                .doesNotContainKey("Access-Control-Max-Age");
    }

    @Test
    void actualRequestFromAnAllowedOriginGetsHeadersOnTheResponse() {
        GatewayFilter f = filter(List.of("https://app.example.com", "http://localhost:3000"), List.of(), true);
        FakeExchange ex = request("GET", "Origin", "http://localhost:3000");
        assertThat(f.onRequest(ex)).isEqualTo(Decision.proceed());
        ex.response(new FakeResponse(200).headers(FakeHeaders.of("Vary", "Accept-Encoding",
                "Access-Control-Allow-Origin", "*")));
        f.onResponse(ex);
        FakeHeaders h = (FakeHeaders) ex.fakeResponse().headers();
        assertThat(h.all("Access-Control-Allow-Origin")).containsExactly("http://localhost:3000");
        assertThat(h.all("Access-Control-Allow-Credentials")).containsExactly("true");
        assertThat(h.all("Access-Control-Expose-Headers")).containsExactly("X-Total-Count");
        assertThat(h.all("Vary")).containsExactly("Accept-Encoding", "Origin");
    }

    @Test
    void actualRequestFromAnotherOriginGetsNoCorsHeadersButVary() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        FakeResponse r = exchange(f, request("POST", "Origin", "https://evil.example"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().names()).containsExactly("Vary");
        assertThat(r.headers().all("Vary")).containsExactly("Origin");
    }

    @Test
    void requestsWithoutOriginAreUntouchedApartFromVary() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        FakeResponse r = exchange(f, request("GET"));
        assertThat(r.headers().contains("Access-Control-Allow-Origin")).isFalse();
        assertThat(r.headers().all("Vary")).containsExactly("Origin");
    }

    @Test
    void wildcardWithoutCredentialsAnswersStarAndNeedsNoVary() {
        GatewayFilter f = filter(List.of("*"), List.of(), false);
        FakeResponse r = exchange(f, request("GET", "Origin", "https://anyone.example"));
        assertThat(r.headers().all("Access-Control-Allow-Origin")).containsExactly("*");
        assertThat(r.headers().contains("Vary")).isFalse();
    }

    @Test
    void wildcardWithCredentialsReflectsTheOrigin() {
        GatewayFilter f = filter(List.of("*"), List.of(), true);
        FakeResponse r = exchange(f, request("GET", "Origin", "https://anyone.example"));
        assertThat(r.headers().all("Access-Control-Allow-Origin")).containsExactly("https://anyone.example");
        assertThat(r.headers().all("Access-Control-Allow-Credentials")).containsExactly("true");
        assertThat(r.headers().all("Vary")).containsExactly("Origin");

        FakeResponse opaque = exchange(f, request("GET", "Origin", "null"));
        assertThat(opaque.headers().contains("Access-Control-Allow-Origin")).isFalse();
    }

    @Test
    void optionsWithoutRequestMethodIsNotAPreflight() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        assertThat(f.onRequest(request("OPTIONS", "Origin", "https://app.example.com"))).isEqualTo(Decision.proceed());
    }

    @Test
    void existingVaryStarIsKept() {
        GatewayFilter f = filter(List.of("https://app.example.com"), List.of(), false);
        FakeExchange ex = request("GET", "Origin", "https://app.example.com");
        f.onRequest(ex);
        ex.response(new FakeResponse(200).headers(FakeHeaders.of("Vary", "*")));
        f.onResponse(ex);
        assertThat(ex.fakeResponse().headers().all("Vary")).containsExactly("*");
    }
}
