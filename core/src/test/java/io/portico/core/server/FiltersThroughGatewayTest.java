package io.portico.core.server;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.testing.TestFilterFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Filter chains through a running gateway with real upstreams; filters bound from YAML by the loader. */
class FiltersThroughGatewayTest {
    private final TestFilterFactories filters = new TestFilterFactories();
    private RawUpstream upstream;
    private GatewayFixture gw;

    @AfterEach
    void stop() throws IOException {
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String serverExtra, String globalFilters, String routeFilters) throws IOException {
        if (upstream == null) {
            upstream = new RawUpstream(RawUpstream.ok("hello"));
        }
        gw = GatewayFixture.start("""
                server: { port: 0%s }
                upstreams:
                  up: { targets: [ "%s" ] }
                filters: %s
                routes:
                  - id: items
                    match: { path: "/api/items/{id}" }
                    upstream: up
                    strip-prefix: /api
                    filters: %s
                  - id: plain
                    match: { path: /plain/** }
                    upstream: up
                """.formatted(serverExtra, upstream.url(), globalFilters, routeFilters), filters);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return gw.http().send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestChangesReachTheUpstream() throws Exception {
        start("", "[]", """
                
                      - type: tweak
                        set-headers: { X-Added: yes, Accept: text/special }
                        remove-headers: [ X-Secret ]
                        set-query: { page: "2 of 3" }
                        remove-query: [ debug ]
                        path: "/v2/items/{id}"
                        upper-body: true
                """);
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/42?debug=1&keep=a+b"))
                .header("X-Secret", "s").header("Accept", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello body")));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("hello");
        RawUpstream.Received got = upstream.take();
        assertThat(got.target()).isEqualTo("/v2/items/42?keep=a+b&page=2%20of%203");
        assertThat(got.header("X-Added")).isEqualTo("yes");
        assertThat(got.headerValues("Accept")).containsExactly("text/special");
        assertThat(got.header("X-Secret")).isNull();
        assertThat(got.bodyText()).isEqualTo("HELLO BODY");
        assertThat(got.header("Content-Length")).isEqualTo("10");
        assertThat(got.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(got.header("X-Request-Id")).isEqualTo(res.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void untouchedRequestsAreForwardedAsWithoutFilters() throws Exception {
        start("", "[ { type: tag, value: g } ]", "[]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/7?q=%41+b"))
                .POST(HttpRequest.BodyPublishers.ofString("raw")));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("X-Tag")).contains("g");
        RawUpstream.Received got = upstream.take();
        assertThat(got.target()).isEqualTo("/items/7?q=%41+b");
        assertThat(got.bodyText()).isEqualTo("raw");

        // a route without filters (and no global ones would mean no chain): the global tag applies here too
        assertThat(gw.get("/plain/x").headers().firstValue("X-Tag")).contains("g");
    }

    @Test
    void aDecisionAnswersAtOnceAndEarlierFiltersSeeTheAnswer() throws Exception {
        start("", "[ { type: tag, value: g }, { type: audit } ]", "[ { type: deny, unless: X-Pass }, { type: tweak, set-headers: { X-Never: x } } ]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(res.statusCode()).isEqualTo(403);
        String id = res.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(res.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(res.headers().firstValue("X-Tag")).contains("g");
        assertThat(res.body()).isEqualTo("{\"type\":\"urn:portico:problem:denied\",\"title\":\"Forbidden\",\"status\":403,"
                + "\"detail\":\"Denied by the test filter.\",\"instance\":\"" + id + "\"}");
        assertThat(upstream.poll(200)).isNull();
        assertThat(filters.completed.poll(5, TimeUnit.SECONDS)).isEqualTo("items 403");

        var ok = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).header("X-Pass", "1").GET());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(upstream.take().header("X-Never")).isEqualTo("x");
        assertThat(filters.completed.poll(5, TimeUnit.SECONDS)).isEqualTo("items 200");
    }

    @Test
    void aDecisionWithTheRequestBodyUnreadClosesTheConnection() throws Exception {
        start("", "[]", "[ { type: deny, unless: X-Pass } ]");
        try (var s = new java.net.Socket("127.0.0.1", gw.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST /api/items/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 403").containsIgnoringCase("Connection: close");
        }
    }

    @Test
    void responseChangesReachTheClient() throws Exception {
        upstream = new RawUpstream((r, out, s) -> {
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                    + "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        start("", "[]", "[ { type: tweak, status: 201, response-header: \"X-Res: done\", wrap-response: true } ]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(res.statusCode()).isEqualTo(201);
        assertThat(res.body()).isEqualTo("[abcdef]");
        assertThat(res.headers().firstValue("Content-Length")).contains("8");
        assertThat(res.headers().firstValue("Transfer-Encoding")).isEmpty();
        assertThat(res.headers().firstValue("X-Res")).contains("done");
        assertThat(res.headers().firstValue("Content-Type")).contains("text/plain");
        assertThat(res.headers().firstValue("Server")).contains("portico");
    }

    @Test
    void aFailingFilterAnswers500NamingItUnlessItFailsOpen() throws Exception {
        start("", "[]", "[ { type: boom } ]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.body()).contains("urn:portico:problem:filter-error").contains("The filter 'boom' failed.")
                .doesNotContain("secret").doesNotContain("Exception");
        assertThat(upstream.poll(200)).isNull();
        gw.close();

        start("", "[]", "[ { type: boom, on-error: fail-open } ]");
        assertThat(send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET()).statusCode()).isEqualTo(200);
        gw.close();

        start("", "[]", "[ { type: boom, when: response } ]");
        var late = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(late.statusCode()).isEqualTo(500);
        assertThat(late.body()).contains("The filter 'boom' failed.");
        // the connection stays usable afterwards
        assertThat(send(HttpRequest.newBuilder(gw.uri("/plain/ok")).GET()).body()).isEqualTo("hello");
    }

    @Test
    void onCompleteSeesTheStatusTheClientGotWhenTheUpstreamFails() throws Exception {
        upstream = new RawUpstream();
        String url = upstream.url();
        upstream.close();
        gw = GatewayFixture.start("""
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - id: down
                    match: { path: /** }
                    upstream: up
                    filters: [ { type: audit } ]
                """.formatted(url), filters);
        upstream = null;
        assertThat(gw.get("/x").statusCode()).isEqualTo(502);
        assertThat(filters.completed.poll(5, TimeUnit.SECONDS)).isEqualTo("down 502");
    }

    @Test
    void aBodyOverTheLimitReadByAFilterIs413() throws Exception {
        start(", max-body-size: 1KB", "[]", "[ { type: tweak, upper-body: true } ]");
        byte[] big = new byte[4096];
        java.util.Arrays.fill(big, (byte) 'a');
        // no declared length: chunked, so only reading it finds the size
        var publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(big));
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).POST(publisher));
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(res.body()).contains("payload-too-large");
        assertThat(upstream.poll(200)).isNull();
    }

    @Test
    void aReloadBuildsNewChainsAndARefusedOneKeepsTheOld() throws Exception {
        start("", "[]", "[ { type: tag, value: one } ]");
        assertThat(gw.get("/api/items/1").headers().firstValue("X-Tag")).contains("one");
        String next = """
                server: { port: 0 }
                upstreams:
                  up: { targets: [ "%s" ] }
                routes:
                  - id: items
                    match: { path: "/api/items/{id}" }
                    upstream: up
                    filters: %s
                """;
        var loader = GatewayFixture.loader(filters);
        gw.gateway().apply(loader.parse(next.formatted(upstream.url(), "[ { type: tag, value: two } ]"),
                "test.yaml", java.nio.file.Path.of(".")));
        assertThat(gw.get("/api/items/1").headers().firstValue("X-Tag")).contains("two");

        var cyclic = loader.parse(next.formatted(upstream.url(), """
                
                      - { type: tweak, before: [ tag ] }
                      - { type: tag, value: three }
                """), "test.yaml", java.nio.file.Path.of("."));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.gateway().apply(cyclic))
                .isInstanceOf(io.portico.core.chain.ChainException.class)
                .hasMessageContaining("test.yaml:9: filter 'tweak' (phase transform) cannot run before 'tag',"
                        + " which runs in phase authenticate");
        assertThat(gw.get("/api/items/1").headers().firstValue("X-Tag")).contains("two");
        assertThat(gw.gateway().snapshot().chain("plain")).isNull();
    }

    @Test
    void anUpstreamBodyOverTheLimitIs502EvenWhenTheFilterCatchesIt() throws Exception {
        upstream = new RawUpstream(RawUpstream.ok("x".repeat(3000)));
        start(", max-body-size: 1KB", "[]", "[ { type: tweak, peek-response: true } ]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.body()).contains("upstream-response-too-large").contains("1024 bytes");
        gw.close();

        start(", max-body-size: 1KB", "[]", "[ { type: tweak, wrap-response: true } ]");
        var uncaught = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(uncaught.statusCode()).isEqualTo(502);
        assertThat(send(HttpRequest.newBuilder(gw.uri("/plain/x")).GET()).body()).hasSize(3000);
    }

    @Test
    void headRequestsAndLargeUntouchedBodiesStreamThroughAChain() throws Exception {
        upstream = new RawUpstream(RawUpstream.ok("y".repeat(100_000)));
        start("", "[ { type: tag, value: g } ]", "[]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/1")).GET());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).hasSize(100_000);
        assertThat(res.headers().firstValue("Content-Length")).contains("100000");
        var head = gw.http().send(HttpRequest.newBuilder(gw.uri("/api/items/1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("100000");
        assertThat(head.headers().firstValue("X-Tag")).contains("g");
    }

    @Test
    void theExchangeDescribesTheRequest() throws Exception {
        start(", trusted-proxies: [ 127.0.0.1/32, 10.0.0.0/8 ]", "[]", "[ { type: tweak, echo: true } ]");
        var res = send(HttpRequest.newBuilder(gw.uri("/api/items/a%20b"))
                .header("X-Forwarded-For", "203.0.113.7, 10.1.2.3").GET());
        assertThat(res.statusCode()).isEqualTo(200);
        RawUpstream.Received got = upstream.take();
        assertThat(got.header("X-Echo-Ip")).isEqualTo("203.0.113.7");
        assertThat(got.header("X-Echo-Params")).isEqualTo("{id=a b}");
        assertThat(got.header("X-Echo-Path")).isEqualTo("/api/items/a%20b -> /items/a%20b");
        assertThat(got.header("X-Echo-Route")).isEqualTo("items GET");
        // forwarding headers are still the gateway's
        assertThat(got.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 10.1.2.3, 127.0.0.1");
    }

    @Test
    void withoutFiltersThereAreNoChainsAndWithThemEveryImplementedCallIsTimed() throws Exception {
        start("", "[]", "[]");
        assertThat(gw.gateway().snapshot().chains()).isEmpty();
        assertThat(gw.get("/api/items/1").statusCode()).isEqualTo(200);
        gw.close();

        start("", "[]", "[ { type: tag, value: t } ]");
        assertThat(gw.gateway().snapshot().chains()).containsOnlyKeys("items");
        for (int i = 0; i < 3; i++) {
            assertThat(gw.get("/api/items/1").statusCode()).isEqualTo(200);
        }
        var stats = gw.gateway().snapshot().chain("items").get(0).stats();
        assertThat(stats.calls(io.portico.core.chain.FilterStats.Callback.REQUEST)).isEqualTo(3);
        assertThat(stats.calls(io.portico.core.chain.FilterStats.Callback.RESPONSE)).isEqualTo(3);
        // 'tag' keeps the default onComplete: a default callback is neither called nor timed
        Thread.sleep(200);
        assertThat(stats.calls(io.portico.core.chain.FilterStats.Callback.COMPLETE)).isZero();
    }
}
