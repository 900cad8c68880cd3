package io.portico.plugins.jwtauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portico.api.Consumer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tokens this filter already verified, so a client presenting the same token again costs a map lookup instead of
 * a signature check (an RS256 verification is ~30–50 µs of CPU; Envoy's jwt_authn caches the same way). Keyed by
 * the whole token text: a hit means the identical signed bytes were verified, against this filter's keys, issuer
 * and audience. {@code exp} and {@code nbf} are checked again on every hit, with the leeway, so a cached token
 * stops working when it expires. Entries live at most {@code ttl} (the JWKS cache TTL: a key removed from the JWKS
 * stops being honoured through the cache within that time) and at most {@code size} are kept. Thread-safe.
 */
final class VerifiedTokens {
    /** What a verified token yields, with its validity window in epoch seconds ({@code Long.MIN/MAX_VALUE}: none). */
    record Verified(Consumer consumer, long notBefore, long expiresAt) {
    }

    private final Cache<String, Verified> cache;
    private final Clock clock;
    private final long leewaySeconds;

    VerifiedTokens(int size, Duration ttl, Duration leeway, Clock clock) {
        this.clock = clock;
        this.leewaySeconds = leeway.toSeconds();
        this.cache = Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run) // maintenance on the calling thread: no pool threads in the plugin
                .build();
    }

    /** The consumer of {@code token} if it was verified and is still within its {@code nbf}/{@code exp}; else null. */
    Consumer find(String token) {
        Verified v = cache.getIfPresent(token);
        if (v == null) {
            return null;
        }
        long now = clock.millis() / 1000;
        // compared as now - leeway > exp and now + leeway < nbf: the absent bounds (MAX/MIN_VALUE) cannot overflow
        if (now - leewaySeconds > v.expiresAt() || now + leewaySeconds < v.notBefore()) {
            cache.invalidate(token);
            return null;
        }
        return v.consumer();
    }

    void put(String token, Verified verified) {
        cache.put(token, verified);
    }
}
