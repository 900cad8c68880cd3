package io.portico.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.portico.core.Gateway;
import io.portico.core.chain.FilterFactoryLookup;
import io.portico.core.config.ConfigLoader;
import io.portico.core.config.GatewayConfig;
import io.portico.core.config.TelemetryConfig;
import io.portico.core.testing.RawUpstream;
import io.portico.core.testing.MiniJson;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON access log of a real gateway: fields and values, no secrets, off, and a blocked sink. */
class AccessLogTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> closing = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private RawUpstream upstream(RawUpstream.Responder r) throws IOException {
        RawUpstream u = new RawUpstream(r);
        closing.add(u);
        return u;
    }

    private GatewayConfig config(String telemetry, RawUpstream up) throws Exception {
        return ConfigLoader.withSystemEnv().parse(String.join("\n",
                "server: { port: 0 }",
                telemetry,
                "upstreams:",
                "  up: { targets: [ \"" + up.url() + "\" ] }",
                "routes:",
                "  - id: api",
                "    match: { path: /api/** }",
                "    upstream: up",
                ""), "portico.yaml", dir);
    }

    private HttpResponse<String> send(Gateway g, String method, String pathAndQuery, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            out.add((Map<String, Object>) MiniJson.parse(line));
        }
        return out;
    }

    @Test
    void oneJsonLinePerRequestWithEveryFieldAndNoSecret() throws Exception {
        byte[] big = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        RawUpstream up = upstream((r, out, s) -> {
            byte[] b = r.target().startsWith("/api/big") ? big : "hello".getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
        });
        GatewayConfig cfg = config("telemetry: { access-log: logs/access.log }", up);
        Path file = dir.resolve("logs/access.log");
        assertThat(cfg.telemetry().accessLog().file()).isEqualTo(file.toAbsolutePath().normalize());
        Gateway g = Gateway.start(cfg);
        try {
            long started = System.currentTimeMillis();
            assertThat(send(g, "GET", "/api/secret?api_key=zzz&x=1", null, "Authorization", "Bearer secret-token",
                    "X-Api-Key", "k-123", "Cookie", "session=cookie-secret", "User-Agent", "tester/1.0 \"q\" \\ (x)",
                    "X-Request-Id", "req-1").statusCode()).isEqualTo(200);
            assertThat(send(g, "POST", "/api/post", "hello body", "X-Request-Id", "req-2").statusCode()).isEqualTo(200);
            assertThat(send(g, "GET", "/api/big", null, "X-Request-Id", "req-3").body()).hasSize(big.length);
            assertThat(send(g, "GET", "/nowhere?token=abc", null, "X-Request-Id", "req-4").statusCode()).isEqualTo(404);
            g.stop(); // drains and flushes the log
            String raw = Files.readString(file, StandardCharsets.UTF_8);
            for (String secret : List.of("secret-token", "k-123", "zzz", "cookie-secret", "api_key", "abc", "Bearer")) {
                assertThat(raw).as("secret " + secret).doesNotContain(secret);
            }
            List<Map<String, Object>> lines = lines(file);
            assertThat(lines).hasSize(4);
            for (Map<String, Object> l : lines) {
                assertThat(l.keySet()).containsExactlyElementsOf(TelemetryConfig.ACCESS_LOG_FIELDS);
                long t = Instant.parse((String) l.get("time")).toEpochMilli();
                assertThat(t).isBetween(started - 1000, System.currentTimeMillis());
                assertThat(l.get("client_ip")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
                assertThat(l.get("trace_id")).isNull();
                assertThat(((Number) l.get("duration_ms")).doubleValue()).isGreaterThanOrEqualTo(0);
            }
            Map<String, Object> first = lines.get(0);
            assertThat(first).containsEntry("request_id", "req-1").containsEntry("method", "GET")
                    .containsEntry("path", "/api/secret").containsEntry("route", "api").containsEntry("upstream", "up")
                    .containsEntry("target", "127.0.0.1:" + up.port()).containsEntry("status", 200L)
                    .containsEntry("bytes_in", 0L)
                    .containsEntry("user_agent", "tester/1.0 \"q\" \\ (x)").containsEntry("consumer", null);
            assertThat(first).containsEntry("bytes_out", 5L);
            assertThat(((Number) first.get("upstream_ms")).doubleValue())
                    .isLessThanOrEqualTo(((Number) first.get("duration_ms")).doubleValue());
            assertThat(lines.get(1)).containsEntry("request_id", "req-2").containsEntry("method", "POST")
                    .containsEntry("bytes_in", 10L);
            assertThat(lines.get(1)).containsEntry("bytes_out", 5L);
            assertThat(lines.get(2)).containsEntry("request_id", "req-3");
            assertThat(lines.get(2)).as("a streamed body counts the bytes written")
                    .containsEntry("bytes_out", (long) big.length);
            assertThat(lines.get(3)).containsEntry("request_id", "req-4").containsEntry("path", "/nowhere")
                    .containsEntry("route", null).containsEntry("upstream", null).containsEntry("target", null)
                    .containsEntry("upstream_ms", null).containsEntry("status", 404L);
            assertThat((Long) lines.get(3).get("bytes_out")).isPositive(); // the problem+json body
        } finally {
            g.stop();
        }
    }

    @Test
    void aResponseCutOffMidStreamIsLoggedWithTheBytesThatWentOut() throws Exception {
        RawUpstream up = upstream((r, out, sock) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[50_000]);
            out.flush();
            sock.close(); // half the declared body, then gone
        });
        Gateway g = Gateway.start(config("telemetry: { access-log: cut.log }", up));
        try {
            try {
                send(g, "GET", "/api/cut", null, "X-Request-Id", "req-cut");
            } catch (IOException expected) {
                // the client sees the connection closed before the declared length
            }
        } finally {
            g.stop();
        }
        List<Map<String, Object>> lines = lines(dir.resolve("cut.log"));
        assertThat(lines).singleElement().satisfies(l -> {
            assertThat(l).containsEntry("request_id", "req-cut").containsEntry("status", 200L)
                    .containsEntry("upstream", "up");
            assertThat((Long) l.get("bytes_out")).as("what was written before the cut").isEqualTo(50_000L);
        });
    }

    @Test
    void aFieldSubsetKeepsTheConfiguredOrder() throws Exception {
        RawUpstream up = upstream(RawUpstream.ok("hi"));
        Gateway g = Gateway.start(config("telemetry: { access-log: a.log, access-log-fields: [ status, path, method ] }", up));
        try {
            assertThat(send(g, "GET", "/api/q?secret=1", null).statusCode()).isEqualTo(200);
        } finally {
            g.stop();
        }
        assertThat(Files.readString(dir.resolve("a.log"))).isEqualTo("{\"status\":200,\"path\":\"/api/q\",\"method\":\"GET\"}\n");
    }

    @Test
    void offWritesNothing() throws Exception {
        RawUpstream up = upstream(RawUpstream.ok("hi"));
        Gateway g = Gateway.start(config("telemetry: { access-log: off }", up));
        try {
            assertThat(g.telemetry().accessLog()).isNull();
            assertThat(send(g, "GET", "/api/q", null).statusCode()).isEqualTo(200);
        } finally {
            g.stop();
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aBlockedSinkNeverStallsRequestsAndDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        OutputStream blocked = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        GatewayMetrics metrics = new GatewayMetrics();
        AccessLog log = new AccessLog(blocked, false, TelemetryConfig.ACCESS_LOG_FIELDS, 1, metrics);
        Telemetry telemetry = new Telemetry(metrics, log, List.of());
        RawUpstream up = upstream(RawUpstream.ok("hi"));
        Gateway g = Gateway.start(config("", up), FilterFactoryLookup.none(), telemetry);
        int n = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            assertThat(send(g, "GET", "/api/first", null).statusCode()).isEqualTo(200);
            assertThat(writing.await(10, TimeUnit.SECONDS)).as("the writer is stuck in the sink").isTrue();
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> send(g, "GET", "/api/x", null).statusCode()));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(200); // all complete while the sink is blocked
            }
            PromText p = PromText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
            // long-polled: the last records are offered just after the responses
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.valueOr0("portico_access_log_dropped_total") < n - 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                p = PromText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
            }
            // one record is being written (blocked), one fits the queue: every other is dropped and counted
            assertThat(p.valueOr0("portico_access_log_dropped_total")).isBetween((double) n - 1, (double) n);
        } finally {
            release.countDown();
            pool.shutdownNow();
            g.stop();
        }
    }
}
