package io.portico.core.telemetry.tracing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import io.portico.core.Gateway;
import io.portico.core.config.ConfigLoader;
import io.portico.core.script.ScriptFilterFactory;
import io.portico.core.script.ScriptLibrary;
import io.portico.core.plugin.FilterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a real gateway exporting to a real OTLP/HTTP receiver (a JDK HttpServer decoding
 * {@code ExportTraceServiceRequest}), a route with an authenticate filter (a Java test filter standing in for
 * jwt-auth, which lives in a plugin jar), a script filter, and an upstream whose first target answers 502 so
 * that the request is retried on the second.
 */
class TracingTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String SCRIPT = """
            export default {
              phase: 'transform',
              onRequest(req, ctx) { ctx.span.setAttribute('tenant', 'acme'); ctx.span.addEvent('tenant-set'); }
            };
            """;

    @TempDir
    Path dir;

    private final List<Span> received = new CopyOnWriteArrayList<>();
    private final List<String> resourceAttributes = new CopyOnWriteArrayList<>();
    private final List<String> upstreamTraceparents = new CopyOnWriteArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Gateway gateway;
    private ScriptLibrary library;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (library != null) {
            library.close();
        }
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void spanTreeForAnAuthenticatedScriptedRetriedRequest() throws Exception {
        int receiver = receiver();
        int bad = upstream(502);
        int good = upstream(200);
        start(receiver, "", bad, good);

        // round-robin: within two requests one starts on the 502 target and is retried on the other
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = get("/api/orders/" + i, Map.of("User-Agent", "tracing-test"));
            assertThat(r.statusCode()).isEqualTo(200);
        }
        flushUntil(2);

        Map<String, List<Span>> traces = received.stream().collect(Collectors.groupingBy(s -> HEX.formatHex(s.getTraceId().toByteArray())));
        assertThat(traces).hasSize(2);
        List<Span> trace = traces.values().stream()
                .filter(t -> t.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).count() == 2)
                .findFirst().orElseThrow(() -> new AssertionError("no retried request among " + received));
        String traceId = HEX.formatHex(trace.get(0).getTraceId().toByteArray());

        Span server = only(trace, s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(server.getParentSpanId().isEmpty()).isTrue();
        assertThat(server.getName()).isEqualTo("GET /api/orders/{id}");
        Map<String, String> sa = attributes(server);
        assertThat(sa).containsEntry("http.request.method", "GET")
                .containsEntry("url.path", server.getName().isEmpty() ? "" : sa.get("url.path"))
                .containsEntry("http.route", "/api/orders/{id}")
                .containsEntry("http.response.status_code", "200")
                .containsEntry("server.address", "127.0.0.1")
                .containsEntry("client.address", "127.0.0.1")
                .containsEntry("user_agent.original", "tracing-test")
                .containsEntry("portico.route.id", "orders")
                .containsEntry("portico.consumer.id", "alice")
                .containsKey("portico.request.id");
        assertThat(sa.get("url.path")).startsWith("/api/orders/");

        Span auth = only(trace, s -> s.getName().equals("filter:fake-auth"));
        assertThat(auth.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(attributes(auth)).containsEntry("auth.scheme", "fake").containsEntry("portico.filter.type", "fake-auth");

        Span script = only(trace, s -> s.getName().startsWith("script:tenant.js@"));
        assertThat(script.getName()).matches("script:tenant\\.js@[0-9a-f]{12}");
        assertThat(script.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(attributes(script)).containsEntry("tenant", "acme");
        assertThat(script.getEventsList()).extracting(Span.Event::getName).containsExactly("tenant-set");

        List<Span> clients = trace.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted((x, y) -> Long.compare(x.getStartTimeUnixNano(), y.getStartTimeUnixNano())).toList();
        for (Span c : clients) {
            assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(attributes(c)).containsEntry("server.address", "127.0.0.1")
                    .containsEntry("http.request.method", "GET").containsEntry("portico.upstream", "u");
        }
        assertThat(attributes(clients.get(0))).containsEntry("server.port", Integer.toString(bad))
                .containsEntry("http.response.status_code", "502").containsEntry("error.type", "502");
        assertThat(attributes(clients.get(1))).containsEntry("server.port", Integer.toString(good))
                .containsEntry("http.response.status_code", "200").containsEntry("http.request.resend_count", "1");
        // spans end after the response: the server span encloses every child
        for (Span s : trace) {
            assertThat(s.getEndTimeUnixNano()).isLessThanOrEqualTo(server.getEndTimeUnixNano());
        }
        // each upstream saw the same trace id, with the attempt's span as parent
        Set<String> clientSpanIds = clients.stream().map(c -> HEX.formatHex(c.getSpanId().toByteArray())).collect(Collectors.toSet());
        List<String> seen = upstreamTraceparents.stream().filter(tp -> tp.contains(traceId)).toList();
        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(tp -> assertThat(clientSpanIds).contains(tp.split("-")[2]));
        assertThat(resourceAttributes).contains("service.name=portico-test");
    }

    @Test
    void eachAggregatePartGetsAClientSpanUnderTheRequestsSpan() throws Exception {
        int receiver = receiver();
        int users = jsonUpstream("{\"id\":\"u1\"}");
        int orders = jsonUpstream("[1,2]");
        Path conf = dir.resolve("portico.yaml");
        Files.writeString(conf, """
                server: { port: 0 }
                telemetry:
                  access-log: off
                  tracing: { endpoint: "http://127.0.0.1:%d", service-name: portico-test }
                upstreams:
                  users: { targets: [ "http://127.0.0.1:%d" ] }
                  orders: { targets: [ "http://127.0.0.1:%d" ] }
                routes:
                  - id: dashboard
                    match: { path: "/api/dashboard/{id}" }
                    aggregate:
                      parts:
                        - { name: user, upstream: users, path: "/users/{id}" }
                        - { name: orders, upstream: orders, path: "/orders/{user.id}", after: user }
                """.formatted(receiver, users, orders));
        gateway = Gateway.start(new ConfigLoader(new FilterRegistry(List.of()), System::getenv).load(conf));
        HttpResponse<String> r = get("/api/dashboard/u1", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"user\":{\"id\":\"u1\"},\"orders\":[1,2]}");
        flushUntil(1);

        Span server = only(received, s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(server.getName()).isEqualTo("GET /api/dashboard/{id}");
        List<Span> clients = received.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted((x, y) -> Long.compare(x.getStartTimeUnixNano(), y.getStartTimeUnixNano())).toList();
        assertThat(clients).hasSize(2);
        assertThat(clients).allSatisfy(c -> {
            assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(c.getTraceId()).isEqualTo(server.getTraceId());
            assertThat(attributes(c)).containsEntry("http.response.status_code", "200");
        });
        assertThat(attributes(clients.get(0))).containsEntry("portico.aggregate.part", "user")
                .containsEntry("portico.upstream", "users").containsEntry("server.port", Integer.toString(users));
        assertThat(attributes(clients.get(1))).containsEntry("portico.aggregate.part", "orders")
                .containsEntry("portico.upstream", "orders");
        // the dependent part started after the first one ended
        assertThat(clients.get(1).getStartTimeUnixNano()).isGreaterThanOrEqualTo(clients.get(0).getEndTimeUnixNano());
        // every part request carried its own span as the parent
        String traceId = HEX.formatHex(server.getTraceId().toByteArray());
        Set<String> clientSpanIds = clients.stream().map(c -> HEX.formatHex(c.getSpanId().toByteArray())).collect(Collectors.toSet());
        assertThat(upstreamTraceparents).hasSize(2).allSatisfy(tp -> {
            assertThat(tp).contains(traceId);
            assertThat(clientSpanIds).contains(tp.split("-")[2]);
        });
    }

    @Test
    void clientTraceparentBecomesTheParentAndIsReplacedUpstream() throws Exception {
        int receiver = receiver();
        int good = upstream(200);
        start(receiver, "", good, good);
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        HttpResponse<String> r = get("/api/orders/7",
                Map.of("traceparent", "00-" + clientTrace + "-00f067aa0ba902b7-01", "baggage", "tenant=acme"));
        assertThat(r.statusCode()).isEqualTo(200);
        flushUntil(1);

        Span server = only(received, s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(HEX.formatHex(server.getTraceId().toByteArray())).isEqualTo(clientTrace);
        assertThat(HEX.formatHex(server.getParentSpanId().toByteArray())).isEqualTo("00f067aa0ba902b7");
        Span client = only(received, s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(upstreamTraceparents).containsExactly(
                "00-" + clientTrace + "-" + HEX.formatHex(client.getSpanId().toByteArray()) + "-01");
        assertThat(r.body()).contains("baggage: tenant=acme");
        // the access log line of this request carries the same trace id (written asynchronously)
        Path log = dir.resolve("access.log");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!(Files.exists(log) && Files.readString(log).contains("\"trace_id\"")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(log)).contains("\"trace_id\":\"" + clientTrace + "\"");
    }

    @Test
    void problemBodiesCarryTheTraceId() throws Exception {
        int receiver = receiver();
        int refused = refusedPort();
        start(receiver, "", refused, refused);
        HttpResponse<String> notFound = get("/nowhere", Map.of());
        HttpResponse<String> badGateway = get("/api/orders/1", Map.of());
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(badGateway.statusCode()).isEqualTo(502);
        flushUntil(2);

        List<Span> servers = received.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).toList();
        assertThat(servers).hasSize(2);
        Set<String> ids = servers.stream().map(s -> HEX.formatHex(s.getTraceId().toByteArray())).collect(Collectors.toSet());
        String t404 = traceIdOf(notFound.body());
        String t502 = traceIdOf(badGateway.body());
        assertThat(ids).containsExactlyInAnyOrder(t404, t502);
        assertThat(notFound.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        Span s404 = servers.stream().filter(s -> HEX.formatHex(s.getTraceId().toByteArray()).equals(t404)).findFirst().orElseThrow();
        assertThat(s404.getName()).isEqualTo("GET");
        assertThat(attributes(s404)).containsEntry("http.response.status_code", "404");
        List<Span> attempts = received.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).toList();
        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(attributes(a)).containsEntry("error.type", "connect"));
    }

    @Test
    void disabledSendsNothingAndAddsNoTraceId() throws Exception {
        int receiver = receiver();
        int good = upstream(200);
        start(receiver, "enabled: false", good, good);
        assertThat(gateway.tracing().enabled()).isFalse();
        HttpResponse<String> ok = get("/api/orders/1", Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        HttpResponse<String> notFound = get("/nowhere", Map.of());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(notFound.body()).doesNotContain("traceId");
        gateway.stop(); // flushes
        gateway = null;
        Thread.sleep(200);
        assertThat(received).isEmpty();
        // the client's traceparent passes through untouched when tracing is off
        assertThat(upstreamTraceparents).containsExactly("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void offByDefaultAndOnWithAnEnvironmentEndpoint() {
        var none = io.portico.core.config.TracingConfig.DEFAULT;
        assertThat(Tracing.enabled(none, p -> null)).isFalse();
        assertThat(Tracing.enabled(none, p -> p.equals("otel.exporter.otlp.endpoint") ? "http://c:4318" : null)).isTrue();
        assertThat(Tracing.enabled(none, p -> p.equals("otel.traces.exporter") ? "none" : null)).isFalse();
        assertThat(Tracing.enabled(none, p -> p.equals("otel.traces.exporter") ? "otlp" : null)).isTrue();
        var off = new io.portico.core.config.TracingConfig(Optional.of(false), Optional.of("http://x"), Optional.empty(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        assertThat(Tracing.enabled(off, p -> "http://c:4318")).isFalse();
    }

    @Test
    void configOverridesBecomeSdkProperties() {
        var c = new io.portico.core.config.TracingConfig(Optional.empty(), Optional.of("http://c:4318/"), Optional.empty(),
                Map.of("Authorization", "Bearer a b"), Optional.empty(), Optional.of("parentbased_traceidratio"),
                Optional.of("0.5"), Optional.of("tracecontext,b3multi"), Map.of("env", "prod"));
        var fromEnv = io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties.createFromMap(
                Map.of("otel.exporter.otlp.traces.endpoint", "http://ignored:4318/v1/traces", "otel.resource.attributes", "team=edge"));
        Map<String, String> o = Tracing.overrides(c, fromEnv);
        assertThat(o).containsEntry("otel.traces.exporter", "otlp")
                .containsEntry("otel.exporter.otlp.traces.protocol", "http/protobuf")
                .containsEntry("otel.exporter.otlp.traces.endpoint", "http://c:4318/v1/traces")
                .containsEntry("otel.exporter.otlp.traces.headers", "Authorization=Bearer%20a%20b")
                .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
                .containsEntry("otel.traces.sampler.arg", "0.5")
                .containsEntry("otel.propagators", "tracecontext,b3multi")
                .containsEntry("otel.resource.attributes", "team=edge,env=prod")
                .containsEntry("otel.service.name", "portico")
                .containsEntry("otel.metrics.exporter", "none");
        // the environment's service name is kept when the config names none
        var named = io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties.createFromMap(
                Map.of("otel.service.name", "edge", "otel.exporter.otlp.protocol", "grpc"));
        Map<String, String> o2 = Tracing.overrides(io.portico.core.config.TracingConfig.DEFAULT, named);
        assertThat(o2).doesNotContainKey("otel.service.name").containsEntry("otel.exporter.otlp.traces.protocol", "grpc");
    }

    @Test
    void b3PropagationByConfig() {
        var c = new io.portico.core.config.TracingConfig(Optional.of(true), Optional.of("http://127.0.0.1:9"),
                Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("tracecontext,b3multi"), Map.of());
        Tracing t = Tracing.create(c, Map.of(), p -> null);
        try {
            assertThat(t.enabled()).isTrue();
            assertThat(t.propagationFields()).contains("traceparent", "x-b3-traceid", "x-b3-spanid", "x-b3-sampled");
            Map<String, String> in = Map.of("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736",
                    "x-b3-spanid", "00f067aa0ba902b7", "x-b3-sampled", "1");
            RequestTrace trace = t.startServer(in, new io.opentelemetry.context.propagation.TextMapGetter<Map<String, String>>() {
                @Override
                public Iterable<String> keys(Map<String, String> carrier) {
                    return carrier.keySet();
                }

                @Override
                public String get(Map<String, String> carrier, String key) {
                    return carrier == null ? null : carrier.get(key.toLowerCase(java.util.Locale.ROOT));
                }
            }, "GET", "/", null, null, null);
            Map<String, String> out = new java.util.HashMap<>();
            var client = trace.startClient("GET", "u", "h", 80, 0, out, (m, k, v) -> m.put(k.toLowerCase(java.util.Locale.ROOT), v));
            client.end();
            trace.end(null);
            assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(out).containsEntry("x-b3-traceid", "4bf92f3577b34da6a3ce929d0e0e4736")
                    .containsEntry("x-b3-spanid", client.getSpanContext().getSpanId())
                    .containsKey("traceparent");
            assertThat(Tracing.currentTraceId()).isNull(); // the request's context was left
        } finally {
            t.close();
        }
    }

    // --- fixtures

    /**
     * Flushes until {@code servers} SERVER spans arrived: a SERVER span ends just after the last byte was
     * written, so the client may see the response before the span ended.
     */
    private void flushUntil(int servers) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            gateway.tracing().flush(10);
            long n = received.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).count();
            if (n >= servers || System.nanoTime() > deadline) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private void start(int receiver, String tracingOptions, int target1, int target2) throws Exception {
        String targets = target1 == target2 ? "\"http://127.0.0.1:" + target1 + "\""
                : "\"http://127.0.0.1:" + target1 + "\", \"http://127.0.0.1:" + target2 + "\"";
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/tenant.js"), SCRIPT);
        Path conf = dir.resolve("portico.yaml");
        Files.writeString(conf, """
                server: { port: 0 }
                scripts: { dir: scripts }
                telemetry:
                  access-log: access.log
                  tracing:
                    endpoint: "http://127.0.0.1:%d"
                    service-name: portico-test
                    resource-attributes: { deployment.environment: test }
                    %s
                upstreams:
                  u:
                    targets: [ %s ]
                    retries: { attempts: 1 }
                routes:
                  - id: orders
                    match: { path: "/api/orders/{id}" }
                    upstream: u
                    filters:
                      - { type: fake-auth }
                      - { type: script, file: tenant.js, timeout: 10s }
                """.formatted(receiver, tracingOptions, targets));
        library = new ScriptLibrary(dir.resolve("scripts"));
        FilterRegistry registry = new FilterRegistry(List.<FilterFactory<?>>of(new ScriptFilterFactory(library), new FakeAuth()));
        var cfg = new ConfigLoader(registry, System::getenv).load(conf);
        gateway = Gateway.start(cfg, registry);
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An OTLP/HTTP traces receiver on port 0 decoding the protobuf. */
    private int receiver() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/v1/traces", ex -> {
            ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes());
            for (ResourceSpans rs : req.getResourceSpansList()) {
                for (KeyValue kv : rs.getResource().getAttributesList()) {
                    resourceAttributes.add(kv.getKey() + "=" + kv.getValue().getStringValue());
                }
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    received.addAll(ss.getSpansList());
                }
            }
            ex.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    /** An upstream answering {@code status}; records the traceparent it receives; echoes its headers. */
    private int upstream(int status) throws IOException {
        return upstream(status, null, headers -> {
            StringBuilder sb = new StringBuilder();
            headers.forEach((k, v) -> v.forEach(x -> sb.append(k.toLowerCase()).append(": ").append(x).append('\n')));
            return sb.toString();
        });
    }

    /** A JSON upstream answering {@code body}; records the traceparent it receives. */
    private int jsonUpstream(String body) throws IOException {
        return upstream(200, "application/json", headers -> body);
    }

    private int upstream(int status, String contentType,
                         java.util.function.Function<com.sun.net.httpserver.Headers, String> body) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String tp = ex.getRequestHeaders().getFirst("traceparent");
            if (tp != null) {
                upstreamTraceparents.add(tp);
            }
            byte[] out = body.apply(ex.getRequestHeaders()).getBytes(StandardCharsets.UTF_8);
            if (contentType != null) {
                ex.getResponseHeaders().add("Content-Type", contentType);
            }
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Span only(List<Span> spans, java.util.function.Predicate<Span> p) {
        List<Span> found = spans.stream().filter(p).toList();
        assertThat(found).as("spans in %s", spans.stream().map(Span::getName).toList()).hasSize(1);
        return found.get(0);
    }

    private static Map<String, String> attributes(Span s) {
        return s.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> {
            var v = kv.getValue();
            return v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
        }, (a, b) -> a));
    }

    private static String traceIdOf(String problemJson) {
        var m = java.util.regex.Pattern.compile("\"traceId\":\"([0-9a-f]{32})\"").matcher(problemJson);
        assertThat(m.find()).as(problemJson).isTrue();
        return m.group(1);
    }

    /** {@code fake-auth}: an authenticate filter standing in for jwt-auth; sets consumer alice. */
    public record FakeAuthConfig(Optional<String> label) {
    }

    static final class FakeAuth implements FilterFactory<FakeAuthConfig> {
        @Override
        public String type() {
            return "fake-auth";
        }

        @Override
        public Phase phase() {
            return Phase.AUTHENTICATE;
        }

        @Override
        public Class<FakeAuthConfig> configType() {
            return FakeAuthConfig.class;
        }

        @Override
        public GatewayFilter create(FakeAuthConfig c, FilterContext context) {
            return new GatewayFilter() {
                @Override
                public Decision onRequest(Exchange ex) {
                    ex.span().attribute("auth.scheme", "fake");
                    ex.consumer(new Consumer("alice", Set.of(), Set.of(), Map.of()));
                    return Decision.proceed();
                }
            };
        }
    }
}
