package io.portico.core.admin;

import static io.portico.core.testing.MiniJson.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.AdminConfig;
import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;
import io.portico.core.testing.TestFilterFactories;
import io.portico.core.testing.MiniJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin API and readiness through a real gateway, real upstreams and a real admin listener. */
class AdminApiTest {
    private static final String TOKEN = "adm-tok-123";
    private static final String KEY_HASH = "sha256:" + "ab12".repeat(16);
    private static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final boolean[] sick = {false};
    private RawUpstream upstream;
    private GatewayFixture gateway;
    private AdminServer admin;

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.stop();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** {@code secretive}: a filter with secret-looking options, to see they never leave redacted. */
    public record SecretiveConfig(String secret, String jwksUrl, Optional<Boolean> stripToken) {
    }

    static final class Secretive implements FilterFactory<SecretiveConfig> {
        @Override
        public String type() {
            return "secretive";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHENTICATE;
        }

        @Override
        public Class<SecretiveConfig> configType() {
            return SecretiveConfig.class;
        }

        @Override
        public GatewayFilter create(SecretiveConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    return Decision.proceed();
                }
            };
        }
    }

    private static final FilterFactoryLookup FILTERS = new FilterFactoryLookup() {
        final TestFilterFactories tests = new TestFilterFactories();
        final Secretive secretive = new Secretive();

        @Override
        public FilterFactory<?> factory(String type) {
            return type.equals("secretive") ? secretive : tests.factory(type);
        }
    };

    private void start(boolean readyNeedsTargets) throws Exception {
        upstream = new RawUpstream((req, out, s) -> {
            boolean health = req.target().startsWith("/health");
            String status = health && sick[0] ? "500 Internal Server Error" : "200 OK";
            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway = GatewayFixture.start("""
                admin: { token: "%s", ready-requires-healthy-targets: %s }
                redis: { url: "redis://:redis-pass-9@127.0.0.1:6379/0" }
                consumers:
                  - { id: app, api-keys: [ "%s" ], groups: [ partners ] }
                upstreams:
                  up:
                    targets: [ { url: "%s", weight: 3 } ]
                    health: { active: { path: /health, interval: 100ms, timeout: 500ms, healthy: 1, unhealthy: 1 } }
                    circuit-breaker: { failure-ratio: 0.5, window: 10, open-for: 10s }
                    retries: { attempts: 1 }
                  extra: { targets: [ "%s" ] }
                filters:
                  - { type: tag, value: global }
                routes:
                  - id: api
                    match: { path: /api/**, methods: [ GET, POST ], query: { v: "2" } }
                    upstream: up
                    strip-prefix: /api
                    timeout: 1500ms
                    filters:
                      - { type: secretive, secret: "hs-secret-42", jwks-url: "http://user:pw-77@id.example/jwks", strip-token: true }
                  - id: dash
                    match: { path: "/dash/{id}" }
                    aggregate:
                      merge: deep-merge
                      parts:
                        - { name: a, upstream: up, path: "/a/{id}" }
                        - { name: b, upstream: extra, path: "/b?x={a.x}", after: a, optional: true, timeout: 300ms,
                            extract: /data, headers: { Authorization: "Bearer s3cr3t-part-token" } }
                """.formatted(TOKEN, readyNeedsTargets, KEY_HASH, upstream.url(), upstream.url()), FILTERS);
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, TOKEN, readyNeedsTargets),
                AdminSources.of(gateway.gateway(), null, null, GatewayFixture.loader(FILTERS)));
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> getJson(String path) throws Exception {
        HttpResponse<String> r = send("GET", path, null, AUTH);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        return MiniJson.object(r.body());
    }

    private static void await(BooleanSupplier cond, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within " + millis + " ms");
            }
            Thread.sleep(20);
        }
    }

    private int readyStatus() {
        try {
            return send("GET", "/health/ready", null).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyAdminEndpointNeedsTheToken() throws Exception {
        start(true);
        String[][] endpoints = {{"GET", "/admin/routes"}, {"GET", "/admin/upstreams"}, {"GET", "/admin/plugins"},
                {"GET", "/admin/scripts"}, {"GET", "/admin/config"}, {"POST", "/admin/config/validate"},
                {"GET", "/admin/nothing-here"}};
        for (String[] e : endpoints) {
            String body = e[0].equals("POST") ? "routes: []" : null;
            for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong-token"}}) {
                HttpResponse<String> r = send(e[0], e[1], body, headers);
                assertThat(r.statusCode()).as(e[1] + " " + String.join(" ", headers)).isEqualTo(401);
                assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains(AdminServer.REALM);
                assertThat(r.body()).doesNotContain("upstreams", "hs-secret");
            }
            HttpResponse<String> ok = send(e[0], e[1], body, AUTH);
            assertThat(ok.statusCode()).as(e[1]).isEqualTo(e[1].endsWith("nothing-here") ? 404 : 200);
        }
        // probes need no token
        assertThat(send("GET", "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
    }

    @Test
    void routesShowMatchUpstreamAndTheChainInOrderWithPhases() throws Exception {
        start(true);
        Map<String, Object> doc = getJson("/admin/routes");
        assertThat((List<?>) at(doc, "routes")).hasSize(2);
        // an aggregate route: no upstream, its merge and parts as configured, header values redacted
        Object dash = at(doc, "routes", 1);
        assertThat(at(dash, "id")).isEqualTo("dash");
        assertThat(at(dash, "upstream")).isNull();
        assertThat(at(dash, "aggregate", "merge")).isEqualTo("deep-merge");
        assertThat(at(dash, "aggregate", "parts", 0, "path")).isEqualTo("/a/{id}");
        Object b = at(dash, "aggregate", "parts", 1);
        assertThat(at(b, "upstream")).isEqualTo("extra");
        assertThat(at(b, "path")).isEqualTo("/b?x={a.x}");
        assertThat(at(b, "after")).isEqualTo(List.of("a"));
        assertThat(at(b, "optional")).isEqualTo(true);
        assertThat(at(b, "timeout")).isEqualTo("300ms");
        assertThat(at(b, "extract")).isEqualTo("/data");
        assertThat(at(b, "method")).isEqualTo("GET");
        assertThat(at(b, "headers", "Authorization")).isNotEqualTo("Bearer s3cr3t-part-token");
        assertThat(MiniJson.parse(send("GET", "/admin/routes", null, AUTH).body()).toString()).doesNotContain("s3cr3t");
        Object route = at(doc, "routes", 0);
        assertThat(at(route, "id")).isEqualTo("api");
        assertThat(at(route, "match", "path")).isEqualTo("/api/**");
        assertThat(at(route, "match", "methods")).isEqualTo(List.of("GET", "POST"));
        assertThat(at(route, "match", "query")).isEqualTo(Map.of("v", "2"));
        assertThat(at(route, "match", "host")).isNull();
        assertThat(at(route, "upstream")).isEqualTo("up");
        assertThat(at(route, "strip-prefix")).isEqualTo("/api");
        assertThat(at(route, "timeout")).isEqualTo("1500ms");
        // the chain in effect: the global filter first, then the route's own, each with its phase
        assertThat(at(route, "chain", 0, "type")).isEqualTo("tag");
        assertThat(at(route, "chain", 1, "type")).isEqualTo("secretive");
        assertThat(at(route, "chain", 1, "phase")).isEqualTo("authenticate");
        assertThat((List<?>) at(route, "chain")).hasSize(2);
        assertThat(at(route, "filters", 0, "secret")).isEqualTo(Redaction.REDACTED);
    }

    @Test
    void upstreamsShowTargetsWithLiveState() throws Exception {
        start(true);
        gateway.get("/api/x?v=2"); // one request through
        Map<String, Object> doc = getJson("/admin/upstreams");
        Object up = at(doc, "upstreams", "up");
        assertThat(at(up, "balancer")).isEqualTo("round-robin");
        assertThat(at(up, "timeouts", "response")).isEqualTo("30s");
        assertThat(at(up, "retries", "attempts")).isEqualTo(1L);
        assertThat(at(up, "circuit-breaker", "open-for")).isEqualTo("10s");
        Object target = at(up, "targets", 0);
        assertThat(at(target, "url")).isEqualTo(upstream.url());
        assertThat(at(target, "weight")).isEqualTo(3L);
        assertThat(at(target, "health")).isEqualTo("healthy");
        assertThat(at(target, "ejected")).isEqualTo(false);
        assertThat(at(target, "circuit")).isEqualTo("closed");
        assertThat(at(target, "inFlight")).isEqualTo(0L);
        assertThat(at(target, "available")).isEqualTo(true);

        sick[0] = true;
        await(() -> !gateway.gateway().snapshot().upstreams().get("up").targets().get(0).health().healthy(), 3_000);
        Object down = at(getJson("/admin/upstreams"), "upstreams", "up", "targets", 0);
        assertThat(at(down, "health")).isEqualTo("unhealthy");
        assertThat(at(down, "available")).isEqualTo(false);
    }

    @Test
    void pluginsAndScriptsAreListsEvenWhenEmpty() throws Exception {
        start(true);
        assertThat(getJson("/admin/plugins")).isEqualTo(Map.of("plugins", List.of()));
        assertThat(getJson("/admin/scripts")).isEqualTo(Map.of("scripts", List.of()));
    }

    @Test
    void readinessFollowsTheUpstreamsTargets() throws Exception {
        start(true);
        await(() -> readyStatus() == 200, 3_000);
        Map<String, Object> up = MiniJson.object(send("GET", "/health/ready", null).body());
        assertThat(at(up, "status")).isEqualTo("UP");
        assertThat(at(up, "checks", "serving", "status")).isEqualTo("UP");
        assertThat(at(up, "checks", "config", "status")).isEqualTo("UP");
        assertThat(at(up, "checks", "upstreams", "upstreams", "up", "available")).isEqualTo(1L);
        // the upstreams of an aggregate route's parts count too
        assertThat(at(up, "checks", "upstreams", "upstreams", "extra", "available")).isEqualTo(1L);

        sick[0] = true; // the only target fails its active checks
        await(() -> readyStatus() == 503, 3_000);
        HttpResponse<String> r = send("GET", "/health/ready", null);
        Map<String, Object> down = MiniJson.object(r.body());
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(at(down, "status")).isEqualTo("DOWN");
        assertThat(at(down, "checks", "upstreams", "status")).isEqualTo("DOWN");
        assertThat(at(down, "checks", "upstreams", "upstreams", "up", "status")).isEqualTo("DOWN");
        assertThat(at(down, "checks", "serving", "status")).isEqualTo("UP");
        assertThat(send("GET", "/health/live", null).statusCode()).as("live is not readiness").isEqualTo(200);

        sick[0] = false; // back
        await(() -> readyStatus() == 200, 3_000);

        gateway.gateway().stop(); // draining: never ready
        HttpResponse<String> draining = send("GET", "/health/ready", null);
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(at(MiniJson.object(draining.body()), "checks", "serving", "status")).isEqualTo("DOWN");
    }

    @Test
    void anOpenCircuitOnTheOnlyTargetMakesTheInstanceUnready() throws Exception {
        upstream = new RawUpstream((req, out, s) -> {
            out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
        gateway = GatewayFixture.upstream("[ \"" + upstream.url() + "\" ]",
                "circuit-breaker: { failure-ratio: 0.5, window: 2, open-for: 30s }");
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, TOKEN),
                AdminSources.of(gateway.gateway(), null, null, GatewayFixture.loader(FILTERS)));
        assertThat(readyStatus()).isEqualTo(200);
        gateway.get("/a");
        gateway.get("/b"); // two failures of a window of two: the circuit opens
        Object target = at(getJson("/admin/upstreams"), "upstreams", "up", "targets", 0);
        assertThat(at(target, "circuit")).isEqualTo("open");
        assertThat(at(target, "health")).as("no active checks").isEqualTo("unknown");
        assertThat(at(target, "available")).isEqualTo(false);
        HttpResponse<String> r = send("GET", "/health/ready", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(at(MiniJson.object(r.body()), "checks", "upstreams", "upstreams", "up", "available")).isEqualTo(0L);
    }

    @Test
    void readinessCanIgnoreTargetsButStillReportsThem() throws Exception {
        start(false);
        sick[0] = true;
        await(() -> !gateway.gateway().snapshot().upstreams().get("up").targets().get(0).health().healthy(), 3_000);
        HttpResponse<String> r = send("GET", "/health/ready", null);
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Object> doc = MiniJson.object(r.body());
        assertThat(at(doc, "status")).isEqualTo("UP");
        assertThat(at(doc, "checks", "upstreams", "status")).isEqualTo("DOWN");
        assertThat(at(doc, "checks", "upstreams", "required")).isEqualTo(false);
    }

    @Test
    void configIsTheEffectiveOneWithSecretsRedacted() throws Exception {
        start(true);
        HttpResponse<String> r = send("GET", "/admin/config", null, AUTH);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(TOKEN, "hs-secret-42", "ab12ab12", "redis-pass-9", "pw-77", "user:");
        Map<String, Object> doc = MiniJson.object(r.body());
        assertThat(at(doc, "admin", "token")).isEqualTo(Redaction.REDACTED);
        assertThat(at(doc, "admin", "ready-requires-healthy-targets")).isEqualTo(true);
        assertThat(at(doc, "redis", "url")).isEqualTo("redis://<redacted>@127.0.0.1:6379/0");
        assertThat(at(doc, "consumers", 0, "id")).isEqualTo("app");
        assertThat(at(doc, "consumers", 0, "groups")).isEqualTo(List.of("partners"));
        assertThat(at(doc, "consumers", 0, "api-keys", "count")).isEqualTo(1L);
        Object filter = at(doc, "routes", 0, "filters", 0);
        assertThat(at(filter, "type")).isEqualTo("secretive");
        assertThat(at(filter, "secret")).isEqualTo(Redaction.REDACTED);
        assertThat(at(filter, "jwks-url")).isEqualTo("http://<redacted>@id.example/jwks");
        assertThat(at(filter, "strip-token")).as("a boolean is no secret").isEqualTo(true);
        assertThat(at(doc, "filters", 0, "value")).isEqualTo("global");
        assertThat(at(doc, "upstreams", "up", "targets", 0, "weight")).isEqualTo(3L);
        assertThat(at(doc, "server", "port")).isEqualTo(0L);
    }

    @Test
    void validateAnswersErrorsWithLinesUsingTheRunningFilterTypes() throws Exception {
        start(true);
        String valid = """
                upstreams:
                  a: { targets: [ "http://127.0.0.1:1" ] }
                routes:
                  - { id: r, match: { path: /r }, upstream: a, filters: [ { type: tag, value: v } ] }
                """;
        HttpResponse<String> ok = send("POST", "/admin/config/validate", valid, AUTH);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(MiniJson.object(ok.body())).isEqualTo(Map.of("valid", true, "errors", List.of()));

        String invalid = """
                upstreams:
                  a: { targets: [ "http://127.0.0.1:1" ] }
                routes:
                  - id: r
                    match: { path: /r }
                    upstream: nowhere
                  - id: s
                    match: { path: /s }
                    upstream: a
                    filters:
                      - { type: tag, colour: blue }
                """;
        HttpResponse<String> bad = send("POST", "/admin/config/validate", invalid, AUTH);
        assertThat(bad.statusCode()).isEqualTo(200);
        Map<String, Object> doc = MiniJson.object(bad.body());
        assertThat(at(doc, "valid")).isEqualTo(false);
        List<?> errors = (List<?>) at(doc, "errors");
        assertThat(errors).hasSizeGreaterThanOrEqualTo(2);
        assertThat(errors).anySatisfy(e -> {
            assertThat(at(e, "file")).isEqualTo(ValidateEndpoint.FILE_NAME);
            assertThat(at(e, "line")).isEqualTo(6L);
            assertThat((String) at(e, "key")).contains("upstream");
            assertThat((String) at(e, "message")).contains("nowhere");
        });
        // the filter's options are bound to its config record: an unknown option is an error at its line
        assertThat(errors).anySatisfy(e -> {
            assertThat(at(e, "line")).isEqualTo(11L);
            assertThat(at(e, "key")).isEqualTo("routes[1].filters[0].colour");
        });
        assertThat(errors).anySatisfy(e -> assertThat(at(e, "key")).isEqualTo("routes[1].filters[0].value"));
        // unknown filter type (not in the running registry)
        HttpResponse<String> unknownType = send("POST", "/admin/config/validate",
                "filters: [ { type: no-such-filter } ]\n", AUTH);
        assertThat(at(MiniJson.object(unknownType.body()), "errors", 0, "line")).isEqualTo(1L);
        // not YAML at all is still an answer, not a 500
        HttpResponse<String> garbage = send("POST", "/admin/config/validate", "{ [ : :", AUTH);
        assertThat(garbage.statusCode()).isEqualTo(200);
        assertThat(at(MiniJson.object(garbage.body()), "valid")).isEqualTo(false);
    }

    @Test
    void validateRefusesOversizedBodiesAndOtherMethods() throws Exception {
        start(true);
        String big = "# " + "x".repeat(ValidateEndpoint.MAX_BYTES) + "\n";
        // Expect: 100-continue, as a client sending a large body should: the 413 comes before the body is sent
        // (without it the answer races the client's upload on a connection the server closes)
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                        + "/admin/config/validate")).timeout(Duration.ofSeconds(10)).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(big)).headers(AUTH).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");

        HttpResponse<String> get = send("GET", "/admin/config/validate", null, AUTH);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).contains("POST");
        HttpResponse<String> post = send("POST", "/admin/routes", "x", AUTH);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Content-Type")).contains("application/problem+json");
        HttpResponse<String> none = send("GET", "/admin/nope", null, AUTH);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
        // the listener still works after the refused body
        assertThat(send("GET", "/admin/routes", null, AUTH).statusCode()).isEqualTo(200);
    }
}
