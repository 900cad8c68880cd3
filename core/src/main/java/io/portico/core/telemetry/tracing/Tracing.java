package io.portico.core.telemetry.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.portico.core.config.TracingConfig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's OpenTelemetry tracing, built once at start ({@link #create(TracingConfig)}) and closed at stop
 * (bounded flush of the batch exporter).
 *
 * <p>Configuration: the OpenTelemetry SDK autoconfiguration reads the standard {@code OTEL_*} environment
 * variables and {@code otel.*} system properties; {@code telemetry.tracing} in the config file overrides them.
 * Tracing is <b>off</b> unless {@code telemetry.tracing.enabled: true}, or (without {@code enabled}) an
 * endpoint is configured ({@code telemetry.tracing.endpoint}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) or {@code OTEL_TRACES_EXPORTER} names an exporter other than
 * {@code none}. Portico never exports metrics or logs through OTLP ({@code otel.metrics.exporter} and
 * {@code otel.logs.exporter} are {@code none}). When off, {@link #OFF} does nothing and costs nothing: callers
 * test {@link #enabled()} (a final field) and skip every tracing step.
 *
 * <p>Per request ({@link #startServer}): a SERVER span, a child span per filter call, a CLIENT span per
 * upstream attempt ({@link #startClient}); context is propagated with the configured propagators (default
 * W3C {@code traceparent}/{@code tracestate} and {@code baggage}). Export is batched (the SDK's
 * {@code BatchSpanProcessor}: a full queue drops spans, it never blocks a request). Thread-safe.
 */
public final class Tracing implements AutoCloseable {
    /** No tracing: {@link #enabled()} is false. */
    public static final Tracing OFF = new Tracing(null);

    // HTTP semantic conventions (stable) and Portico's own attributes, made once
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
    static final AttributeKey<String> ROUTE_ID = AttributeKey.stringKey("portico.route.id");
    static final AttributeKey<String> CONSUMER_ID = AttributeKey.stringKey("portico.consumer.id");
    static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("portico.upstream");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("portico.request.id");
    static final AttributeKey<String> FILTER_TYPE = AttributeKey.stringKey("portico.filter.type");
    static final AttributeKey<String> FILTER_CALLBACK = AttributeKey.stringKey("portico.filter.callback");

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());
    private static final long FLUSH_SECONDS = 5;
    private static final Map<String, String> FILTER_SPAN_NAMES = new ConcurrentHashMap<>();

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final Set<String> propagationFields;

    private Tracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk == null ? null : sdk.getTracer("io.portico.gateway");
        this.propagator = sdk == null ? null : sdk.getPropagators().getTextMapPropagator();
        Set<String> fields = new HashSet<>();
        if (propagator != null) {
            for (String f : propagator.fields()) {
                fields.add(f.toLowerCase(Locale.ROOT));
            }
        }
        this.propagationFields = Set.copyOf(fields);
    }

    /** From the environment, system properties and {@code config}; {@link #OFF} unless tracing is enabled. */
    public static Tracing create(TracingConfig config) {
        return create(config, System.getenv(), System.getProperties()::getProperty);
    }

    static Tracing create(TracingConfig config, Map<String, String> env, Function<String, String> sysprops) {
        Function<String, String> lookup = p -> {
            String v = sysprops.apply(p);
            if (v == null) {
                v = env.get(p.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
            }
            return v == null || v.isBlank() ? null : v.strip();
        };
        if (!enabled(config, lookup)) {
            return OFF;
        }
        try {
            Map<String, String> used = new HashMap<>(); // for the start-up line: the environment, then overrides
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                    .addPropertiesCustomizer(props -> {
                        Map<String, String> o = overrides(config, props);
                        for (String k : List.of("otel.exporter.otlp.traces.endpoint", "otel.exporter.otlp.endpoint",
                                "otel.traces.sampler", "otel.propagators")) {
                            String v = props.getString(k);
                            if (v != null) {
                                used.put(k, v);
                            }
                        }
                        used.putAll(o);
                        return o;
                    })
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            String endpoint = used.getOrDefault("otel.exporter.otlp.traces.endpoint",
                    used.getOrDefault("otel.exporter.otlp.endpoint", "the default endpoint"));
            LOG.info("tracing on: OTLP " + used.get("otel.exporter.otlp.traces.protocol") + " to "
                    + endpoint.replaceAll("//[^/@]*@", "//") // never log credentials in a URL
                    + ", sampler " + used.getOrDefault("otel.traces.sampler", "parentbased_always_on")
                    + ", propagators " + used.getOrDefault("otel.propagators", "tracecontext,baggage"));
            return new Tracing(sdk);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "tracing could not be set up, it is off: " + e.getMessage(), e);
            return OFF;
        }
    }

    /** Whether tracing is wanted: see the class comment. */
    static boolean enabled(TracingConfig config, Function<String, String> lookup) {
        if (config.enabled().isPresent()) {
            return config.enabled().get();
        }
        if ("true".equalsIgnoreCase(lookup.apply("otel.sdk.disabled"))) {
            return false;
        }
        String exporter = lookup.apply("otel.traces.exporter");
        if (exporter != null) {
            return !exporter.equalsIgnoreCase("none");
        }
        return config.endpoint().isPresent() || lookup.apply("otel.exporter.otlp.endpoint") != null
                || lookup.apply("otel.exporter.otlp.traces.endpoint") != null;
    }

    /** The {@code telemetry.tracing} values as autoconfiguration properties (they win over the environment). */
    static Map<String, String> overrides(TracingConfig c, ConfigProperties props) {
        Map<String, String> o = new HashMap<>();
        o.put("otel.metrics.exporter", "none");
        o.put("otel.logs.exporter", "none");
        o.put("otel.sdk.disabled", "false");
        String exporter = props.getString("otel.traces.exporter");
        if (exporter == null || exporter.isBlank() || exporter.equalsIgnoreCase("none")) {
            o.put("otel.traces.exporter", "otlp");
        }
        // Portico's default is http/protobuf (the SDK's is grpc, which needs a gRPC sender Portico does not ship)
        String protocol = c.protocol().orElseGet(() -> props.getString("otel.exporter.otlp.traces.protocol",
                props.getString("otel.exporter.otlp.protocol", "http/protobuf")));
        o.put("otel.exporter.otlp.traces.protocol", protocol);
        c.endpoint().ifPresent(e -> {
            // like OTEL_EXPORTER_OTLP_ENDPOINT: a base URL, to which http/protobuf adds /v1/traces
            String base = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
            o.put("otel.exporter.otlp.traces.endpoint", protocol.equals("grpc") || base.endsWith("/v1/traces")
                    ? base : base + "/v1/traces");
        });
        if (!c.headers().isEmpty()) {
            o.put("otel.exporter.otlp.traces.headers", join(c.headers(), props.getString("otel.exporter.otlp.traces.headers")));
        }
        c.serviceName().ifPresent(s -> o.put("otel.service.name", s));
        String attrs = props.getString("otel.resource.attributes");
        if (!c.resourceAttributes().isEmpty()) {
            attrs = join(c.resourceAttributes(), attrs);
            o.put("otel.resource.attributes", attrs);
        }
        if (c.serviceName().isEmpty() && props.getString("otel.service.name") == null
                && (attrs == null || !attrs.contains("service.name="))) {
            o.put("otel.service.name", "portico");
        }
        c.sampler().ifPresent(s -> o.put("otel.traces.sampler", s));
        c.samplerArg().ifPresent(s -> o.put("otel.traces.sampler.arg", s));
        c.propagators().ifPresent(s -> o.put("otel.propagators", s));
        return o;
    }

    private static String join(Map<String, String> values, String existing) {
        StringBuilder sb = new StringBuilder(existing == null ? "" : existing);
        values.forEach((k, v) -> {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(k).append('=').append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        });
        return sb.toString();
    }

    /** Whether spans are made at all; false for {@link #OFF}. */
    public boolean enabled() {
        return sdk != null;
    }

    /**
     * The lower-case header names the propagators read and write (e.g. {@code traceparent}, {@code tracestate},
     * {@code baggage}); the client's values of these are replaced by the gateway's on the upstream request.
     * Empty when off.
     */
    public Set<String> propagationFields() {
        return propagationFields;
    }

    /**
     * Starts the SERVER span of a request, as a child of the client's propagated context if it sent one, and
     * makes it current on this thread until {@link RequestTrace#end}. Only when {@link #enabled()}.
     *
     * @param carrier the request headers, read through {@code getter}
     */
    public <C> RequestTrace startServer(C carrier, TextMapGetter<C> getter, String method, String path,
                                        String serverAddress, String clientAddress, String userAgent) {
        Context parent = propagator.extract(Context.root(), carrier, getter);
        var b = tracer.spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_REQUEST_METHOD, method)
                .setAttribute(URL_PATH, path)
                .setAttribute(URL_SCHEME, "http");
        if (serverAddress != null) {
            b.setAttribute(SERVER_ADDRESS, serverAddress);
        }
        if (clientAddress != null) {
            b.setAttribute(CLIENT_ADDRESS, clientAddress);
        }
        if (userAgent != null) {
            b.setAttribute(USER_AGENT, userAgent);
        }
        Span span = b.startSpan();
        Context context = parent.with(span);
        return new RequestTrace(this, span, context, context.makeCurrent());
    }

    Span startFilter(Context parent, String name, String type, String callback) {
        return tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(FILTER_TYPE, type)
                .setAttribute(FILTER_CALLBACK, callback)
                .startSpan();
    }

    /**
     * Starts the CLIENT span of one upstream attempt under the current request's span and injects its
     * context into the upstream request through {@code setter}.
     *
     * @param attempt 0 for the first attempt, 1 for the first retry, …
     */
    public <C> Span startClient(RequestTrace trace, String method, String upstream, String host, int port,
                                int attempt, C carrier, TextMapSetter<C> setter) {
        var b = tracer.spanBuilder(method)
                .setParent(trace.context())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(HTTP_REQUEST_METHOD, method)
                .setAttribute(SERVER_ADDRESS, host)
                .setAttribute(SERVER_PORT, (long) port)
                .setAttribute(UPSTREAM, upstream);
        if (attempt > 0) {
            b.setAttribute(RESEND_COUNT, (long) attempt);
        }
        Span span = b.startSpan();
        propagator.inject(trace.context().with(span), carrier, setter);
        return span;
    }

    /** Ends a CLIENT span with the upstream's status (null when there was no response). */
    public static void endClient(Span span, int status, String errorType) {
        if (status > 0) {
            span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
            if (status >= 500) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
        } else if (errorType != null) {
            span.setAttribute(ERROR_TYPE, errorType);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /** {@code filter:<type>}, made once per type. */
    public static String filterSpanName(String type) {
        String name = FILTER_SPAN_NAMES.get(type);
        if (name == null) {
            name = FILTER_SPAN_NAMES.computeIfAbsent(type, t -> "filter:" + t);
        }
        return name;
    }

    /**
     * The trace id (32 lower-case hex digits) of the span current on this thread, or null when there is
     * none (tracing off, or outside a request). Valid while a request is handled, e.g. in problem bodies and
     * in the access log's completion hook when it runs on the request's thread; {@link RequestTrace#traceId()}
     * works anywhere.
     */
    public static String currentTraceId() {
        SpanContext c = Span.current().getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }

    /** Exports what is queued (at most 5 s) and shuts the SDK down. */
    @Override
    public void close() {
        if (sdk == null) {
            return;
        }
        sdk.getSdkTracerProvider().forceFlush().join(FLUSH_SECONDS, TimeUnit.SECONDS);
        sdk.shutdown().join(FLUSH_SECONDS, TimeUnit.SECONDS);
    }

    /** Forces an export of the queued spans (tests), waiting up to {@code seconds}. */
    public void flush(long seconds) {
        if (sdk != null) {
            sdk.getSdkTracerProvider().forceFlush().join(seconds, TimeUnit.SECONDS);
        }
    }

}
