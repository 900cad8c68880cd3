package io.portico.plugins.jwtauth;

import com.auth0.jwk.UrlJwkProvider;
import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * {@code type: jwt-auth}, phase {@link Phase#AUTHENTICATE}: verifies a JWT and sets the consumer (401 problems
 * {@code unauthorized} and {@code invalid-token}). See {@link JwtAuthConfig} and {@link JwtAuthFilter}.
 */
@Extension
public final class JwtAuthFilterFactory implements FilterFactory<JwtAuthConfig> {
    /** The largest JWKS document read. */
    static final int MAX_JWKS_BYTES = 1024 * 1024;

    @Override
    public String type() {
        return "jwt-auth";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHENTICATE;
    }

    @Override
    public Class<JwtAuthConfig> configType() {
        return JwtAuthConfig.class;
    }

    /** Builds the key resolvers; the JWKS document is not fetched here but on the first token that needs it. */
    @Override
    public GatewayFilter create(JwtAuthConfig config, FilterContext context) {
        List<KeyResolver> resolvers = new ArrayList<>();
        List<JwtKey> inline = config.inlineKeys();
        if (!inline.isEmpty()) {
            resolvers.add(new InlineKeys(inline));
        }
        config.jwksUrl().ifPresent(url -> {
            JwksKeys jwks = new JwksKeys(fetcher(url, config), config.jwksRefreshMinInterval(), config.jwksCacheTtl(),
                    config.jwksStaleGrace(), context.clock(), context.logger(), context.metrics());
            Set<KeyAlgorithm> allowed = config.jwksAlgorithms();
            // checked before the JWKS is consulted: a token with another alg never triggers a fetch
            resolvers.add((kid, alg) -> allowed.contains(alg) ? jwks.candidates(kid, alg) : List.of());
        });
        return new JwtAuthFilter(config, resolvers, context.clock(), context.metrics(), context.logger());
    }

    /** Fetches {@code url} with jwks-rsa's {@code UrlJwkProvider} over a {@link DeadlineJwksHttpClient} (deadline {@code jwks-timeout}, 1 MB). */
    static JwksKeys.Fetcher fetcher(String url, JwtAuthConfig config) {
        try {
            UrlJwkProvider provider = new UrlJwkProvider(URI.create(url).toURL(),
                    new DeadlineJwksHttpClient(config.jwksTimeout(), MAX_JWKS_BYTES));
            return provider::getAll;
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException("jwks-url: " + e.getMessage(), e);
        }
    }
}
