package io.portico.core.config;

import java.util.Map;
import java.util.Optional;

/**
 * {@code telemetry.tracing}: overrides for the OpenTelemetry SDK, which otherwise reads the standard
 * {@code OTEL_*} environment variables and {@code otel.*} system properties. Every key is optional; a value
 * given here wins over the environment.
 *
 * @param enabled             {@code true}/{@code false}; absent: on only when the environment names an exporter
 *                            or an OTLP endpoint
 * @param endpoint            OTLP endpoint ({@code otel.exporter.otlp.traces.endpoint}); for http/protobuf the
 *                            full URL of the traces path, e.g. {@code http://collector:4318/v1/traces}
 * @param protocol            {@code http/protobuf} or {@code grpc}
 * @param headers             extra headers sent with every export
 * @param serviceName         {@code service.name} (default {@code portico})
 * @param sampler             an {@code OTEL_TRACES_SAMPLER} value, e.g. {@code parentbased_traceidratio}
 * @param samplerArg          its argument, e.g. {@code 0.25}
 * @param propagators         an {@code OTEL_PROPAGATORS} value, e.g. {@code tracecontext,baggage,b3multi}
 * @param resourceAttributes  extra resource attributes
 */
public record TracingConfig(Optional<Boolean> enabled, Optional<String> endpoint, Optional<String> protocol,
                            Map<String, String> headers, Optional<String> serviceName, Optional<String> sampler,
                            Optional<String> samplerArg, Optional<String> propagators,
                            Map<String, String> resourceAttributes) {
    /** Nothing configured: the environment decides. */
    public static final TracingConfig DEFAULT = new TracingConfig(Optional.empty(), Optional.empty(),
            Optional.empty(), Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Map.of());

    public TracingConfig {
        headers = Map.copyOf(headers);
        resourceAttributes = Map.copyOf(resourceAttributes);
    }
}
