package io.portico.plugins.jwtauth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.portico.api.Consumer;
import io.portico.api.Decision;
import io.portico.api.Exchange;
import io.portico.api.GatewayFilter;
import io.portico.api.Metrics;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Authenticates the request by its JWT and sets the {@link Consumer}.
 *
 * <ul>
 *   <li>No token ({@link TokenLocator}) → 401 problem {@code unauthorized} with {@code WWW-Authenticate: Bearer realm="portico"}.</li>
 *   <li>Any failure → 401 problem {@code invalid-token} with
 *       {@code WWW-Authenticate: Bearer realm="portico", error="invalid_token", error_description="The token is invalid or expired"}:
 *       one answer for every cause (too long, not a JWT, {@code alg} not accepted, no key for its {@code kid}/{@code alg},
 *       bad signature, {@code exp}/{@code nbf} outside the leeway, wrong {@code iss}/{@code aud}, a {@code crit}
 *       header, no {@code sub}). The cause is logged at FINE only.</li>
 *   <li>Success → consumer (id = {@code sub}, groups from the groups claim, scopes from the scope claim, claims = all claims), the configured
 *       claims forwarded as headers (client-sent headers of those names are always removed first), the token stripped
 *       when {@code strip-token}.</li>
 * </ul>
 * A token verified once is remembered ({@link VerifiedTokens}, {@code cache-size}): presented again, only its
 * {@code exp}/{@code nbf} are checked. Metrics: {@code missing}, {@code invalid}. Thread-safe.
 */
final class JwtAuthFilter implements GatewayFilter {
    static final String REALM = "Bearer realm=\"portico\"";
    static final Decision.Respond MISSING = Decision.problem(401, "unauthorized", "Unauthorized",
            "This route requires a bearer token.").header("WWW-Authenticate", REALM);
    static final Decision.Respond INVALID = Decision.problem(401, "invalid-token", "Unauthorized",
            "The bearer token is invalid or expired.").header("WWW-Authenticate",
            REALM + ", error=\"invalid_token\", error_description=\"The token is invalid or expired\"");

    private final JwtAuthConfig config;
    private final TokenLocator locator;
    private final List<KeyResolver> resolvers;
    private final Clock clock;
    private final Metrics metrics;
    private final Logger logger;
    private final VerifiedTokens cache; // null: off

    JwtAuthFilter(JwtAuthConfig config, List<KeyResolver> resolvers, Clock clock, Metrics metrics, Logger logger) {
        this.config = config;
        this.locator = new TokenLocator(config.header(), config.cookie(), config.query());
        this.resolvers = List.copyOf(resolvers);
        this.clock = clock;
        this.metrics = metrics;
        this.logger = logger;
        this.cache = config.cacheSize() == 0 ? null
                : new VerifiedTokens(config.cacheSize(), config.jwksCacheTtl(), config.leeway(), clock);
    }

    @Override
    public Decision onRequest(Exchange exchange) {
        Optional<TokenLocator.Found> found = locator.find(exchange.request());
        if (found.isEmpty()) {
            metrics.increment("missing");
            return MISSING;
        }
        String token = found.get().value();
        Consumer consumer = token == null || token.length() > config.maxTokenSize().bytes() || cache == null
                ? null : cache.find(token);
        if (consumer == null) {
            Map<String, Object> claims;
            try {
                claims = verify(token);
            } catch (InvalidToken | JWTVerificationException | IllegalArgumentException e) {
                logger.fine(() -> "token refused on request " + exchange.requestId() + ": " + e.getMessage());
                metrics.increment("invalid");
                return INVALID;
            }
            consumer = consumer(claims);
            if (cache != null) {
                cache.put(token, new VerifiedTokens.Verified(consumer, epochSeconds(claims.get("nbf"), Long.MIN_VALUE),
                        epochSeconds(claims.get("exp"), Long.MAX_VALUE)));
            }
        }
        exchange.consumer(consumer);
        Map<String, Object> claims = consumer.claims();
        config.forwardClaims().forEach((claim, header) -> {
            exchange.request().headers().remove(header);
            String value = claims.containsKey(claim) ? ClaimsMapper.headerValue(claims.get(claim)) : null;
            if (value != null) {
                exchange.request().headers().set(header, value);
            }
        });
        if (config.stripToken()) {
            locator.strip(exchange.request(), found.get().source());
        }
        return Decision.proceed();
    }

    private Consumer consumer(Map<String, Object> claims) {
        Set<String> groups = ClaimsMapper.values(claims, config.groupsClaim(), false);
        Set<String> scopes = Set.of();
        for (String claim : config.scopeClaims()) {
            if (claims.containsKey(claim)) {
                scopes = ClaimsMapper.values(claims, claim, true);
                break;
            }
        }
        return new Consumer((String) claims.get("sub"), groups, scopes, claims);
    }

    private static long epochSeconds(Object claim, long absent) {
        return claim instanceof Number n ? n.longValue() : absent;
    }

    /** The claims of a valid token; throws for anything else. */
    private Map<String, Object> verify(String token) {
        if (token == null) {
            throw new InvalidToken("malformed token source");
        }
        if (token.length() > config.maxTokenSize().bytes()) {
            throw new InvalidToken("token longer than max-token-size");
        }
        DecodedJWT jwt;
        try {
            jwt = JWT.decode(token);
        } catch (JWTDecodeException e) {
            throw new InvalidToken("not a JWT");
        }
        KeyAlgorithm alg = KeyAlgorithm.lookup(jwt.getAlgorithm());
        if (alg == null) {
            throw new InvalidToken("alg not accepted");
        }
        if (!jwt.getHeaderClaim("crit").isMissing()) {
            throw new InvalidToken("crit header not supported");
        }
        List<Algorithm> candidates = resolvers.stream().flatMap(r -> r.candidates(jwt.getKeyId(), alg).stream()).toList();
        if (candidates.isEmpty()) {
            throw new InvalidToken("no key for kid/alg");
        }
        DecodedJWT verified = null;
        JWTVerificationException last = null;
        for (Algorithm a : candidates) {
            try {
                verified = verifier(a).verify(jwt);
                break;
            } catch (JWTVerificationException e) {
                last = e;
            }
        }
        if (verified == null) {
            throw last;
        }
        Map<String, Object> claims = ClaimsMapper.claims(verified.getPayload());
        if (!(claims.get("sub") instanceof String sub) || sub.isBlank()) {
            throw new InvalidToken("no sub claim");
        }
        return claims;
    }

    private com.auth0.jwt.JWTVerifier verifier(Algorithm a) {
        var v = JWT.require(a).acceptLeeway(config.leeway().toSeconds());
        config.issuer().ifPresent(v::withIssuer);
        if (!config.audience().isEmpty()) {
            v.withAnyOfAudience(config.audience().toArray(String[]::new));
        }
        return ((com.auth0.jwt.JWTVerifier.BaseVerification) v).build(clock);
    }

    /** A refusal found by this filter itself (not by java-jwt). */
    private static final class InvalidToken extends RuntimeException {
        InvalidToken(String reason) {
            super(reason, null, false, false);
        }
    }
}
