package io.portico.plugins.jwtauth;

import com.auth0.jwk.Jwk;
import com.auth0.jwt.algorithms.Algorithm;
import io.portico.api.Metrics;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Public keys from a JWKS document, looked up by {@code kid}. Thread-safe.
 *
 * <p>Contract:
 * <ul>
 *   <li>The first lookup fetches the document. A fetched key set is used for {@code cacheTtl}; after that the next
 *       lookup fetches again.</li>
 *   <li>A lookup of a {@code kid} the key set lacks fetches again (key rotation), but <b>fetches are at least
 *       {@code minInterval} apart</b>, counting failed ones: unknown-{@code kid} tokens cannot cause a fetch storm.
 *       While a fetch runs, other lookups that want one wait for it and then use its result (one fetch at a time).</li>
 *   <li>A failed fetch (network, timeout, bad document) keeps the previous key set; it stays usable until
 *       {@code cacheTtl + staleGrace} after it was fetched, then no JWKS key is usable until a fetch succeeds.</li>
 *   <li>A successful fetch replaces the whole key set (a key removed from the document is no longer accepted).</li>
 * </ul>
 *
 * <p>Metrics: {@code jwks_fetches} (attempts), {@code jwks_fetch_failures}.
 *
 * <p>Why not jwks-rsa's {@code JwkProviderBuilder} cache + rate limit: its {@code GuavaCachedJwkProvider} caches
 * per {@code kid} with expiry and drops keys when they expire (no stale grace on fetch failure), and its
 * {@code RateLimitedJwkProvider} is a token bucket allowing bursts of fetches, not "at most one per interval". Only
 * jwks-rsa's fetching and JWK parsing ({@code UrlJwkProvider}, {@link Jwk}) are used.
 */
final class JwksKeys implements KeyResolver {

    /** Fetches the JWKS document; any exception is a failed fetch. */
    @FunctionalInterface
    interface Fetcher {
        List<Jwk> fetch() throws Exception;
    }

    private record Key(PublicKey publicKey, String alg) {
    }

    private record Snapshot(Map<String, Key> keys, Instant fetchedAt) {
    }

    private final Fetcher fetcher;
    private final Duration minInterval;
    private final Duration cacheTtl;
    private final Duration staleGrace;
    private final Clock clock;
    private final Logger logger;
    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot snapshot;
    private Instant lastAttempt; // guarded by lock

    JwksKeys(Fetcher fetcher, Duration minInterval, Duration cacheTtl, Duration staleGrace, Clock clock, Logger logger,
             Metrics metrics) {
        this.metrics = metrics;
        this.fetcher = fetcher;
        this.minInterval = minInterval;
        this.cacheTtl = cacheTtl;
        this.staleGrace = staleGrace;
        this.clock = clock;
        this.logger = logger;
    }

    /** Tokens without {@code kid} are never matched against JWKS keys. */
    @Override
    public List<Algorithm> candidates(String kid, KeyAlgorithm alg) {
        if (kid == null || alg.isHmac()) {
            return List.of();
        }
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || !now.isBefore(s.fetchedAt.plus(cacheTtl)) || !s.keys.containsKey(kid)) {
            s = refresh();
            now = clock.instant();
        }
        if (s == null || now.isAfter(s.fetchedAt.plus(cacheTtl).plus(staleGrace))) {
            return List.of();
        }
        Key k = s.keys.get(kid);
        if (k == null || (k.alg != null && !k.alg.equals(alg.name())) || !alg.fits(k.publicKey)) {
            return List.of();
        }
        return List.of(alg.verifier(k.publicKey));
    }

    /** Fetches unless the last attempt was less than {@code minInterval} ago; returns the current key set. */
    private Snapshot refresh() {
        lock.lock();
        try {
            Instant now = clock.instant();
            if (lastAttempt != null && now.isBefore(lastAttempt.plus(minInterval))) {
                return snapshot;
            }
            lastAttempt = now;
            metrics.increment("jwks_fetches");
            try {
                snapshot = new Snapshot(parse(fetcher.fetch()), clock.instant());
            } catch (Exception e) {
                metrics.increment("jwks_fetch_failures");
                logger.log(Level.WARNING, "JWKS fetch failed, keeping the previous keys: " + e);
            }
            return snapshot;
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Key> parse(List<Jwk> jwks) {
        Map<String, Key> keys = new HashMap<>();
        for (Jwk jwk : jwks) {
            if (jwk.getId() == null || (jwk.getUsage() != null && !"sig".equals(jwk.getUsage()))) {
                continue;
            }
            try {
                keys.put(jwk.getId(), new Key(jwk.getPublicKey(), jwk.getAlgorithm()));
            } catch (Exception e) {
                logger.fine("JWKS key '" + jwk.getId() + "' skipped: " + e.getMessage());
            }
        }
        return Map.copyOf(keys);
    }
}
