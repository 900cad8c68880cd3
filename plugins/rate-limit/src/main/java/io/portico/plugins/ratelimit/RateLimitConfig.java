package io.portico.plugins.ratelimit;

import io.portico.api.ConfigDefault;
import java.util.List;

/**
 * Configuration of the {@code rate-limit} filter.
 *
 * @param key            what a bucket is per: {@code consumer}, {@code ip}, {@code route}, {@code header:<name>},
 *                       {@code claim:<name>}, or a list of those (one bucket per combination); default
 *                       {@code consumer}
 * @param limits         one or more limits, all enforced on one bucket (e.g. 10 per 1s and 1000 per 1h); required
 * @param backend        {@code local} (default) or {@code redis} (needs the top-level {@code redis:})
 * @param onBackendError {@code allow} (default) or {@code deny} (503) when Redis fails or is too slow
 */
public record RateLimitConfig(@ConfigDefault("consumer") Object key, List<LimitConfig> limits,
                              @ConfigDefault("local") Backend backend,
                              @ConfigDefault("allow") OnBackendError onBackendError) {

    /** @throws IllegalArgumentException starting with the offending key */
    public RateLimitConfig {
        if (key == null) {
            key = "consumer";
        }
        KeySpec.parse(key);
        if (limits == null || limits.isEmpty()) {
            throw new IllegalArgumentException("limits: at least one limit is required, e.g. [ { capacity: 100, per: 1m } ]");
        }
        limits = List.copyOf(limits);
        if (limits.size() > 16) {
            throw new IllegalArgumentException("limits: at most 16 limits per rule, got " + limits.size());
        }
        if (backend == null) {
            backend = Backend.LOCAL;
        }
        if (onBackendError == null) {
            onBackendError = OnBackendError.ALLOW;
        }
    }

    /** The parsed {@link #key}. */
    public KeySpec keySpec() {
        return KeySpec.parse(key);
    }
}
