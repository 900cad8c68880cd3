package io.portico.plugins.jwtauth;

import io.portico.api.ByteSize;
import io.portico.api.ConfigDefault;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of the {@code jwt-auth} filter. At least one of {@code keys} and {@code jwks-url} is required.
 *
 * @param keys                   inline keys, each with its pinned algorithm
 * @param jwksUrl                an http(s) JWKS document with RSA/EC public keys, looked up by the token's {@code kid}
 * @param jwksRefreshMinInterval the least time between two JWKS fetches (unknown {@code kid}s, expiry, failures)
 * @param jwksTimeout            deadline of a whole JWKS fetch (connect, headers and body)
 * @param jwksStaleGrace         how long the last fetched keys stay usable past {@code jwks-cache-ttl} while fetches fail
 * @param jwksCacheTtl           how long fetched keys are used before they are fetched again
 * @param issuer                 when set, the {@code iss} claim must equal it
 * @param audiences              when not empty, the {@code aud} claim must contain one of them
 * @param leeway                 clock skew allowed for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenSize           longer tokens are refused without being parsed
 * @param header                 the header carrying the token; {@code Authorization} expects {@code Bearer <token>},
 *                               another header the token itself (an optional {@code Bearer } prefix is removed)
 * @param cookie                 a cookie to take the token from when the header is absent
 * @param queryParam             a query parameter to take the token from when header and cookie are absent
 * @param groupsClaim            the claim whose values (array, or one string) become the consumer's groups
 * @param scopesClaim            the claim whose values (space-separated string or array) are added to the groups
 * @param forwardClaims          claim name → request header sent upstream with its value
 * @param stripToken             whether the token is removed from the request before it goes upstream
 */
public record JwtAuthConfig(
        List<JwtKey> keys,
        Optional<String> jwksUrl,
        @ConfigDefault("30s") Duration jwksRefreshMinInterval,
        @ConfigDefault("2s") Duration jwksTimeout,
        @ConfigDefault("1h") Duration jwksStaleGrace,
        @ConfigDefault("5m") Duration jwksCacheTtl,
        Optional<String> issuer,
        List<String> audiences,
        @ConfigDefault("60s") Duration leeway,
        @ConfigDefault("8KB") ByteSize maxTokenSize,
        @ConfigDefault("Authorization") String header,
        Optional<String> cookie,
        Optional<String> queryParam,
        @ConfigDefault("groups") String groupsClaim,
        @ConfigDefault("scope") String scopesClaim,
        Map<String, String> forwardClaims,
        @ConfigDefault("true") boolean stripToken) {

    /** @throws IllegalArgumentException starting with the offending key */
    public JwtAuthConfig {
        keys = List.copyOf(keys == null ? List.of() : keys);
        jwksUrl = jwksUrl == null ? Optional.empty() : jwksUrl;
        issuer = issuer == null ? Optional.empty() : issuer;
        audiences = List.copyOf(audiences == null ? List.of() : audiences);
        cookie = cookie == null ? Optional.empty() : cookie;
        queryParam = queryParam == null ? Optional.empty() : queryParam;
        forwardClaims = Map.copyOf(forwardClaims == null ? Map.of() : forwardClaims);
        if (keys.isEmpty() && jwksUrl.isEmpty()) {
            throw new IllegalArgumentException("keys, jwks-url: give inline keys, a JWKS URL, or both");
        }
        Set<String> seen = new HashSet<>();
        for (JwtKey k : keys) {
            if (!seen.add(k.kid().orElse("") + "/" + k.alg())) {
                throw new IllegalArgumentException("keys: two keys with kid '" + k.kid().orElse("") + "' and alg " + k.alg());
            }
        }
        jwksUrl.ifPresent(JwtAuthConfig::checkUrl);
        positive("jwks-refresh-min-interval", jwksRefreshMinInterval, true);
        positive("jwks-timeout", jwksTimeout, false);
        positive("jwks-stale-grace", jwksStaleGrace, true);
        positive("jwks-cache-ttl", jwksCacheTtl, false);
        positive("leeway", leeway, true);
        if (maxTokenSize == null || maxTokenSize.bytes() < 16) {
            throw new IllegalArgumentException("max-token-size: must be at least 16B");
        }
        token("header", header);
        cookie.ifPresent(c -> token("cookie", c));
        queryParam.ifPresent(q -> {
            if (q.isBlank()) {
                throw new IllegalArgumentException("query-param: must not be blank");
            }
        });
        issuer.ifPresent(i -> {
            if (i.isBlank()) {
                throw new IllegalArgumentException("issuer: must not be blank");
            }
        });
        notBlank("groups-claim", groupsClaim);
        notBlank("scopes-claim", scopesClaim);
        forwardClaims.forEach((claim, h) -> token("forward-claims." + claim, h));
    }

    private static void checkUrl(String url) {
        try {
            URI u = URI.create(url);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("jwks-url: expected an http or https URL, got '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("jwks-url")) {
                throw e;
            }
            throw new IllegalArgumentException("jwks-url: not a URL: '" + url + "'", e);
        }
    }

    private static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": must not be blank");
        }
    }

    private static void positive(String key, Duration d, boolean zeroAllowed) {
        if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(key + ": must be " + (zeroAllowed ? "0 or more" : "more than 0") + ", got " + d);
        }
    }

    /** Header, cookie and claim names: RFC 9110 token characters. */
    private static void token(String key, String value) {
        if (value == null || value.isEmpty() || !value.chars().allMatch(JwtAuthConfig::tchar)) {
            throw new IllegalArgumentException(key + ": expected a name of letters, digits and !#$%&'*+-.^_`|~, got '" + value + "'");
        }
    }

    private static boolean tchar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
