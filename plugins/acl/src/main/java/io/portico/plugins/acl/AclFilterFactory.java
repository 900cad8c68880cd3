package io.portico.plugins.acl;

import io.portico.api.FilterContext;
import io.portico.api.FilterFactory;
import io.portico.api.GatewayFilter;
import io.portico.api.Phase;
import org.pf4j.Extension;

/**
 * {@code type: acl}, phase {@link Phase#AUTHORIZE}: allows only the consumers with the configured scopes, groups
 * and claims (401 problem {@code unauthorized} without a consumer, 403 problem {@code forbidden}). See
 * {@link AclConfig} and {@link AclFilter}.
 */
@Extension
public final class AclFilterFactory implements FilterFactory<AclConfig> {

    @Override
    public String type() {
        return "acl";
    }

    @Override
    public Phase phase() {
        return Phase.AUTHORIZE;
    }

    @Override
    public Class<AclConfig> configType() {
        return AclConfig.class;
    }

    @Override
    public GatewayFilter create(AclConfig config, FilterContext context) {
        return new AclFilter(new AclRules(config), context.metrics(), context.logger());
    }
}
