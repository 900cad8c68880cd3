package io.portico.core.config;

import java.util.Objects;

/**
 * The top-level {@code telemetry:} section.
 *
 * @param tracing {@code telemetry.tracing}
 */
public record TelemetryConfig(TracingConfig tracing) {
    public static final TelemetryConfig DEFAULT = new TelemetryConfig(TracingConfig.DEFAULT);

    public TelemetryConfig {
        Objects.requireNonNull(tracing, "tracing");
    }
}
