package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawClient;
import io.portico.core.testing.RawUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Route selection and path handling through a running gateway, with real upstreams on port 0. */
class RoutingThroughGatewayTest {
    private static RawUpstream exact;
    private static RawUpstream param;
    private static RawUpstream rest;
    private static RawUpstream other;
    private static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        exact = new RawUpstream(RawUpstream.ok("exact"));
        param = new RawUpstream(RawUpstream.ok("param"));
        rest = new RawUpstream(RawUpstream.ok("rest"));
        other = new RawUpstream(RawUpstream.ok("other"));
        gw = GatewayFixture.start("""
                upstreams:
                  exact: { targets: [ "%s" ] }
                  param: { targets: [ "%s" ] }
                  rest:  { targets: [ "%s" ] }
                  other: { targets: [ "%s" ] }
                routes:
                  - id: catch-all
                    match: { path: /api/** }
                    upstream: rest
                    strip-prefix: /api
                  - id: by-id
                    match: { path: "/api/orders/{id}" }
                    upstream: param
                    strip-prefix: /api
                  - id: special
                    match: { path: /api/orders/special }
                    upstream: exact
                  - id: v2-only
                    match: { path: /api/items/**, headers: { X-Api-Version: "2" } }
                    upstream: other
                  - id: host-route
                    match: { path: /site/**, host: "*.example.com" }
                    upstream: other
                  - id: post-only
                    match: { path: /submit, methods: [ POST ] }
                    upstream: other
                  - id: query-route
                    match: { path: /search, query: { debug: "*", mode: "full text" } }
                    upstream: other
                  - id: raw
                    match: { path: /raw/** }
                    upstream: exact
                """.formatted(exact.url(), param.url(), rest.url(), other.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        for (RawUpstream u : new RawUpstream[] {exact, param, rest, other}) {
            u.close();
        }
    }

    @Test
    void exactBeatsParameterBeatsCatchAllRegardlessOfDeclarationOrder() throws Exception {
        assertThat(gw.get("/api/orders/special").body()).isEqualTo("exact");
        assertThat(exact.take().target()).isEqualTo("/api/orders/special");

        assertThat(gw.get("/api/orders/42").body()).isEqualTo("param");
        assertThat(param.take().target()).isEqualTo("/orders/42");

        assertThat(gw.get("/api/orders/42/lines").body()).isEqualTo("rest");
        assertThat(rest.take().target()).isEqualTo("/orders/42/lines");
    }

    @Test
    void stripPrefixOfTheWholePathLeavesRoot() throws Exception {
        assertThat(gw.get("/api").body()).isEqualTo("rest");
        assertThat(rest.take().target()).isEqualTo("/");
    }

    @Test
    void headerPredicateFallsThroughWhenItDoesNotHold() throws Exception {
        assertThat(gw.get("/api/items/1", "X-Api-Version", "2").body()).isEqualTo("other");
        other.take();
        assertThat(gw.get("/api/items/1", "X-Api-Version", "1").body()).isEqualTo("rest");
        assertThat(rest.take().target()).isEqualTo("/items/1");
    }

    @Test
    void hostPredicateMatchesSubdomainsOnly() throws Exception {
        var yes = RawClient.exchange(gw.port(), "GET /site/a HTTP/1.1\r\nHost: shop.example.com:8080\r\nConnection: close\r\n\r\n", 3000);
        assertThat(yes.status()).isEqualTo(200);
        assertThat(yes.body()).isEqualTo("other");
        other.take();
        var no = RawClient.exchange(gw.port(), "GET /site/a HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", 3000);
        assertThat(no.status()).isEqualTo(404);
    }

    @Test
    void methodPredicate() throws Exception {
        assertThat(gw.get("/submit").statusCode()).isEqualTo(404);
        var post = RawClient.exchange(gw.port(),
                "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", 3000);
        assertThat(post.status()).isEqualTo(200);
        assertThat(other.take().bodyText()).isEqualTo("hi");
    }

    @Test
    void queryPredicateComparesDecodedValues() throws Exception {
        assertThat(gw.get("/search?debug&mode=full+text").statusCode()).isEqualTo(200);
        assertThat(other.take().target()).isEqualTo("/search?debug&mode=full+text");
        assertThat(gw.get("/search?debug=1&mode=full%20text").statusCode()).isEqualTo(200);
        other.take();
        assertThat(gw.get("/search?mode=full+text").statusCode()).isEqualTo(404);
    }

    @Test
    void noMatchIsProblemJson404WithRequestId() throws Exception {
        HttpResponse<String> r = gw.get("/nowhere");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(r.body()).contains("\"status\":404", "\"instance\":\"" + id + "\"", "\"type\":\"urn:portico:problem:");
    }

    @Test
    void pathAndQueryAreForwardedByteExact() throws Exception {
        var r = RawClient.exchange(gw.port(),
                "GET /raw/p%2Fq/a%20b?x=1&y=%20z&q=a+b&flag HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(exact.take().requestLine()).isEqualTo("GET /raw/p%2Fq/a%20b?x=1&y=%20z&q=a+b&flag HTTP/1.1");
    }

    @Test
    void upstreamReceivesTheNormalizedPath() throws Exception {
        var r = RawClient.exchange(gw.port(),
                "GET /raw/a/./b/../c//d/%7Euser HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(exact.take().target()).isEqualTo("/raw/a/c/d/~user");
    }

    @Test
    void encodedDotSegmentsCannotEscapeIntoAnotherRoute() throws Exception {
        // /raw/%2e%2e/api/orders/special would become /api/orders/special (route 'special') if decoded
        var r = RawClient.exchange(gw.port(),
                "GET /raw/%2e%2e/api/orders/special HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3000);
        assertThat(r.status()).isEqualTo(200);
        assertThat(exact.take().target()).isEqualTo("/api/orders/special");

        var climb = RawClient.exchange(gw.port(), "GET /raw/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        assertThat(climb.status()).isEqualTo(400);
        assertThat(climb.header("Content-Type")).isEqualTo("application/problem+json");

        var nul = RawClient.exchange(gw.port(), "GET /raw/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
        assertThat(nul.status()).isEqualTo(400);
        assertThat(exact.poll(200)).isNull();
    }

    @Test
    void encodedSlashStaysOpaqueAndNeverSplitsSegments() throws Exception {
        // one segment "42%2Fx": the parameter route does not match two segments, so the catch-all takes it
        assertThat(gw.get("/api/orders/42%2Fx").body()).isEqualTo("param");
        assertThat(param.take().target()).isEqualTo("/orders/42%2Fx");
    }
}
