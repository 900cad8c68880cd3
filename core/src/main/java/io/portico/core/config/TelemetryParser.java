package io.portico.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/** Builds {@link TelemetryConfig} from {@code telemetry:}. Not thread-safe. */
final class TelemetryParser {
    /** The keys of {@code telemetry:} this version knows (tracing adds its own). */
    static final List<String> KEYS = List.of("access-log", "access-log-fields");

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
        return new TelemetryConfig(accessLog, fields);
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
}
