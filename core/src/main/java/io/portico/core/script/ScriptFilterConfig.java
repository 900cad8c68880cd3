package io.portico.core.script;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code script} filter entry: {@code { type: script, file: tenant.js, config: {...}, timeout: 50ms }}.
 *
 * @param file    the script, relative to {@code scripts.dir}
 * @param config  free-form settings the script reads as {@code ctx.config}
 * @param timeout time budget of one {@code onRequest}/{@code onResponse} call (default 50 ms, at most 10 s)
 */
public record ScriptFilterConfig(String file, Map<String, Object> config, Optional<Duration> timeout) {
    /** The budget when {@code timeout} is not set. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    public ScriptFilterConfig {
        ScriptLibrary.normalize(file); // throws IllegalArgumentException naming the problem
        if (!file.endsWith(".js") && !file.endsWith(".mjs")) {
            throw new IllegalArgumentException("script file '" + file + "' must end in .js or .mjs");
        }
        config = config == null ? Map.of() : config;
        timeout = timeout == null ? Optional.empty() : timeout;
        timeout.ifPresent(t -> {
            if (t.isZero() || t.isNegative() || t.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException("timeout must be between 1ms and 10s, got " + t.toMillis() + "ms");
            }
        });
    }

    /** The per-call budget. */
    public Duration budget() {
        return timeout.orElse(DEFAULT_TIMEOUT);
    }
}
