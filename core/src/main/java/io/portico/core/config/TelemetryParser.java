package io.portico.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/** Builds {@link TelemetryConfig} from {@code telemetry:} (access log and {@link TracingConfig tracing}). Not thread-safe. */
final class TelemetryParser {
    /** The keys of {@code telemetry:}. */
    static final List<String> KEYS = List.of("access-log", "access-log-fields", "tracing");
    static final List<String> TRACING_KEYS = List.of("enabled", "endpoint", "protocol", "headers", "service-name",
            "sampler", "sampler-arg", "propagators", "resource-attributes");
    private static final Set<String> PROTOCOLS = Set.of("http/protobuf", "grpc");
    private static final Set<String> SAMPLERS = Set.of("always_on", "always_off", "traceidratio",
            "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio");

    private final YamlNodes y;

    TelemetryParser(YamlNodes y) {
        this.y = y;
    }

    TelemetryConfig telemetry(Fields top, Path base) {
        if (!top.has("telemetry")) {
            return TelemetryConfig.defaults();
        }
        Fields t = top.mapping("telemetry", KEYS);
        TelemetryConfig.AccessLog accessLog = t.scalar("access-log", "stdout, off or a file path")
                .map(s -> accessLog(s, base)).orElse(TelemetryConfig.AccessLog.STDOUT);
        List<String> fields = TelemetryConfig.ACCESS_LOG_FIELDS;
        if (t.has("access-log-fields")) {
            Set<String> chosen = new LinkedHashSet<>();
            List<Node> items = t.list("access-log-fields");
            for (int i = 0; i < items.size(); i++) {
                Optional<Scalar> s = y.scalar(items.get(i), t.keyOf("access-log-fields") + "[" + i + "]",
                        "an access-log field name");
                if (s.isEmpty()) {
                    continue;
                }
                String name = s.get().text();
                if (!TelemetryConfig.ACCESS_LOG_FIELDS.contains(name)) {
                    y.invalid(s.get(), "one of " + String.join(", ", TelemetryConfig.ACCESS_LOG_FIELDS));
                } else if (!chosen.add(name)) {
                    y.invalid(s.get(), "each field once ('" + name + "' is listed twice)");
                }
            }
            if (items.isEmpty() && t.valid()) {
                y.error(t.value("access-log-fields"), t.keyOf("access-log-fields"),
                        "expected at least one field (use access-log: off to turn the log off)");
            }
            fields = new ArrayList<>(chosen);
            if (fields.isEmpty()) {
                fields = TelemetryConfig.ACCESS_LOG_FIELDS;
            }
        }
        TracingConfig tracing = t.valid() && t.has("tracing") ? tracing(t.mapping("tracing", TRACING_KEYS))
                : TracingConfig.DEFAULT;
        return new TelemetryConfig(accessLog, fields, tracing);
    }

    private TelemetryConfig.AccessLog accessLog(Scalar s, Path base) {
        String text = s.text().trim();
        if (text.equals("stdout")) {
            return TelemetryConfig.AccessLog.STDOUT;
        }
        if (text.equals("off")) {
            return TelemetryConfig.AccessLog.OFF;
        }
        try {
            if (!text.isEmpty() && text.indexOf('\0') < 0) {
                Path p = base.resolve(Path.of(text)).toAbsolutePath().normalize();
                if (p.getFileName() != null) {
                    return new TelemetryConfig.AccessLog(TelemetryConfig.AccessLog.Kind.FILE, p);
                }
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        y.invalid(s, "stdout, off or a file path like logs/access.log");
        return TelemetryConfig.AccessLog.STDOUT;
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
