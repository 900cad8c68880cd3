package io.portico.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Parses {@code telemetry:}: so far its {@code tracing} part ({@link TracingConfig}). */
final class TelemetryParser {
    static final List<String> TELEMETRY_KEYS = List.of("tracing");
    static final List<String> TRACING_KEYS = List.of("enabled", "endpoint", "protocol", "headers", "service-name",
            "sampler", "sampler-arg", "propagators", "resource-attributes");
    private static final Set<String> PROTOCOLS = Set.of("http/protobuf", "grpc");
    private static final Set<String> SAMPLERS = Set.of("always_on", "always_off", "traceidratio",
            "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio");

    private final YamlNodes y;

    TelemetryParser(YamlNodes y) {
        this.y = y;
    }

    TelemetryConfig telemetry(Fields top) {
        if (!top.has("telemetry")) {
            return TelemetryConfig.DEFAULT;
        }
        Fields t = top.mapping("telemetry", TELEMETRY_KEYS);
        if (!t.valid() || !t.has("tracing")) {
            return TelemetryConfig.DEFAULT;
        }
        return new TelemetryConfig(tracing(t.mapping("tracing", TRACING_KEYS)));
    }

    private TracingConfig tracing(Fields f) {
        if (!f.valid()) {
            return TracingConfig.DEFAULT;
        }
        Optional<Boolean> enabled = f.has("enabled") ? y.bool(f.value("enabled"), f.keyOf("enabled"))
                : Optional.empty();
        Optional<String> protocol = f.string("protocol");
        protocol.ifPresent(p -> {
            if (!PROTOCOLS.contains(p)) {
                y.error(f.value("protocol"), f.keyOf("protocol"), "expected http/protobuf or grpc, got '" + p + "'");
            }
        });
        Optional<String> sampler = f.string("sampler");
        sampler.ifPresent(s -> {
            if (!SAMPLERS.contains(s)) {
                y.error(f.value("sampler"), f.keyOf("sampler"), "expected one of " + String.join(", ",
                        SAMPLERS.stream().sorted().toList()) + ", got '" + s + "'");
            }
        });
        Optional<String> samplerArg = f.string("sampler-arg");
        samplerArg.ifPresent(a -> {
            try {
                double d = Double.parseDouble(a);
                if (!(d >= 0 && d <= 1)) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                y.error(f.value("sampler-arg"), f.keyOf("sampler-arg"), "expected a ratio from 0 to 1, got '" + a + "'");
            }
        });
        return new TracingConfig(enabled, f.string("endpoint"), protocol, map(f, "headers"), f.string("service-name"),
                sampler, samplerArg, f.string("propagators"), map(f, "resource-attributes"));
    }

    private Map<String, String> map(Fields f, String key) {
        if (!f.has(key)) {
            return Map.of();
        }
        Fields m = f.mapping(key, null);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : m.names()) {
            m.string(name).ifPresent(v -> out.put(name, v));
        }
        return out;
    }
}
