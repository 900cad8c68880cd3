package io.portico.plugins.jwtauth;

import io.portico.api.ByteSize;
import io.portico.api.ConfigDefault;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of the {@code jwt-auth} filter. Key material comes from {@code secret}, {@code public-key},
 * {@code keys} and {@code jwks-url}; at least one is required.
 *
 * @param secret                 an HMAC secret (the UTF-8 bytes of the string; may be {@code ${ENV}}), for the
 *                               {@code HS*} entries of {@code algorithms} (default {@code HS256})
 * @param publicKey              a PEM public key ({@code -----BEGIN PUBLIC KEY-----}), for the {@code RS*}/{@code ES*}
 *                               entries of {@code algorithms} (default: {@code RS256} for an RSA key, {@code ES256},
 *                               {@code ES384} or {@code ES512} by an EC key's curve)
 * @param algorithms             the accepted algorithms; {@code HS*} ones apply to {@code secret}, the others to
 *                               {@code public-key} and the JWKS keys (default for JWKS: every RS and ES algorithm).
 *                               {@code none} is never accepted
 * @param keys                   more inline keys, each with its pinned algorithm and optional {@code kid}
 * @param jwksUrl                an http(s) JWKS document with RSA/EC public keys, looked up by the token's {@code kid}
 * @param jwksRefreshMinInterval the least time between two JWKS fetches (unknown {@code kid}s, expiry, failures)
 * @param jwksTimeout            deadline of a whole JWKS fetch (connect, headers and body)
 * @param jwksStaleGrace         how long the last fetched keys stay usable past {@code jwks-cache-ttl} while fetches fail
 * @param jwksCacheTtl           how long fetched keys are used before they are fetched again
 * @param issuer                 when set, the {@code iss} claim must equal it
 * @param audience               when not empty, the {@code aud} claim must contain one of them (one value or a list)
 * @param leeway                 clock skew allowed for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenSize           longer tokens are refused without being parsed
 * @param header                 the header carrying the token; {@code Authorization} expects {@code Bearer <token>},
 *                               another header the token itself (an optional {@code Bearer } prefix is removed)
 * @param cookie                 a cookie to take the token from when the header is absent
 * @param query                  a query parameter to take the token from when header and cookie are absent
 * @param groupsClaim            the claim whose values (array, or one string) become the consumer's groups
 * @param scopeClaim             the claim whose values (space-separated string or array) become the consumer's
 *                               scopes; default: {@code scope}, else {@code scp}
 * @param forwardClaims          claim name → request header sent upstream with its value
 * @param stripToken             whether the token is removed from the request before it goes upstream
 * @param cacheSize              how many verified tokens are remembered (their signature is not checked again while
 *                               cached; {@code exp}/{@code nbf} are); 0 turns the cache off
 */
public record JwtAuthConfig(
        Optional<String> secret,
        Optional<String> publicKey,
        List<String> algorithms,
        List<JwtKey> keys,
        Optional<String> jwksUrl,
        @ConfigDefault("30s") Duration jwksRefreshMinInterval,
        @ConfigDefault("2s") Duration jwksTimeout,
        @ConfigDefault("1h") Duration jwksStaleGrace,
        @ConfigDefault("5m") Duration jwksCacheTtl,
        Optional<String> issuer,
        List<String> audience,
        @ConfigDefault("60s") Duration leeway,
        @ConfigDefault("8KB") ByteSize maxTokenSize,
        @ConfigDefault("Authorization") String header,
        Optional<String> cookie,
        Optional<String> query,
        @ConfigDefault("groups") String groupsClaim,
        Optional<String> scopeClaim,
        Map<String, String> forwardClaims,
        @ConfigDefault("true") boolean stripToken,
        @ConfigDefault("1000") int cacheSize) {

    /** The algorithms a JWKS key may be used with when {@code algorithms} is not given. */
    private static final List<KeyAlgorithm> ASYMMETRIC = List.of(KeyAlgorithm.RS256, KeyAlgorithm.RS384,
            KeyAlgorithm.RS512, KeyAlgorithm.ES256, KeyAlgorithm.ES384, KeyAlgorithm.ES512);

    /** @throws IllegalArgumentException starting with the offending key */
    public JwtAuthConfig {
        secret = secret == null ? Optional.empty() : secret;
        publicKey = publicKey == null ? Optional.empty() : publicKey;
        algorithms = List.copyOf(algorithms == null ? List.of() : algorithms);
        keys = List.copyOf(keys == null ? List.of() : keys);
        jwksUrl = jwksUrl == null ? Optional.empty() : jwksUrl;
        issuer = issuer == null ? Optional.empty() : issuer;
        audience = List.copyOf(audience == null ? List.of() : audience);
        cookie = cookie == null ? Optional.empty() : cookie;
        query = query == null ? Optional.empty() : query;
        scopeClaim = scopeClaim == null ? Optional.empty() : scopeClaim;
        forwardClaims = Map.copyOf(forwardClaims == null ? Map.of() : forwardClaims);
        if (secret.isEmpty() && publicKey.isEmpty() && keys.isEmpty() && jwksUrl.isEmpty()) {
            throw new IllegalArgumentException("secret, public-key, keys, jwks-url: give at least one source of keys");
        }
        if (secret.isPresent() && publicKey.isPresent()) {
            throw new IllegalArgumentException("secret, public-key: give one of them (list several keys under keys:)");
        }
        for (String a : algorithms) {
            KeyAlgorithm alg = KeyAlgorithm.parse(a);
            if (alg.isHmac() && secret.isEmpty()) {
                throw new IllegalArgumentException("algorithms: " + a + " is an HMAC algorithm and needs secret");
            }
            if (!alg.isHmac() && publicKey.isEmpty() && jwksUrl.isEmpty()) {
                throw new IllegalArgumentException("algorithms: " + a + " needs public-key or jwks-url");
            }
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
        query.ifPresent(q -> notBlank("query", q));
        issuer.ifPresent(i -> notBlank("issuer", i));
        notBlank("groups-claim", groupsClaim);
        scopeClaim.ifPresent(c -> notBlank("scope-claim", c));
        forwardClaims.forEach((claim, h) -> token("forward-claims." + claim, h));
        if (cacheSize < 0 || cacheSize > 1_000_000) {
            throw new IllegalArgumentException("cache-size: expected 0 (off) to 1000000, got " + cacheSize);
        }
        inlineKeys(secret, publicKey, algorithms, keys); // validates secret length and key/algorithm fit
    }

    /** Every inline key: {@code secret} and {@code public-key} once per algorithm they serve, then {@code keys}. */
    List<JwtKey> inlineKeys() {
        return inlineKeys(secret, publicKey, algorithms, keys);
    }

    /** The algorithms JWKS keys may verify. */
    Set<KeyAlgorithm> jwksAlgorithms() {
        List<KeyAlgorithm> listed = algorithms.stream().map(KeyAlgorithm::parse).filter(a -> !a.isHmac()).toList();
        return Set.copyOf(algorithms.isEmpty() ? ASYMMETRIC : listed);
    }

    /** The claims scopes are read from, in order of preference. */
    List<String> scopeClaims() {
        return scopeClaim.map(List::of).orElse(List.of("scope", "scp"));
    }

    private static List<JwtKey> inlineKeys(Optional<String> secret, Optional<String> publicKey, List<String> algorithms,
                                           List<JwtKey> keys) {
        List<JwtKey> out = new ArrayList<>();
        List<KeyAlgorithm> listed = algorithms.stream().map(KeyAlgorithm::parse).toList();
        secret.ifPresent(s -> {
            List<KeyAlgorithm> hs = listed.stream().filter(KeyAlgorithm::isHmac).toList();
            for (KeyAlgorithm a : hs.isEmpty() ? List.of(KeyAlgorithm.HS256) : hs) {
                out.add(new JwtKey(Optional.empty(), a.name(), Optional.of(s), Optional.empty()));
            }
        });
        publicKey.ifPresent(pem -> {
            List<KeyAlgorithm> asym = listed.stream().filter(a -> !a.isHmac()).toList();
            for (KeyAlgorithm a : asym.isEmpty() ? List.of(KeyAlgorithm.defaultFor(Pem.publicKey(pem))) : asym) {
                out.add(new JwtKey(Optional.empty(), a.name(), Optional.empty(), Optional.of(pem)));
            }
        });
        out.addAll(keys);
        return out;
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
