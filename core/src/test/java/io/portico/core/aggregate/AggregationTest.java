package io.portico.core.aggregate;

import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.MiniJson;
import io.portico.core.testing.RawUpstream;
import io.portico.core.testing.TestFilterFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Aggregate routes end to end: a real gateway and three real upstreams on free ports. */
class AggregationTest {
    private RawUpstream users;
    private RawUpstream orders;
    private RawUpstream prefs;
    private GatewayFixture gw;

    @BeforeEach
    void upstreams() throws IOException {
        users = new RawUpstream(json(0, "{\"id\":\"u1\",\"name\":\"Ann\",\"accountId\":\"acc-7\"}"));
        orders = new RawUpstream(json(0, "[{\"id\":1},{\"id\":2}]"));
        prefs = new RawUpstream(json(0, "{\"theme\":\"dark\"}"));
    }

    @AfterEach
    void stop() throws IOException {
        if (gw != null) {
            gw.close();
        }
        users.close();
        orders.close();
        prefs.close();
    }

    /** Answers {@code body} as JSON after {@code delayMs}. */
    static RawUpstream.Responder json(int delayMs, String body) {
        return answer(delayMs, 200, "application/json", body);
    }

    static RawUpstream.Responder answer(int delayMs, int status, String type, String body) {
        return (r, out, s) -> {
            sleep(delayMs);
            write(out, status, type, body);
        };
    }

    static void write(OutputStream out, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String upstreamsYaml() {
        return "upstreams:\n"
                + "  users: { targets: [ \"" + users.url() + "\" ] }\n"
                + "  orders: { targets: [ \"" + orders.url() + "\" ] }\n"
                + "  prefs: { targets: [ \"" + prefs.url() + "\" ] }\n";
    }

    private GatewayFixture start(String aggregateYaml) {
        return start("", aggregateYaml);
    }

    private GatewayFixture start(String routeExtra, String aggregateYaml) {
        gw = GatewayFixture.start(upstreamsYaml()
                + "routes:\n"
                + "  - id: dashboard\n"
                + "    match: { path: \"/api/dashboard/{userId}\" }\n"
                + routeExtra
                + "    aggregate:\n" + aggregateYaml);
        return gw;
    }

    private static final String THREE_PARTS = ""
            + "      parts:\n"
            + "        - { name: user, upstream: users, path: \"/users/{userId}\" }\n"
            + "        - { name: orders, upstream: orders, path: \"/orders?user={userId}\" }\n"
            + "        - { name: prefs, upstream: prefs, path: \"/prefs/{userId}\" }\n";

    @Test
    void partsRunInParallelAndMergeUnderTheirNames() throws Exception {
        // each upstream holds its answer until all three requests are in flight: only a parallel fan-out passes
        CountDownLatch allIn = new CountDownLatch(3);
        AtomicInteger overlapped = new AtomicInteger();
        for (RawUpstream u : List.of(users, orders, prefs)) {
            String body = u == users ? "{\"name\":\"Ann\"}" : u == orders ? "[1,2]" : "{\"theme\":\"dark\"}";
            u.responder((r, out, s) -> {
                allIn.countDown();
                try {
                    if (allIn.await(2, TimeUnit.SECONDS)) {
                        overlapped.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                write(out, 200, "application/json", body);
            });
        }
        start(THREE_PARTS);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(overlapped.get()).isEqualTo(3);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.headers().firstValue("Portico-Partial")).isEmpty();
        assertThat(res.body()).isEqualTo("{\"user\":{\"name\":\"Ann\"},\"orders\":[1,2],\"prefs\":{\"theme\":\"dark\"}}");
        assertThat(users.take().target()).isEqualTo("/users/u1");
        assertThat(orders.take().target()).isEqualTo("/orders?user=u1");
        assertThat(prefs.take().target()).isEqualTo("/prefs/u1");
    }

    @Test
    void threePartsOf200msTakeLessThan350msTogether() throws Exception {
        users.responder(json(200, "{\"a\":1}"));
        orders.responder(json(200, "{\"b\":2}"));
        prefs.responder(json(200, "{\"c\":3}"));
        start(THREE_PARTS);
        assertThat(gw.get("/api/dashboard/u1").statusCode()).isEqualTo(200); // connections, class loading
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> res = gw.get("/api/dashboard/u1");
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
            assertThat(res.statusCode()).isEqualTo(200);
        }
        assertThat(best).as("ms for three 200 ms parts").isBetween(200L, 349L);
    }

    @Test
    void aPartWaitsForItsDependencyAndReadsItsAnswer() throws Exception {
        users.responder(json(100, "{\"id\":\"u1\",\"account\":{\"id\":\"acc 7/x\"}}"));
        orders.responder((r, out, s) -> write(out, 200, "application/json", "{\"balance\":12.5}"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: account, upstream: orders, path: "/accounts/{user.account.id}", after: user }
                """);
        long t0 = System.nanoTime();
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(100);
        assertThat(orders.take().target()).isEqualTo("/accounts/acc%207%2Fx");
        assertThat(res.body()).isEqualTo("{\"user\":{\"id\":\"u1\",\"account\":{\"id\":\"acc 7/x\"}},"
                + "\"account\":{\"balance\":12.5}}");
    }

    @Test
    void deepMergeFoldsInPartOrderAndReportsConflicts() throws Exception {
        users.responder(json(150, "{\"id\":\"u1\",\"name\":\"Ann\",\"tags\":[\"a\"],\"profile\":{\"city\":\"Oslo\"}}"));
        orders.responder(json(0, "{\"name\":\"Annie\",\"tags\":[\"b\"],\"profile\":{\"zip\":\"0150\"},\"id\":\"u1\"}"));
        prefs.responder(json(50, "{\"profile\":{\"city\":\"Bergen\"},\"_portico\":\"mine\"}"));
        start("""
                      merge: deep-merge
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/o" }
                        - { name: prefs, upstream: prefs, path: "/p" }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"id\":\"u1\",\"name\":\"Annie\",\"tags\":[\"a\",\"b\"],"
                + "\"profile\":{\"city\":\"Bergen\",\"zip\":\"0150\"},"
                + "\"_portico\":{\"conflicts\":["
                + "{\"path\":\"/name\",\"parts\":[\"user\",\"orders\"],\"winner\":\"orders\"},"
                + "{\"path\":\"/profile/city\",\"parts\":[\"user\",\"prefs\"],\"winner\":\"prefs\"}]}}");
    }

    @Test
    void aFailedOptionalPartStillAnswers200AndIsReported() throws Exception {
        orders.responder(answer(0, 500, "application/json", "{\"error\":\"boom\"}"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders", optional: true }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Portico-Partial")).hasValue("true");
        assertThat(res.body()).isEqualTo("{\"user\":{\"id\":\"u1\",\"name\":\"Ann\",\"accountId\":\"acc-7\"},"
                + "\"_portico\":{\"errors\":[{\"part\":\"orders\",\"status\":500,\"title\":\"upstream answered 500\"}]}}");
    }

    @Test
    void aFailedRequiredPartIsA502NamingIt() throws Exception {
        orders.responder(answer(0, 503, "text/plain", "down"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders" }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        Map<String, Object> p = MiniJson.object(res.body());
        assertThat(p.get("type")).isEqualTo("urn:portico:problem:aggregate-part-failed");
        assertThat(p.get("detail")).isEqualTo("Part 'orders' failed: upstream answered 503.");
        assertThat(res.body()).doesNotContain("127.0.0.1").doesNotContain(String.valueOf(orders.port()));
    }

    @Test
    void aPartPastItsTimeoutIsCancelled() throws Exception {
        CountDownLatch sawClose = new CountDownLatch(1);
        orders.responder((r, out, s) -> {
            if (waitForEof(s, 5000)) {
                sawClose.countDown();
            }
        });
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders", timeout: 150ms }
                """);
        long t0 = System.nanoTime();
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat(MiniJson.object(res.body()).get("detail")).isEqualTo("Part 'orders' failed: no answer within 150 ms.");
        assertThat(ms).isLessThan(2000);
        assertThat(sawClose.await(3, TimeUnit.SECONDS)).as("the upstream saw its connection closed").isTrue();
    }

    @Test
    void anOptionalPartPastItsTimeoutLeavesAPartialAnswer() throws Exception {
        orders.responder(json(3000, "{}"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders", timeout: 100ms, optional: true }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Portico-Partial")).hasValue("true");
        assertThat(MiniJson.at(MiniJson.parse(res.body()), "_portico", "errors", 0))
                .isEqualTo(Map.of("part", "orders", "status", 504L, "title", "no answer within 100 ms"));
    }

    @Test
    void theRouteTimeoutBoundsTheWholeFanOut() throws Exception {
        users.responder(json(100, "{\"id\":\"u1\"}"));
        orders.responder(json(3000, "{}"));
        start("    timeout: 300ms\n", """
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders/{user.id}", after: user }
                """);
        long t0 = System.nanoTime();
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(504);
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 2000L);
        assertThat(MiniJson.object(res.body()).get("detail")).isEqualTo("Part 'orders' failed: the route's timeout passed.");
    }

    @Test
    void aClientThatGoesAwayCancelsEveryOutstandingPart() throws Exception {
        CountDownLatch arrived = new CountDownLatch(3);
        CountDownLatch closed = new CountDownLatch(3);
        for (RawUpstream u : List.of(users, orders, prefs)) {
            u.responder((r, out, s) -> {
                arrived.countDown();
                if (waitForEof(s, 8000)) {
                    closed.countDown();
                }
            });
        }
        start(THREE_PARTS);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            client.getOutputStream().write(("GET /api/dashboard/u1 HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertThat(arrived.await(3, TimeUnit.SECONDS)).isTrue();
        } // the client closes its connection with all three parts outstanding
        assertThat(closed.await(3, TimeUnit.SECONDS)).as("every upstream saw its request cancelled").isTrue();
        // the gateway keeps serving
        users.responder(json(0, "{}"));
        orders.responder(json(0, "[]"));
        prefs.responder(json(0, "{}"));
        assertThat(gw.get("/api/dashboard/u1").statusCode()).isEqualTo(200);
    }

    @Test
    void pipelinedRequestsAfterAnAggregateAreAnsweredInOrder() throws Exception {
        users.responder(json(100, "{}")); // long enough for the client connection to be watched
        start(THREE_PARTS);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), gw.port())) {
            client.setSoTimeout(5000);
            // both requests in one write: the second is on the connection while the first fans out
            client.getOutputStream().write(("GET /api/dashboard/u1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /api/dashboard/u2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            String all = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all.split("HTTP/1.1 200 ", -1)).hasSize(3);
        }
        assertThat(List.of(users.take().target(), users.take().target())).containsExactly("/users/u1", "/users/u2");
    }

    @Test
    void theGatewayStopsPromptlyWithAKeptAliveConnectionAfterAnAggregate() throws Exception {
        users.responder(json(100, "{}")); // long enough for the client connection to be watched
        start(THREE_PARTS);
        assertThat(gw.get("/api/dashboard/u1").statusCode()).isEqualTo(200); // the connection stays open, idle
        long t0 = System.nanoTime();
        gw.close();
        gw = null;
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to stop (the drain must not wait for idle connections)")
                .isLessThan(5_000);
    }

    @Test
    void theRoutesFiltersRunOnceAroundTheFanOut() throws Exception {
        TestFilterFactories filters = new TestFilterFactories();
        gw = GatewayFixture.start(upstreamsYaml() + """
                routes:
                  - id: dashboard
                    match: { path: "/api/dashboard/{userId}" }
                    filters:
                      - { type: deny, unless: X-Let-In }
                      - { type: tweak, set-headers: { X-Added: "yes" }, set-query: { page: "7" }, response-header: "X-Done: 1" }
                      - { type: audit }
                    aggregate:
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}?page={query.page}" }
                        - { name: prefs, upstream: prefs, path: "/prefs/{userId}" }
                """, filters);
        HttpResponse<String> denied = gw.get("/api/dashboard/u1");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(users.poll(200)).as("a request the chain answers fans out to nothing").isNull();
        assertThat(filters.completed.poll(2, TimeUnit.SECONDS)).isEqualTo("dashboard 403");

        HttpResponse<String> res = gw.get("/api/dashboard/u1?page=1", "X-Let-In", "1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("X-Done")).as("onResponse ran on the merged answer").hasValue("1");
        RawUpstream.Received u = users.take();
        assertThat(u.target()).isEqualTo("/users/u1?page=7");
        assertThat(u.header("X-Added")).isEqualTo("yes");
        assertThat(prefs.take().header("X-Added")).isEqualTo("yes");
        assertThat(filters.completed.poll(2, TimeUnit.SECONDS)).isEqualTo("dashboard 200");
        assertThat(filters.completed.poll(200, TimeUnit.MILLISECONDS)).as("onComplete ran once").isNull();
    }

    @Test
    void templatesEncodeRouteParamsAndQueryValues() throws Exception {
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}?page={query.page}&q={query.q}",
                            headers: { X-User: "{userId}", X-Page: "p{query.page}" } }
                        - { name: dots, upstream: orders, path: "/x/{query.dir}/y" }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/a%20b?page=2&q=x%26y%3Dz&dir=..");
        assertThat(res.statusCode()).isEqualTo(200);
        RawUpstream.Received r = users.take();
        assertThat(r.target()).isEqualTo("/users/a%20b?page=2&q=x%26y%3Dz");
        assertThat(r.header("X-User")).isEqualTo("a b");
        assertThat(r.header("X-Page")).isEqualTo("p2");
        assertThat(r.header("Accept")).isEqualTo("application/json");
        assertThat(r.header("X-Request-Id")).isNotBlank();
        assertThat(orders.take().target()).isEqualTo("/x/%2E%2E/y");
    }

    @Test
    void aPartRequestCarriesTheClientsHeadersButNotItsContentNegotiation() throws Exception {
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}", headers: { Accept: application/vnd.api+json } }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1", "Authorization", "Bearer t0k", "Accept-Encoding", "gzip",
                "If-None-Match", "\"v1\"", "Accept", "text/html");
        assertThat(res.statusCode()).isEqualTo(200);
        RawUpstream.Received r = users.take();
        assertThat(r.header("Authorization")).isEqualTo("Bearer t0k");
        assertThat(r.headerValues("Accept")).containsExactly("application/vnd.api+json");
        assertThat(r.headerValues("Accept-Encoding")).containsExactly("identity");
        assertThat(r.header("If-None-Match")).isNull();
        assertThat(r.header("Host")).isEqualTo("127.0.0.1:" + users.port());
        assertThat(r.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    @Test
    void aNonJsonPartIsRejected() throws Exception {
        orders.responder(answer(0, 200, "text/html", "<html>hi</html>"));
        prefs.responder(answer(0, 200, "application/json", "{\"a\":1} trailing"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders", optional: true }
                        - { name: prefs, upstream: prefs, path: "/prefs", optional: true }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(MiniJson.at(MiniJson.parse(res.body()), "_portico", "errors")).isEqualTo(List.of(
                Map.of("part", "orders", "status", 502L, "title", "the answer is not JSON (Content-Type text/html)"),
                Map.of("part", "prefs", "status", 502L, "title", "the answer is not valid JSON")));

        gw.close();
        start("""
                      parts:
                        - { name: orders, upstream: orders, path: "/orders" }
                """);
        HttpResponse<String> required = gw.get("/api/dashboard/u1");
        assertThat(required.statusCode()).isEqualTo(502);
        assertThat(MiniJson.object(required.body()).get("detail"))
                .isEqualTo("Part 'orders' failed: the answer is not JSON (Content-Type text/html).");
    }

    @Test
    void extractTakesASubTreeAndADependentOfAFailedPartFailsWith424() throws Exception {
        users.responder(json(0, "{\"data\":{\"user\":{\"id\":\"u1\"}},\"meta\":{}}"));
        orders.responder(answer(0, 404, "application/json", "{}"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}", extract: /data/user }
                        - { name: orders, upstream: orders, path: "/orders", optional: true }
                        - { name: prefs, upstream: prefs, path: "/prefs/{orders.id}", after: orders, optional: true }
                """);
        HttpResponse<String> res = gw.get("/api/dashboard/u1");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"user\":{\"id\":\"u1\"},\"_portico\":{\"errors\":["
                + "{\"part\":\"orders\",\"status\":404,\"title\":\"upstream answered 404\"},"
                + "{\"part\":\"prefs\",\"status\":424,\"title\":\"depends on part 'orders', which failed\"}]}}");
        assertThat(prefs.poll(200)).as("a part whose dependency failed is never sent").isNull();
    }

    @Test
    void partsAreCountedInTheMetrics() throws Exception {
        orders.responder(answer(0, 500, "application/json", "{}"));
        start("""
                      parts:
                        - { name: user, upstream: users, path: "/users/{userId}" }
                        - { name: orders, upstream: orders, path: "/orders", optional: true }
                """);
        assertThat(gw.get("/api/dashboard/u1").statusCode()).isEqualTo(200);
        String metrics = new String(gw.gateway().telemetry().metrics().scrape(), StandardCharsets.UTF_8);
        assertThat(metrics).contains("portico_aggregate_parts_total{outcome=\"ok\",part=\"user\",route=\"dashboard\"} 1.0")
                .contains("portico_aggregate_parts_total{outcome=\"status\",part=\"orders\",route=\"dashboard\"} 1.0")
                .contains("portico_aggregate_part_duration_seconds_count{part=\"user\",route=\"dashboard\"} 1");
    }

    /** Blocks until the peer closes {@code s} (true) or {@code millis} pass (false). */
    static boolean waitForEof(Socket s, int millis) {
        try {
            s.setSoTimeout(millis);
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (IOException e) {
            return !(e instanceof java.net.SocketTimeoutException);
        }
    }
}
