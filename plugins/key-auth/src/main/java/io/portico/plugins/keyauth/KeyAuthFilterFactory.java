package io.portico.plugins.keyauth;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: key-auth}, phase {@link Phase#AUTHENTICATE}: authenticates an API key against the
 * {@code consumers[].api-keys} hashes and sets the consumer (401 problems {@code unauthorized} and
 * {@code invalid-api-key}). See {@link KeyAuthConfig} and {@link KeyAuthFilter}.
 */
@Extension
public final class KeyAuthFilterFactory implements FilterFactory<KeyAuthConfig> {

    @Override
    public String type() {
        return "key-auth";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHENTICATE;
    }

    @Override
    public Class<KeyAuthConfig> configType() {
        return KeyAuthConfig.class;
    }

    /**
     * Indexes the consumers' key hashes. With no key configured the filter still works (every key is invalid)
     * and one WARNING is logged.
     */
    @Override
    public GatewayFilter create(KeyAuthConfig config, FilterContext context) {
        ApiKeys keys = new ApiKeys(context.consumers());
        if (keys.size() == 0) {
            context.logger().warning("key-auth" + (context.routeId() == null ? " (global)" : " on route '"
                    + context.routeId() + "'") + ": no consumer has api-keys, so every API key is refused");
        }
        return new KeyAuthFilter(config, keys, context.metrics(), context.logger());
    }
}
