package io.portico.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code telemetry:} section. Only a restart changes it (like {@code server:}).
 *
 * @param accessLog       where the JSON access log goes
 * @param accessLogFields the fields each line carries, in order (validated names; all of
 *                        {@link #ACCESS_LOG_FIELDS} by default)
 * @param tracing         {@code telemetry.tracing}
 */
public record TelemetryConfig(AccessLog accessLog, List<String> accessLogFields, TracingConfig tracing) {
    /** Every access-log field, in the documented order ({@code target} is an extra: the last target's host:port). */
    public static final List<String> ACCESS_LOG_FIELDS = List.of("time", "request_id", "trace_id", "client_ip",
            "method", "path", "route", "upstream", "target", "status", "bytes_in", "bytes_out", "duration_ms", "upstream_ms",
            "consumer", "user_agent");

    /** The defaults: access log on stdout with every field, tracing off unless the environment turns it on. */
    public static final TelemetryConfig DEFAULT = new TelemetryConfig(AccessLog.STDOUT, ACCESS_LOG_FIELDS,
            TracingConfig.DEFAULT);

    public TelemetryConfig {
        Objects.requireNonNull(accessLog, "accessLog");
        accessLogFields = List.copyOf(accessLogFields);
        Objects.requireNonNull(tracing, "tracing");
    }

    /** The defaults ({@link #DEFAULT}). */
    public static TelemetryConfig defaults() {
        return DEFAULT;
    }

    /**
     * {@code telemetry.access-log}: {@code stdout}, {@code off}, or a file (absolute, resolved against the
     * config file's folder).
     *
     * @param kind where
     * @param file the file for {@link Kind#FILE}, else null
     */
    public record AccessLog(Kind kind, Path file) {
        public static final AccessLog STDOUT = new AccessLog(Kind.STDOUT, null);
        public static final AccessLog OFF = new AccessLog(Kind.OFF, null);

        public enum Kind { STDOUT, FILE, OFF }

        public AccessLog {
            Objects.requireNonNull(kind, "kind");
            if ((kind == Kind.FILE) != (file != null)) {
                throw new IllegalArgumentException("a file exactly when kind is FILE");
            }
        }
    }
}
