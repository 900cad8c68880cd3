package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.admin.AdminServer;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.AdminConfig;
import io.portico.core.testing.GatewayFixture;
import io.portico.core.testing.RawUpstream;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real gateway and a real admin listener: requests of each status class move the right series of a
 * strictly parsed {@code /metrics} scrape.
 */
class MetricsEndpointTest {
    private static final String TOKEN = "metrics-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RawUpstream upstream;
    private GatewayFixture gw;
    private AdminServer admin;

    /** {@code count}: counts each request (plugin-reported counter) and names the consumer from X-User. */
    record CountConfig() {
    }

    static final class Count implements FilterFactory<CountConfig> {
        @Override
        public String type() {
            return "count";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHENTICATE;
        }

        @Override
        public Class<CountConfig> configType() {
            return CountConfig.class;
        }

        @Override
        public GatewayFilter create(CountConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    context.metrics().increment("seen");
                    ex.request().headers().first("X-User")
                            .ifPresent(u -> ex.consumer(new Consumer(u, Set.of(), Map.of())));
                    return Decision.proceed();
                }
            };
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.stop();
        }
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start() throws Exception {
        upstream = new RawUpstream(RawUpstream.ok("hello"));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        FilterFactoryLookup filters = type -> type.equals("count") ? new Count() : null;
        gw = GatewayFixture.start(String.join("\n",
                "telemetry: { access-log: off }",
                "upstreams:",
                "  up: { targets: [ \"" + upstream.url() + "\" ] }",
                "  down: { targets: [ \"http://127.0.0.1:" + closed + "\" ] }",
                "routes:",
                "  - id: api",
                "    match: { path: /api/** }",
                "    upstream: up",
                "    filters: [ { type: count } ]",
                "  - id: broken",
                "    match: { path: /broken/** }",
                "    upstream: down",
                ""), filters);
        admin = AdminServer.start(new AdminConfig("127.0.0.1", 0, TOKEN), () -> true,
                gw.gateway().telemetry().metrics());
    }

    private HttpResponse<String> scrapeRaw(String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private PromText scrape() throws Exception {
        HttpResponse<String> r = scrapeRaw("Authorization", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        return PromText.parse(r.body());
    }

    /** The completion hook runs just after the last byte: wait until the scrape shows what was sent. */
    private PromText scrapeUntil(Predicate<PromText> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        PromText p = scrape();
        while (!done.test(p) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            p = scrape();
        }
        return p;
    }

    private int send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static final String REQ = "portico_requests_total";

    @Test
    void countersMoveByRouteMethodAndStatusClass() throws Exception {
        start();
        PromText before = scrape();
        assertThat(before.types).containsEntry("portico_requests_in_flight", "gauge")
                .containsEntry("portico_target_healthy", "gauge")
                .containsEntry("portico_circuit_state", "gauge")
                .containsEntry("portico_access_log_dropped_total", "counter");
        // the JVM collectors are registered off the start-up path: they appear shortly after start
        PromText jvm = before;
        for (long end = System.nanoTime() + 10_000_000_000L; jvm.value("jvm_threads_current") == null
                && System.nanoTime() < end; ) {
            Thread.sleep(50);
            jvm = scrape();
        }
        assertThat(jvm.value("jvm_threads_current")).as("JVM metrics").isNotNull();
        assertThat(jvm.series("jvm_memory_used_bytes")).isNotEmpty();
        String target = "127.0.0.1:" + upstream.port();
        assertThat(before.value("portico_target_healthy", "upstream", "up", "target", target)).isEqualTo(1.0);
        assertThat(before.value("portico_circuit_state", "upstream", "up", "target", target)).isEqualTo(0.0);

        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/api/x", "X-User", "alice")).isEqualTo(200);
        }
        assertThat(send("DELETE", "/api/y")).isEqualTo(200);
        assertThat(send("GET", "/nowhere")).isEqualTo(404);
        assertThat(send("GET", "/nowhere/else")).isEqualTo(404);
        assertThat(send("PROPFIND", "/nowhere")).isEqualTo(404);
        int broken = send("GET", "/broken/z");
        assertThat(broken).isIn(502, 503);

        PromText after = scrapeUntil(p -> p.valueOr0(REQ, "route", "broken", "method", "GET", "status_class", "5xx") >= 1
                && p.valueOr0(REQ, "route", "api", "method", "GET", "status_class", "2xx") >= 3
                && p.valueOr0(REQ, "route", "none", "method", "other", "status_class", "4xx") >= 1
                && p.valueOr0(REQ, "route", "none", "method", "GET", "status_class", "4xx") >= 2
                && p.valueOr0(REQ, "route", "api", "method", "DELETE", "status_class", "2xx") >= 1);
        assertThat(after.types).containsEntry("portico_requests_total", "counter")
                .containsEntry("portico_request_duration_seconds", "histogram")
                .containsEntry("portico_upstream_request_duration_seconds", "histogram")
                .containsEntry("portico_upstream_errors_total", "counter")
                .containsEntry("portico_plugin_events_total", "counter");
        assertThat(after.valueOr0(REQ, "route", "api", "method", "GET", "status_class", "2xx")).isEqualTo(3.0);
        assertThat(after.valueOr0(REQ, "route", "api", "method", "DELETE", "status_class", "2xx")).isEqualTo(1.0);
        assertThat(after.valueOr0(REQ, "route", "none", "method", "GET", "status_class", "4xx")).isEqualTo(2.0);
        assertThat(after.valueOr0(REQ, "route", "none", "method", "other", "status_class", "4xx")).isEqualTo(1.0);
        assertThat(after.valueOr0(REQ, "route", "broken", "method", "GET", "status_class", "5xx")).isEqualTo(1.0);
        assertThat(after.series(REQ).keySet()).as("the raw path is never a label")
                .allSatisfy(l -> assertThat(l.keySet()).containsExactlyInAnyOrder("route", "method", "status_class"));
        assertThat(after.samples).noneMatch(s -> s.labels().containsValue("/api/x") || s.labels().containsValue("PROPFIND"));

        // histograms: one observation per request of the route, and per upstream attempt of the target
        assertThat(after.valueOr0("portico_request_duration_seconds_count", "route", "api")).isEqualTo(4.0);
        assertThat(after.valueOr0("portico_request_duration_seconds_bucket", "route", "api", "le", "+Inf")).isEqualTo(4.0);
        assertThat(after.valueOr0("portico_request_duration_seconds_count", "route", "none")).isEqualTo(3.0);
        assertThat(after.valueOr0("portico_upstream_request_duration_seconds_count", "upstream", "up", "target", target))
                .isEqualTo(4.0);
        assertThat(after.valueOr0("portico_upstream_request_duration_seconds_sum", "upstream", "up", "target", target))
                .isGreaterThan(0.0);
        String downTarget = after.series("portico_upstream_errors_total").keySet().stream()
                .filter(l -> l.get("upstream").equals("down")).map(l -> l.get("target")).findFirst().orElseThrow();
        assertThat(after.valueOr0("portico_upstream_errors_total", "upstream", "down", "target", downTarget, "kind", "connect"))
                .isGreaterThanOrEqualTo(1.0);
        assertThat(after.valueOr0("portico_upstream_errors_total", "upstream", "up", "target", target, "kind", "connect"))
                .isEqualTo(0.0);

        // filter stats and plugin-reported counters of the route's chain
        assertThat(after.valueOr0("portico_filter_invocations_total", "route", "api", "filter", "count")).isEqualTo(4.0);
        assertThat(after.valueOr0("portico_filter_errors_total", "route", "api", "filter", "count")).isEqualTo(0.0);
        assertThat(after.valueOr0("portico_filter_duration_seconds_count", "route", "api", "filter", "count")).isEqualTo(4.0);
        assertThat(after.valueOr0("portico_plugin_events_total", "filter", "count", "route", "api", "name", "seen"))
                .isEqualTo(4.0);
        assertThat(after.value("portico_requests_in_flight")).isEqualTo(0.0);
    }

    @Test
    void metricsNeedTheAdminToken() throws Exception {
        start();
        HttpResponse<String> none = scrapeRaw();
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("portico_requests");
        assertThat(scrapeRaw("Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(scrapeRaw("Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }
}
