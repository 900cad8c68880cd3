package io.portico.dist;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tracing with the real jwt-auth plugin jar: a request authenticated by jwt-auth, passed through a script and
 * retried after a refused connection is exported to a real OTLP/HTTP receiver as one trace with the right tree.
 */
class TracingIT {
    private static final HexFormat HEX = HexFormat.of();
    private static final String SECRET = "it-secret-0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void jwtAuthScriptAndRetryInOneTrace() throws Exception {
        List<Span> spans = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/v1/traces", ex -> {
            try (ex) {
                ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes());
                for (ResourceSpans rs : req.getResourceSpansList()) {
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        spans.addAll(ss.getSpansList());
                    }
                }
                ex.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        int refused;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/mark.js"),
                "export default { phase: 'transform', onRequest(req, ctx) { ctx.span.setAttribute('marked', 'yes'); } };");
        try (EchoUpstream upstream = new EchoUpstream();
             PluginGateway gateway = PluginGateway.start(dir, """
                     telemetry:
                       tracing: { endpoint: "http://127.0.0.1:%d" }
                     upstreams:
                       up:
                         targets: [ "http://127.0.0.1:%d", "%s" ]
                         retries: { attempts: 1 }
                     routes:
                       - id: orders
                         match: { path: "/orders/{id}" }
                         upstream: up
                         filters:
                           - { type: jwt-auth, secret: "%s" }
                           - { type: script, file: mark.js, timeout: 10s }
                     """.formatted(receiver.getAddress().getPort(), refused, upstream.url(), SECRET))) {
            String token = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plusSeconds(60))
                    .sign(Algorithm.HMAC256(SECRET));
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = gateway.get("/orders/" + i, "Authorization", "Bearer " + token);
                assertThat(r.statusCode()).isEqualTo(200);
            }
            // a SERVER span ends just after the last byte was written: flush until both arrived
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                gateway.gateway().tracing().flush(10);
                Thread.sleep(50);
            } while (spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).count() < 2
                    && System.nanoTime() < deadline);

            Map<String, List<Span>> traces = spans.stream()
                    .collect(Collectors.groupingBy(s -> HEX.formatHex(s.getTraceId().toByteArray())));
            assertThat(traces).hasSize(2);
            List<Span> trace = traces.values().stream()
                    .filter(t -> t.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).count() == 2)
                    .findFirst().orElseThrow(() -> new AssertionError("no retried request: " + spans));
            String traceId = HEX.formatHex(trace.get(0).getTraceId().toByteArray());
            Span server = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
            assertThat(server.getName()).isEqualTo("GET /orders/{id}");
            assertThat(server.getParentSpanId().isEmpty()).isTrue();
            assertThat(attributes(server)).containsEntry("portico.consumer.id", "alice")
                    .containsEntry("http.route", "/orders/{id}").containsEntry("http.response.status_code", "200");
            Span jwt = trace.stream().filter(s -> s.getName().equals("filter:jwt-auth")).findFirst().orElseThrow();
            Span script = trace.stream().filter(s -> s.getName().startsWith("script:mark.js@")).findFirst().orElseThrow();
            assertThat(List.of(jwt.getParentSpanId(), script.getParentSpanId())).containsOnly(server.getSpanId());
            assertThat(attributes(script)).containsEntry("marked", "yes");
            List<Span> attempts = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                    .sorted((a, b) -> Long.compare(a.getStartTimeUnixNano(), b.getStartTimeUnixNano())).toList();
            assertThat(attributes(attempts.get(0))).containsEntry("server.port", Integer.toString(refused))
                    .containsEntry("error.type", "connect");
            assertThat(attributes(attempts.get(1))).containsEntry("server.port", upstream.url().replaceAll(".*:", ""))
                    .containsEntry("http.response.status_code", "200");
            assertThat(attempts).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId()));
            String sentUp = upstream.received().stream().map(r -> r.header("traceparent"))
                    .filter(tp -> tp != null && tp.contains(traceId)).findFirst().orElseThrow();
            // flags: sampled (01), plus the W3C level-2 "random trace id" bit (02) the SDK sets on new traces
            assertThat(sentUp).matches("00-" + traceId + "-" + HEX.formatHex(attempts.get(1).getSpanId().toByteArray())
                    + "-0[13]");
        } finally {
            receiver.stop(0);
        }
    }

    private static Map<String, String> attributes(Span s) {
        return s.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> {
            var v = kv.getValue();
            return v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
        }, (a, b) -> a));
    }
}
